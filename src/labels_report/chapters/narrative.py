"""The services' narratives (``texts/<year>/<label_id>.md``), made safe to include.

A narrative is Markdown typed by staff. It is parsed by Pandoc (CommonMark,
raw HTML off) and its tree is cleaned before it joins the report: raw blocks
are dropped, images become their description, links keep only web and mail
addresses, and headings are pushed below the report's own levels. The text
gets the report's typography (typographic apostrophe, no-break spaces).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pypandoc

from labels_report.core.text import NBSP, NNBSP, typographic

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_DEEPEST_HEADING = 6


_MONTH = re.compile(r"^(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b",
                    re.IGNORECASE)
_DAY = re.compile(r"(^|\W)(\d{1,2}|1er)$")
_NUMBER_GROUP = re.compile(r"^\d{3}\b")


def _text(node: Any) -> str:
    return node["c"] if isinstance(node, dict) and node.get("t") == "Str" else ""


def _unbreakable(before: Any, after: Any) -> str | None:
    """What a Space between two inlines of a narrative becomes: a no-break space where French
    typography wants one, "" where the next word already starts with one, None to keep it."""
    left, right = _text(before), _text(after)
    if right[:1] in (NBSP, NNBSP) or left[-1:] in (NBSP, NNBSP):
        return ""
    if right[:1] in (":", ";", "!", "?", "»") or left.endswith("«"):
        return NBSP
    if _DAY.search(left) and _MONTH.match(right):
        return NBSP
    if left.isdigit() and _NUMBER_GROUP.match(right):
        return NNBSP
    if left[-1:].isdigit() and right[:1] in ("€", "%"):
        return NBSP
    return None


def _typeset(items: list) -> list:
    """A run of inlines with French spacing: a Space that must not break becomes a no-break space."""
    out: list = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("t") == "Space" and 0 < index < len(items) - 1:
            space = _unbreakable(items[index - 1], items[index + 1])
            if space is not None:
                if space:
                    out.append({"t": "Str", "c": space})
                continue
        out.append(item)
    return out


def _clean(node: Any, shift: int) -> Any:
    if isinstance(node, list):
        cleaned = []
        for item in node:
            result = _clean(item, shift)
            if result is None:
                continue
            if isinstance(result, _Splice):
                cleaned.extend(result.items)
            else:
                cleaned.append(result)
        return _typeset(cleaned)
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
    if kind == "Str":
        return {"t": "Str", "c": typographic(node["c"])}
    if kind in ("RawInline", "RawBlock"):
        return None
    if kind == "Image":
        _attr, alt, _target = node["c"]
        return _Splice(_clean(alt, shift))
    if kind == "Link":
        attr, content, (url, title) = node["c"]
        content = _clean(content, shift)
        if not str(url).lower().startswith(SAFE_SCHEMES):
            return _Splice(content)
        return {"t": "Link", "c": [["", [], []], content, [url, title]]}
    if kind == "Header":
        level, _attr, content = node["c"]
        return {"t": "Header", "c": [min(level + shift, _DEEPEST_HEADING), ["", ["unnumbered", "unlisted"], []],
                                     _clean(content, shift)]}
    if "c" in node:
        return {**node, "c": _clean(node["c"], shift)}
    return node


class _Splice:
    def __init__(self, items: list[Any]):
        self.items = items


def safe_markdown(text: str, heading_shift: int = 3) -> str:
    """``text`` (staff Markdown) as Pandoc Markdown that can only render as text,
    lists, emphasis, tables, quotes and web links."""
    if not text.strip():
        return ""
    tree = json.loads(pypandoc.convert_text(text, "json", format="commonmark-raw_html", extra_args=["--sandbox"]))
    tree["blocks"] = _clean(tree["blocks"], heading_shift)
    return pypandoc.convert_text(json.dumps(tree), "markdown-raw_html-raw_attribute-raw_tex",
                                 format="json", extra_args=["--sandbox", "--wrap=none"])
