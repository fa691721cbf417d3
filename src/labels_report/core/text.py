"""Folding text the way people type it: case, accents, spaces."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable

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


SUGGESTION_CUTOFF = 0.75
"""How alike (:class:`difflib.SequenceMatcher` ratio) a typed word and a known one must be for the
known one to be suggested: ``ville-amie-enfants`` is 0.9 from ``ville-amie-des-enfants``, ``A1`` 0.8
from ``A01``; ``ville-internet`` is 0.59 from ``ville-fleurie``, another label, never suggested."""


def closest(typed: str, known: Iterable[str], cutoff: float = SUGGESTION_CUTOFF) -> str | None:
    """The value of ``known`` closest to ``typed`` (compared as :func:`normalise_word` folds them),
    as ``known`` spells it; None when none is close enough to be what was meant."""
    forms: dict[str, str] = {}
    for value in known:
        if value:
            forms.setdefault(normalise_word(value), value)
    match = difflib.get_close_matches(normalise_word(typed), list(forms), n=1, cutoff=cutoff)
    return forms[match[0]] if match else None


SLUG_LENGTH = 60
"""A slug names folders and files (``rapport-labels-<slug>-<year>.pdf``): kept well below the
255 bytes a file name may have."""


def slugify(name: str, limit: int = SLUG_LENGTH) -> str:
    """``"Villers-Cotterêts"`` -> ``"villers-cotterets"``: a name made safe for a file name and a URL.
    A longer one is cut, and ends with a digest of the whole so that two long names stay apart."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]
    return f"{slug[:limit - 9].rstrip('-')}-{digest}"


# C0 controls but tab and line ends, DEL, C1 controls, and the two non-characters XML refuses:
# invisible in a cell, and refused by the spreadsheet and PDF writers.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def without_controls(text: str) -> str:
    """``text`` without its control characters (a form feed pasted from a word processor...)."""
    return _CONTROLS.sub("", text)


def show_controls(text: str) -> str:
    """``text`` with each control character made visible (U+240C "␌" for a form feed), for a message."""
    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else f"<U+{code:04X}>"

    return _CONTROLS.sub(visible, text)


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
