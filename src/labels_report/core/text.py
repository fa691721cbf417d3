"""Folding text the way people type it: case, accents, spaces."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """``" Réalisée "`` -> ``" realisee "``: case folded, accents and ligatures removed."""
    folded = unicodedata.normalize("NFKD", str(text).casefold().translate(_LIGATURES))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def normalise_word(text: str) -> str:
    """``" Réalisée "`` -> ``"realisee"``: a word as typed, for matching a vocabulary:
    case, accents, surrounding spaces folded, ``_``/``-`` read as spaces."""
    folded = fold(text.strip()).replace("\u2019", "'")
    return re.sub(r"[\s_\-]+", " ", folded).strip()


def slugify(name: str) -> str:
    """``"Villers-Cotterêts"`` -> ``"villers-cotterets"``: a name made safe for a file name and a URL."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


# -- typography ---------------------------------------------------------------------------

NBSP = "\u00a0"
"""No-break space: inside « », before : ; ! ?, between a day and its month, before a unit."""
NNBSP = "\u202f"
"""Narrow no-break space: between the groups of digits of a number (500 000)."""
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_RULES = (
    (re.compile(r"(?<=\w)'|'(?=\w)"), "\u2019"),               # l'UNICEF -> l’UNICEF
    (re.compile("«[ \t\u00a0\u202f]*"), "«" + NBSP),            # « écoles -> «\u00a0écoles
    (re.compile("[ \t\u00a0\u202f]*»"), NBSP + "»"),
    (re.compile(r"[ \t]+(?=[:;!?](?:\s|$))"), NBSP),             # Note : x -> Note\u00a0: x (a space typed)
    (re.compile(r"(?<=\b\d)[ \t](?=\d{3}\b)|(?<=\d\d)[ \t](?=\d{3}\b)"), NNBSP),  # 500 000
    (re.compile(r"(?<=\d)[ \t]+(?=(?:€|%|k€|M€)(?!\w))"), NBSP),    # 500 000 € and 50 %
    (re.compile(r"\b(\d{1,2}|1er)[ \t]+(?=(?:" + "|".join(_MONTHS) + r")\b)", re.IGNORECASE), "\\1" + NBSP),
)


def typographic(text: str) -> str:
    """``text`` with the typography French requires, wherever it was typed: the typographic
    apostrophe, no-break spaces inside « » and before : ; ! ? (where a space was typed), between
    the groups of digits of a number, before € and %, and between a day and its month. Only
    spacing and the apostrophe change: a text typed in English keeps its own spacing."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
