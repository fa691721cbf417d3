"""The services' narratives (``texts/<year>/<label_id>.md``), made safe to include.

A narrative is Markdown typed by staff. It is parsed by Pandoc (CommonMark,
raw HTML off) and its tree is cleaned before it joins the report: raw blocks
are dropped, images become their description, links keep only web and mail
addresses, and headings are pushed below the report's own levels.
"""

from __future__ import annotations

import json
from typing import Any

import pypandoc

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_DEEPEST_HEADING = 6


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
        return cleaned
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
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
