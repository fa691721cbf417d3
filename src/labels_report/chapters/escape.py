"""Escaping of data strings for every place they enter the report.

Data strings (label names, action titles, partners, narratives, town name) are
never trusted: they are escaped where they enter Pandoc Markdown, and Pandoc's
own writers then escape them for HTML and Typst.
"""

from __future__ import annotations

import re
import string

from labels_report.core.text import typographic

# Pandoc Markdown treats any ASCII punctuation preceded by a backslash literally.
_PUNCTUATION = frozenset(string.punctuation)
# Only layout whitespace is folded. ``\s`` would also match U+00A0 and U+202F,
# the no-break spaces Babel puts in "500\u202f000\u00a0€", and folding those
# into plain spaces would let a number break across lines.
_WHITESPACE_RUN = re.compile("[ \t\n\r\f\v\x85\u2028\u2029]+")


_ORDINAL = re.compile(r"(?<![\w\\])(1|[2-9]|[1-9]\d)(er|re|e)(?![\w\\])")


def md_text(value: object) -> str:
    """Return ``value`` as Pandoc Markdown inline text that renders literally.

    Every ASCII punctuation character is backslash-escaped and line breaks are
    folded into spaces, so no data string can open a link, an image, a raw
    block, a table cell, a heading or a list. French typography is applied on
    the way (:func:`labels_report.core.text.typographic`), and the letters of
    an ordinal ("1er") are set in superscript.
    """
    if value is None:
        return ""
    text = typographic(_WHITESPACE_RUN.sub(" ", str(value)).strip())
    escaped = "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)
    # "1er", "1re", "3e": the letters of a French ordinal in superscript (Pandoc's ^…^).
    return _ORDINAL.sub(r"\1^\2^", escaped)


def md_attr(value: object) -> str:
    """Return ``value`` for use inside a double-quoted Pandoc attribute value."""
    if value is None:
        return ""
    text = typographic(_WHITESPACE_RUN.sub(" ", str(value)).strip())
    return text.replace("\\", "\\\\").replace('"', '\\"')
