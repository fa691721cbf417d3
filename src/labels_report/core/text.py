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
