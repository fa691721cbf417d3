"""French places as a network's table names them: départements and communes.

:func:`commune_key` folds a commune's name the way lists spell it differently
(``Saint-Quentin``, ``ST QUENTIN``, ``Saint Quentin``; ``Rochelle (La)``), so that
rows of several years and the towns' folders can be matched.

A network's table names a town's département in many ways (``02``, ``2``, ``Aisne``,
``Aisne (02)``, ``02 - Aisne``), or not at all when the postcode or the INSEE code
says it. :func:`department_code` reads them all to one code (``02``, ``2A``, ``974``).
"""

from __future__ import annotations

import re

from labels_report.core.text import fold, normalise_word

DEPARTMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire",
    "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère",
    "49": "Maine-et-Loire", "50": "Manche", "51": "Marne", "52": "Haute-Marne", "53": "Mayenne",
    "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord",
    "60": "Oise", "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône",
    "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie",
    "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres",
    "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort",
    "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte",
}
"""Code -> name of every département (Corsica's two, and the five overseas)."""



def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", normalise_word(text)).strip()


_BY_NAME = {_name_key(name): code for code, name in DEPARTMENTS.items()}
_BY_NAME.update({"reunion": "974"})
_CODE = re.compile(r"(?<![0-9A-Za-z])(97[1-6]|2[AaBb]|\d{1,2})(?![0-9A-Za-z])")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\((?P<article>l'|l’|la|le|les)\)\s*$", re.IGNORECASE)


_SMALL_WORDS = {"de", "des", "du", "la", "le", "les", "sur", "sous", "en", "et", "aux", "au", "lès", "lez"}


_SAINT = re.compile(r"\b(st|ste|sts|stes)\b\.?(?=[\s\-])", re.IGNORECASE)
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def _saint(match: re.Match[str]) -> str:
    word = _SAINTS[match.group(1).lower()]
    return word.upper() if match.group(1).isupper() and len(match.group(1)) > 1 else word.capitalize()


def commune_name(spellings: list[str]) -> str:
    """The name to write of a commune spelled ``spellings`` over the years (latest last), as the
    official name is written: the spelling in upper and lower case, with its hyphens and its
    accents, the latest of the best (``Villers-Cotterêts`` before ``Villers Cotterets`` and
    ``VILLERS-COTTERÊTS``); ``St``/``Ste`` written out (``Saint-Quentin``: an official name never
    shortens them); an article put after the name put back in front (``Fère (La)`` -> ``La Fère``);
    a name known only in capitals written in upper and lower case."""
    candidates = []
    for name in spellings:
        name = name.strip()
        moved = _ARTICLE_AFTER.match(name)
        if moved:
            article = moved.group("article")
            article = article.capitalize() if article[-1] not in "'’" else article[0].upper() + "’"
            name = f"{article}{'' if article.endswith('’') else ' '}{moved.group('name')}"
        candidates.append(_SAINT.sub(_saint, name))

    def quality(item: tuple[int, str]) -> tuple[bool, int, int, int]:
        number, name = item
        return (name != name.upper(), name.count("-"), sum(1 for c in name if not c.isascii()), number)

    name = max(enumerate(candidates), key=quality)[1]
    if name != name.upper():
        accented = max((c for c in candidates if c != c.upper()), key=lambda c: sum(1 for ch in c if not ch.isascii()))
        name = _with_accents(name, accented)
    if name == name.upper():
        parts = re.split(r"([\s\-'’]+)", name.lower())
        name = "".join(part if i and part in _SMALL_WORDS else part.capitalize() for i, part in enumerate(parts))
    return name


def _with_accents(name: str, accented: str) -> str:
    """``Villers-Cotterets`` written with the accents of ``Villers Cotterêts``: letter for letter,
    when both spell the same letters (else ``name`` as it is)."""
    letters = [c for c in accented if c.isalnum()]
    if [fold(c) for c in name if c.isalnum()] != [fold(c) for c in letters]:
        return name
    given = iter(letters)
    return "".join((next(given) if c.islower() else next(given).upper()) if c.isalnum() else c for c in name)


def commune_key(name: str) -> str:
    """A commune's name folded for matching: case, accents, hyphens and apostrophes,
    ``St``/``Ste`` for ``Saint``/``Sainte``, and an article put after the name in
    parentheses (``Rochelle (La)``) put back in front: ``Saint-Rémy-de-Provence``,
    ``ST REMY DE PROVENCE`` and ``St-Rémy de Provence`` are one key."""
    text = str(name or "").strip()
    moved = _ARTICLE_AFTER.match(text)
    if moved:
        text = f"{moved.group('article')} {moved.group('name')}"
    words = _name_key(text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def department_code(text: str) -> str | None:
    """``Aisne (02)``, ``02``, ``2``, ``aisne``, ``02 - Aisne`` -> ``02``; None when ``text`` names no
    département (or one that does not exist)."""
    text = str(text or "").strip()
    if not text:
        return None
    key = _name_key(text)
    if key in _BY_NAME:
        return _BY_NAME[key]
    for match in _CODE.finditer(text):
        code = match.group(1).upper()
        code = code.zfill(2) if code.isdigit() and len(code) < 3 else code
        if code in DEPARTMENTS:
            return code
    # a name with something around it: "Département de l'Aisne"
    words = f" {key} "
    found = {code for name, code in _BY_NAME.items() if f" {name} " in words}
    return found.pop() if len(found) == 1 else None


def department_of_postcode(postcode: str) -> str | None:
    """The département a postcode belongs to (``02200`` -> ``02``; ``20000`` -> ``2A``; ``97400`` -> ``974``)."""
    if not re.fullmatch(r"\d{5}", postcode or ""):
        return None
    if postcode.startswith("97"):
        code = postcode[:3]
    elif postcode.startswith("20"):
        code = "2A" if int(postcode) < 20200 else "2B"
    else:
        code = postcode[:2]
    return code if code in DEPARTMENTS else None


def department_of_insee(insee: str) -> str | None:
    """The département of an INSEE code (``02722`` -> ``02``; ``2A004`` -> ``2A``; ``97411`` -> ``974``)."""
    insee = (insee or "").upper()
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", insee):
        return None
    code = insee[:3] if insee.startswith("97") else insee[:2]
    return code if code in DEPARTMENTS else None


def department_label(code: str | None) -> str:
    """``Aisne (02)``: how a town.yml the import writes names the département ("" when unknown)."""
    if not code or code not in DEPARTMENTS:
        return ""
    return f"{DEPARTMENTS[code]} ({code})"
