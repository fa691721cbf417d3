"""A network's table (its *palmarès*): one row per town and year, read, checked and matched to
the towns' data folders.

A label's network (the national council of *Villes et Villages Fleuris*, a region,
UNICEF France...) publishes each year the list of its labelled towns. The table is
a CSV file (UTF-8, or what French Excel saves) or a workbook, with a row per town
and year: the year, the commune's name, its INSEE code (often missing in older
lists), its postcode, its département, and its level. Columns are recognised
under their usual French and English names (``année``/``year``,
``code_insee``/``insee``/``code commune``, ``commune``/``nom``, ``code_postal``/``cp``,
``fleurs``/``niveau``/``level``...), or mapped explicitly
(``année=Annee,niveau=Nb_fleurs``); other columns are left alone.

:func:`read_palmares` reads the table cell by cell, like a town's data, and
returns every problem at once (file, row, column, value, what was expected).
:func:`group_communes` puts together the rows of one commune across the years
(by INSEE code, or by its name folded with :func:`~labels_report.data.places.commune_key`
and its département) and matches each commune to a town folder of the network
(:func:`network_towns`). Writing the events a plan decided is here too
(:func:`write_town_events`, :func:`create_town`): every file whole, or not at all.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from labels_report.core.errors import Issue, ParameterError
from labels_report.core.files import write_atomically
from labels_report.core.text import has_controls, normalise_word, show_controls, slugify, without_controls
from labels_report.data.contract import TABLES, TOWN_FILE
from labels_report.data.dataset import Dataset, Town
from labels_report.data.folder import IGNORED_PREFIXES, MAX_FILE_BYTES
from labels_report.data.load import load
from labels_report.data.newtown import init_town
from labels_report.data.places import (
    commune_key,
    commune_name,
    department_code,
    department_of_insee,
    department_of_postcode,
)
from labels_report.data.reading import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    SEPARATORS,
    CellError,
    XlCell,
    decode,
    display,
    is_empty,
    parse_int,
    parse_text,
    parse_year,
)

# -- the labels a network may publish -------------------------------------------------------


@dataclass(frozen=True)
class NetworkLabel:
    """A label whose network publishes a yearly list, and how a town's ``labels.csv`` defines it."""

    label_id: str
    name: str
    awarding_body: str
    category: str
    level_unit: str = ""
    level_max: int | None = None
    url: str = ""
    aliases: tuple[str, ...] = ()
    """Other ``label_id`` a town's folder may already use for it (``ville-fleurie``)."""

    def labels_row(self) -> dict[str, str]:
        """Its row of ``labels.csv``."""
        return {"label_id": self.label_id, "name": self.name, "awarding_body": self.awarding_body,
                "category": self.category, "level_unit": self.level_unit,
                "level_max": "" if self.level_max is None else str(self.level_max), "url": self.url}

    def own_id(self, town: Dataset) -> str | None:
        """The ``label_id`` this town's folder gives the label, if it holds it (by id, alias or name)."""
        ids = [str(i) for i in town.labels["label_id"]]
        for candidate in (self.label_id, *self.aliases):
            if candidate in ids:
                return candidate
        wanted = normalise_word(self.name)
        for label_id, name in zip(town.labels["label_id"], town.labels["name"], strict=True):
            if normalise_word(str(name)) == wanted:
                return str(label_id)
        return None


NETWORK_LABELS: dict[str, NetworkLabel] = {
    label.label_id: label
    for label in (
        NetworkLabel("villes-villages-fleuris", "Villes et Villages Fleuris",
                     "Conseil national des villes et villages fleuris", "Cadre de vie", "fleur", 4,
                     "https://www.villes-et-villages-fleuris.com", aliases=("ville-fleurie",)),
        NetworkLabel("ville-amie-des-enfants", "Ville amie des enfants", "UNICEF France", "Enfance et jeunesse",
                     url="https://www.unicef.fr"),
        NetworkLabel("ville-internet", "Ville Internet", "Association Villes Internet", "Numérique", "@", 5,
                     "https://www.villes-internet.net"),
        NetworkLabel("ville-art-histoire", "Ville d'art et d'histoire", "Ministère de la Culture",
                     "Patrimoine et culture", aliases=("vah",)),
    )
}
"""Registry of the labels a network's table can be imported for: one entry per label."""


def network_label(label_id: str) -> NetworkLabel:
    if label_id not in NETWORK_LABELS:
        raise ParameterError("palmares_label_unknown", value=label_id, expected=", ".join(NETWORK_LABELS))
    return NETWORK_LABELS[label_id]


# -- the table's columns -----------------------------------------------------------------------


@dataclass(frozen=True)
class PalmaresColumn:
    name: str
    """Its name in English (and in the code)."""
    french: str
    spellings: tuple[str, ...]
    """Header names it is recognised by (folded: case, accents, spaces and punctuation)."""


PALMARES_COLUMNS: dict[str, PalmaresColumn] = {
    c.name: c
    for c in (
        PalmaresColumn("year", "année", ("annee", "year", "an", "millesime", "annee du palmares", "annee palmares",
                                         "palmares", "session")),
        PalmaresColumn("insee_code", "code_insee", ("code insee", "insee", "code commune", "code insee commune",
                                                    "insee code", "cog", "codgeo", "depcom", "code officiel geographique")),
        PalmaresColumn("commune", "commune", ("commune", "nom", "nom commune", "nom de la commune", "libelle",
                                              "libelle commune", "ville", "localite", "town", "name", "town name",
                                              "municipality", "commune name")),
        PalmaresColumn("postcode", "code_postal", ("code postal", "cp", "postcode", "postal code", "zip",
                                                   "zip code")),
        PalmaresColumn("department", "département", ("departement", "dep", "dept", "dpt", "department",
                                                     "code departement", "numero departement", "num departement",
                                                     "nom departement", "departement code")),
        PalmaresColumn("level", "niveau", ("niveau", "level", "fleurs", "nombre de fleurs", "nb fleurs",
                                           "nb de fleurs", "nombre fleurs", "etoiles", "nombre d etoiles",
                                           "arobases", "nombre d arobases", "label niveau")),
    )
}
"""The columns of a network's table, in the order messages list them."""
REQUIRED = ("year", "commune")
HEADER_SEARCH = 10


def _folded(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", normalise_word(str(text if text is not None else ""))).strip()


_SPELLINGS = {spelling: column.name for column in PALMARES_COLUMNS.values()
              for spelling in (*column.spellings, _folded(column.name), _folded(column.french))}


def parse_column_map(text: str | None) -> dict[str, str]:
    """``année=Annee,niveau=Nb_fleurs`` -> ``{"year": "Annee", "level": "Nb_fleurs"}``: which column of the
    file holds which of the table's columns. Raises :class:`ParameterError` on a name it does not know."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        column = _SPELLINGS.get(_folded(name))
        if not sep or column is None or not header.strip():
            raise ParameterError("palmares_columns_invalid", value=part.strip(),
                                 expected=", ".join(c.french for c in PALMARES_COLUMNS.values()))
        mapping[column] = header.strip()
    return mapping


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PalmaresRow:
    """One row of the table, its cells read."""

    row: int
    """The row number as the spreadsheet shows it."""
    year: int
    commune: str
    key: str
    """The commune's name folded for matching (:func:`~labels_report.data.places.commune_key`)."""
    insee: str = ""
    postcode: str = ""
    department: str | None = None
    """The département's code, from its column, the postcode or the INSEE code (None: not known)."""
    level: int | None = None
    sheet: str | None = None
    """The workbook's sheet the row is on (a workbook may hold a sheet per year)."""
    file: str = ""
    """The file the row is in (several tables may be imported together)."""


@dataclass(frozen=True)
class PalmaresTable:
    file: str
    sheet: str | None
    label: NetworkLabel
    rows: tuple[PalmaresRow, ...]
    columns: Mapping[str, str]
    """Column of the table -> the header it was read from."""

    @property
    def years(self) -> list[int]:
        return sorted({row.year for row in self.rows})

    def scope(self) -> set[str]:
        """The départements the table covers: those of the towns it names, in any of its years. A town
        of one of them missing from a year's list has left the list (a département whose only
        labelled town leaves it is still the network's)."""
        return {row.department for row in self.rows if row.department}


def read_palmares(path: Path | str | Sequence[Path | str], label: NetworkLabel,
                  columns: Mapping[str, str] | None = None) -> tuple[PalmaresTable | None, list[Issue]]:
    """The table in ``path`` (CSV or .xlsx), or the tables of several files read as one (the lists
    of several years, or of several départements: a commune listed twice in a year is an error
    wherever its rows are), and every problem found, errors first. ``columns``: explicit column ->
    header mapping (:func:`parse_column_map`)."""
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    tables: list[PalmaresTable] = []
    issues: list[Issue] = []
    for one in paths:
        table, found = _read_one(Path(one), label, columns)
        issues += found
        if table is not None:
            tables.append(table)
    if len(tables) < len(paths) or not tables:
        return None, sorted(issues, key=Issue.sort_key)
    rows = [row for table in tables for row in table.rows]
    issues += _cross_checks(rows)
    merged = PalmaresTable(", ".join(t.file for t in tables), tables[0].sheet if len(tables) == 1 else None, label,
                           tuple(rows), {k: v for t in reversed(tables) for k, v in t.columns.items()})
    return merged, sorted(issues, key=Issue.sort_key)


def _read_one(path: Path, label: NetworkLabel, columns: Mapping[str, str] | None
              ) -> tuple[PalmaresTable | None, list[Issue]]:
    """One file's table, its rows read and checked one by one."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Issue("error", "file_too_large", name, value=name,
                                params={"size": -(-size // 2**20), "limit": MAX_FILE_BYTES // 2**20})]
        data = path.read_bytes()
    except OSError as error:
        return None, [Issue("error", "file_unreadable", name, value=name,
                            params={"reason": error.strerror or type(error).__name__})]
    expected = ", ".join(c.french for c in PALMARES_COLUMNS.values())
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
        blocks, issues = _workbook_blocks(data, name, columns or {})
    else:
        text = decode(data)
        if text is None:
            return None, [Issue("error", "csv_not_text", name, params={"expected": expected})]
        records, issues = _csv_table(text, name, columns or {})
        blocks = [(None, records)] if records is not None else []
    if not blocks:
        return None, issues
    rows: list[PalmaresRow] = []
    used: dict[str, str] = {}
    refused = False
    for sheet, records in blocks:
        header_row, header = records[0]
        # a table with no year column: the year its sheet's name, or its file's, gives
        year = _sheet_year(sheet) if len(blocks) > 1 else (_sheet_year(sheet) or _sheet_year(path.stem))
        positions, header_issues = _positions(header, header_row, name, sheet, label, columns or {}, year)
        issues += header_issues
        if any(i.severity == "error" for i in header_issues):
            refused = True
            continue
        found, row_issues = _read_rows(records[1:], positions, name, sheet, label, year)
        rows += found
        issues += row_issues
        used.update({column: display(header[position]) for column, position in positions.items()})
    if refused:
        return None, issues
    return PalmaresTable(name, blocks[0][0], label, tuple(rows), used), issues


def _sheet_year(sheet: str | None) -> int | None:
    """The year a sheet's or a file's name is (``2016``, ``Palmarès 2016``, ``palmares-2016``), if it names one."""
    found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", sheet or "")
    return int(found[0]) if len(found) == 1 else None


def _recognised(cells: Sequence[object], columns: Mapping[str, str]) -> int:
    """How many of ``cells`` name a column of the table (by a usual name, a mapped one, or a word)."""
    explicit = {_folded(header) for header in columns.values()}
    words = {word for column in KEYWORDS.values() for word in column}
    return sum(1 for cell in cells if (name := _folded(display(cell))) in _SPELLINGS or name in explicit
               or set(name.split()) & words)


def _header_at(records: list[tuple[int, list[object]]], columns: Mapping[str, str]) -> int | None:
    """The index of the header among the first non-empty records: the first naming two columns."""
    for index, (_, cells) in enumerate(records[:HEADER_SEARCH]):
        if _recognised(cells, columns) >= 2:
            return index
    return None


def _csv_table(text: str, file: str, columns: Mapping[str, str]
               ) -> tuple[list[tuple[int, list[object]]] | None, list[Issue]]:
    lines = text.splitlines()
    skip = 1 if lines and re.fullmatch(r"\s*sep=.\s*", lines[0].lstrip("\ufeff"), flags=re.IGNORECASE) else 0
    if skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    best: tuple[int, str] = (0, ",")
    head = [line for line in text.splitlines() if line.strip()][:HEADER_SEARCH]
    for separator in SEPARATORS:
        for cells in csv.reader(head, delimiter=separator):
            best = max(best, (_recognised(cells, columns), separator), key=lambda item: item[0])
    separator = best[1]
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[tuple[int, list[object]]] = []
    issues: list[Issue] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            issues.append(Issue("error", "csv_quote_unclosed", file, row=len(records) + 1 + skip,
                                value=(lines[reader.line_num - 1] if 0 < reader.line_num <= len(lines) else "")[:60]))
            break
        records.append((len(records) + 1 + skip, [cell.replace("\ufeff", "") for cell in cells]))
        if len(records) > MAX_ROWS + HEADER_SEARCH:
            issues.append(Issue("error", "table_too_many_rows", file, row=records[-1][0], value=str(len(records)),
                                params={"limit": MAX_ROWS}))
            break
    return _from_header(records, file, None, columns, issues)


def _from_header(records: list[tuple[int, list[object]]], file: str, sheet: str | None,
                 columns: Mapping[str, str], issues: list[Issue]
                 ) -> tuple[list[tuple[int, list[object]]] | None, list[Issue]]:
    filled = [(n, cells) for n, cells in records if not all(is_empty(c) for c in cells)]
    if not filled:
        return None, issues + [Issue("error", "file_empty", file, sheet,
                                     params={"expected": ", ".join(c.french for c in PALMARES_COLUMNS.values())})]
    at = _header_at(filled, columns)
    if at is None:
        first, cells = filled[0]
        return None, issues + [Issue("error", "palmares_header_unrecognised", file, sheet, first,
                                     value=" | ".join(display(c) for c in cells if not is_empty(c))[:80],
                                     params={"expected": ", ".join(c.french for c in PALMARES_COLUMNS.values())})]
    return filled[at:], issues


def _workbook_blocks(data: bytes, file: str, columns: Mapping[str, str]
                     ) -> tuple[list[tuple[str | None, list[tuple[int, list[object]]]]], list[Issue]]:
    """The sheet holding the table (the one naming the most columns), or, when the table has a
    sheet per year (``2014``, ``2015``...) and no year column, every such sheet."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes the parser raise, the clerk is told
        return [], [Issue("error", "workbook_unreadable", file, params={"reason": type(exc).__name__})]
    sheets: list[tuple[int, str, list[tuple[int, list[object]]]]] = []
    try:
        for ws in book.worksheets:
            records: list[tuple[int, list[object]]] = []
            for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
                if number > MAX_ROWS + HEADER_SEARCH:
                    break
                cells = [XlCell(getattr(c, "value", None), getattr(c, "number_format", None) or "General")
                         for c in row]
                if not all(is_empty(c) for c in cells):
                    records.append((number, cells))
            score = max((_recognised(cells, columns) for _, cells in records[:HEADER_SEARCH]), default=0)
            sheets.append((score, ws.title, records))
    finally:
        book.close()
    if not sheets:
        return [], [Issue("error", "file_empty", file)]
    best = max(sheets, key=lambda sheet: sheet[0])
    yearly = sorted((sheet for sheet in sheets if sheet[0] >= 2 and _sheet_year(sheet[1]) is not None),
                    key=lambda sheet: _sheet_year(sheet[1]) or 0)
    chosen = [best]
    if len(yearly) > 1 and not any(_column_of(display(cell), columns) == "year"
                                   for _, cells in best[2][:HEADER_SEARCH] for cell in cells):
        chosen = yearly
    blocks: list[tuple[str | None, list[tuple[int, list[object]]]]] = []
    issues: list[Issue] = []
    for _score, title, records in chosen:
        found, issues = _from_header(records, file, title, columns, issues)
        if found is not None:
            blocks.append((title, found))
    return blocks, issues


def _positions(header: list[object], row: int, file: str, sheet: str | None, label: NetworkLabel,
               columns: Mapping[str, str], year: int | None = None) -> tuple[dict[str, int], list[Issue]]:
    """Which position holds which column; a column named twice, or missing, is an error (the year
    may be the sheet's instead)."""
    issues: list[Issue] = []
    positions: dict[str, int] = {}
    explicit = {_folded(h): column for column, h in columns.items()}
    names = [_folded(display(cell)) for cell in header]
    for column, wanted in columns.items():
        if _folded(wanted) not in names:
            issues.append(Issue("error", "palmares_mapped_column_missing", file, sheet, row, PALMARES_COLUMNS[column]
                                .french, wanted, {"found": ", ".join(display(c) for c in header if not is_empty(c))}))
    for position, name in enumerate(names):
        column = explicit.get(name)
        if column is None and name in _SPELLINGS and _SPELLINGS[name] not in columns:
            column = _SPELLINGS[name]
        if column is None:
            continue
        if column in positions:
            issues.append(Issue("error", "palmares_column_twice", file, sheet, row, display(header[position]),
                                display(header[position]),
                                {"other": display(header[positions[column]]),
                                 "meaning": PALMARES_COLUMNS[column].french}))
            continue
        positions[column] = position
    for column, position in _by_keyword(names, positions).items():
        positions[column] = position
    required = list(REQUIRED) + (["level"] if label.level_max else [])
    if year is not None:
        required.remove("year")
    for column in required:
        if column not in positions and column not in columns:
            code = "palmares_year_missing" if column == "year" else "palmares_column_missing"
            issues.append(Issue("error", code, file, sheet, row, PALMARES_COLUMNS[column].french,
                                PALMARES_COLUMNS[column].french,
                                {"spellings": ", ".join(PALMARES_COLUMNS[column].spellings[:4])}))
    return positions, issues


KEYWORDS: dict[str, tuple[str, ...]] = {
    "insee_code": ("insee", "cog"),
    "postcode": ("postal", "cp"),
    "department": ("departement", "dep", "dept", "dpt"),
    "level": ("fleurs", "fleur", "niveau", "level", "etoiles", "arobases"),
    "year": ("annee", "year", "millesime"),
    "commune": ("commune", "ville", "town", "municipality"),
}
"""Words that give a header's meaning when its whole name is not one of the usual ones
(``Code INSEE de la commune``), in the order they are looked for: a header is taken only when
it is the one header holding the word."""


def _column_of(header: str, columns: Mapping[str, str]) -> str | None:
    folded = _folded(header)
    explicit = {_folded(h): column for column, h in columns.items()}
    return explicit.get(folded) or _SPELLINGS.get(folded)


def _by_keyword(names: list[str], positions: dict[str, int]) -> dict[str, int]:
    """The columns not found by their name, found by a word of their header (only when one header has it)."""
    found: dict[str, int] = {}
    taken = set(positions.values())
    for column, words in KEYWORDS.items():
        if column in positions:
            continue
        holders = [i for i, name in enumerate(names)
                   if i not in taken and set(name.split()) & set(words)]
        if len(holders) == 1:
            found[column] = holders[0]
            taken.add(holders[0])
    return found


_LEVEL = re.compile(r"(\d+)\s*(?:er|re|ere|e|eme|nde?)?\s*(?:fleurs?|etoiles?|@|arobases?)?")
"""``3``, ``3 fleurs``, ``1ère fleur``, ``2e fleur`` (accents folded first)."""


def _level(raw: object, label: NetworkLabel) -> int:
    """``3``, ``3 fleurs``, a number cell: the level, within the label's scale."""
    if isinstance(raw, XlCell) and not isinstance(raw.value, str):
        level = parse_int(raw)
    else:
        match = _LEVEL.fullmatch(normalise_word(parse_text(raw)))
        if match is None:
            raise CellError("int_invalid")
        level = int(match.group(1))
    if label.level_max is None:
        raise CellError("palmares_level_without_scale", label=label.name)
    if not 1 <= level <= label.level_max:
        raise CellError("level_out_of_range", max=label.level_max, unit=label.level_unit)
    return level


def _lost_zero(text: str) -> str:
    """``2722`` -> ``02722``: a code of the départements 01 to 09 whose leading zero a spreadsheet dropped
    (a number cell, saved as CSV), as the number cells of a workbook are read."""
    return "0" + text if re.fullmatch(r"[1-9]\d{3}", text) else text


def _insee(raw: object) -> str:
    if isinstance(raw, XlCell) and isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool):
        text = f"{int(raw.value):05d}"  # Excel drops the leading zero of 02722
    else:
        text = _lost_zero(parse_text(raw).upper().replace(" ", "").replace("\u00a0", ""))
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", text):
        raise CellError("palmares_insee_invalid")
    return text


def _postcode(raw: object) -> str:
    if isinstance(raw, XlCell) and isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool):
        text = f"{int(raw.value):05d}"
    else:
        text = _lost_zero(parse_text(raw).replace(" ", "").replace("\u00a0", ""))
    if not re.fullmatch(r"\d{5}", text):
        raise CellError("palmares_postcode_invalid")
    return text


POSTCODE_SAMPLE = 5
"""How many codes of one year's list it takes to tell a column of postcodes from one of INSEE codes."""
POSTCODE_SHARE = 0.8
"""The share of codes ending in 0 above which they are postcodes: a postcode names a post office
(``02100``, ``60730``), nearly always a multiple of ten; an INSEE code numbers a commune in its
département (``02691``), one in ten of them ending in 0."""


def _postcodes_as_insee(found: list[dict[str, object]], file: str, sheet: str | None, header: str
                        ) -> list[Issue]:
    """Lists that give the postcode in their INSEE code column (``Code commune`` = ``02100``): in the rows
    of a year, a code equal to the row's postcode, or codes that are nearly all multiples of ten (at
    least :data:`POSTCODE_SAMPLE` of them), are read as postcodes, and the commune is matched by its
    name and postcode. ``found``: each row's values, changed in place; a warning per year."""
    issues: list[Issue] = []
    years: dict[object, list[dict[str, object]]] = {}
    for values in found:
        if values.get("insee_code"):
            years.setdefault(values["year"], []).append(values)
    for year, rows in sorted(years.items(), key=lambda item: str(item[0])):
        codes = [str(v["insee_code"]) for v in rows]
        column = (len(codes) >= POSTCODE_SAMPLE
                  and sum(code.endswith("0") for code in codes) >= POSTCODE_SHARE * len(codes))
        moved = [v for v in rows if column or v["insee_code"] == v.get("postcode")]
        for values in moved:
            if not values.get("postcode"):
                values["postcode"], values["_moved"] = values["insee_code"], True
            values["insee_code"] = ""
        if moved:
            first = moved[0]
            issues.append(Issue("warning", "palmares_insee_is_postcode", file, sheet, int(first["_row"]),
                                header, str(first["postcode"]), {"year": year, "count": len(moved)}))
    return issues


def _department(raw: object) -> str:
    if isinstance(raw, XlCell) and isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool):
        code = department_code(str(int(raw.value)))
    else:
        code = department_code(parse_text(raw))
    if code is None:
        raise CellError("palmares_department_unknown")
    return code


def _read_rows(records: list[tuple[int, list[object]]], positions: dict[str, int], file: str, sheet: str | None,
               label: NetworkLabel, year: int | None = None) -> tuple[list[PalmaresRow], list[Issue]]:
    rows: list[PalmaresRow] = []
    issues: list[Issue] = []
    parsers = {"year": parse_year, "insee_code": _insee, "postcode": _postcode, "department": _department,
               "level": lambda raw: _level(raw, label), "commune": parse_text}
    found: list[dict[str, object]] = []
    for number, cells in records:
        values: dict[str, object] = {} if year is None else {"year": year}
        failed = False
        for column, position in positions.items():
            raw = cells[position] if position < len(cells) else ""
            header = PALMARES_COLUMNS[column].french
            if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
                issues.append(Issue("error", "cell_too_long", file, sheet, number, header, raw[:40] + "…",
                                    {"length": len(raw), "limit": MAX_CELL_CHARS}))
                failed = True
                continue
            if isinstance(raw, str) and has_controls(raw):
                issues.append(Issue("warning", "control_characters_removed", file, sheet, number, header,
                                    show_controls(raw)[:60]))
                raw = without_controls(raw)
            if is_empty(raw):
                if column in REQUIRED or (column == "level" and label.level_max):
                    issues.append(Issue("error", "value_required", file, sheet, number, header))
                    failed = True
                continue
            try:
                values[column] = parsers[column](raw)
            except CellError as error:
                issues.append(Issue("error", error.code, file, sheet, number, header, display(raw), dict(error.params)))
                failed = True
        if failed:
            continue
        values["_row"], values["_cells"] = number, cells
        found.append(values)
    if "insee_code" in positions:
        issues += _postcodes_as_insee(found, file, sheet, PALMARES_COLUMNS["insee_code"].french)
    for values in found:
        number, cells = values["_row"], values["_cells"]
        insee, postcode = str(values.get("insee_code", "")), str(values.get("postcode", ""))
        named = values.get("department")
        derived = department_of_postcode(postcode) or department_of_insee(insee)
        if named and derived and named != derived:
            said = "postcode" if department_of_postcode(postcode) and not values.get("_moved") else "insee_code"
            source = PALMARES_COLUMNS[said].french
            issues.append(Issue("error", "palmares_department_mismatch", file, sheet, number,
                                PALMARES_COLUMNS["department"].french, display(cells[positions["department"]]),
                                {"code": derived, "source": source}))
            continue
        commune = str(values["commune"])
        rows.append(PalmaresRow(number, int(values["year"]), commune, commune_key(commune),  # type: ignore[call-overload]
                                insee, postcode, str(named or derived or "") or None,
                                values.get("level"), sheet, file))  # type: ignore[arg-type]
    return rows, issues


def _cross_checks(rows: list[PalmaresRow]) -> list[Issue]:
    """A commune listed twice in one year's list."""
    issues = []
    seen: dict[tuple, PalmaresRow] = {}
    for row in rows:
        keys = [(row.year, "insee", row.insee)] if row.insee else []
        keys.append((row.year, "name", row.key, row.department))
        for key in keys:
            first = seen.get(key)
            if first is not None:
                issues.append(Issue("error", "palmares_duplicate", row.file, row.sheet, row.row,
                                    PALMARES_COLUMNS["commune"].french, row.commune,
                                    {"year": row.year, "first_row": _where(first, row)}))
                break
            seen[key] = row
    return issues


# -- the network's towns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TownFolder:
    """A town folder of the network, as the import sees it."""

    folder: Path
    data: Dataset | None
    """None when its data hold errors."""
    errors: int = 0
    workbook: bool = False
    """Its tables are one workbook: the import does not write into it."""

    @property
    def town(self) -> Town | None:
        return self.data.town if self.data is not None else None

    @property
    def department(self) -> str | None:
        town = self.town
        if town is None:
            return None
        return department_code(town.department) or department_of_postcode(town.postcode) \
            or department_of_insee(town.insee_code)


def town_folders(root: Path) -> list[Path]:
    """The town folders under ``root`` (a folder holding ``town.yml`` or a workbook), in name order."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(IGNORED_PREFIXES) or path.name.startswith("_") or not path.is_dir():
            continue
        if (path / TOWN_FILE).is_file() or any(p.suffix.lower() == ".xlsx" and not p.name.startswith(IGNORED_PREFIXES)
                                               for p in path.iterdir()):
            found.append(path)
    return found


def network_towns(root: Path) -> list[TownFolder]:
    """Every town folder under ``root``, loaded (a folder with errors is kept, without its data)."""
    towns = []
    for folder in town_folders(root):
        data, issues = load(folder)
        errors = sum(1 for issue in issues if issue.severity == "error")
        workbook = any(p.suffix.lower() == ".xlsx" and not p.name.startswith(IGNORED_PREFIXES)
                       for p in folder.iterdir())
        towns.append(TownFolder(folder, data, errors, workbook))
    return towns


# -- communes: the rows of one commune over the years, and its folder -----------------------------


@dataclass(frozen=True)
class Commune:
    """One commune of the table: its rows of every year, and the folder that is (or will be) its own."""

    name: str
    """Its name as the latest list writes it."""
    key: str
    department: str | None
    insee: str
    postcode: str
    rows: tuple[PalmaresRow, ...]
    folder: Path
    existing: TownFolder | None
    """The town folder it matched (None: the import creates ``folder``)."""

    def level_in(self, year: int) -> int | None | bool:
        """Its level in the list of ``year``; True when listed without a level; False when not listed."""
        for row in self.rows:
            if row.year == year:
                return row.level if row.level is not None else True
        return False


def group_communes(table: PalmaresTable, towns: Sequence[TownFolder], root: Path
                   ) -> tuple[list[Commune], list[Issue]]:
    """The communes of ``table``, each matched to its folder under ``root`` (or a new one), and the
    rows that match ambiguously (two communes, two folders)."""
    issues: list[Issue] = []
    column = PALMARES_COLUMNS["commune"].french
    parent = list(range(len(table.rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_insee: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for i, row in enumerate(table.rows):
        if row.insee:
            if row.insee in by_insee:
                union(i, by_insee[row.insee])
            by_insee.setdefault(row.insee, i)
        if row.department:
            key = (row.key, row.department)
            if key in by_name:
                union(i, by_name[key])
            by_name.setdefault(key, i)
    # a row that says neither département, postcode nor INSEE code: the one commune of that name
    named: dict[str, set[int]] = {}
    left_out: set[int] = set()
    for i, row in enumerate(table.rows):
        if row.department:
            named.setdefault(row.key, set()).add(find(i))
    for i, row in enumerate(table.rows):
        if row.department:
            continue
        groups = named.get(row.key, set())
        # the communes of that name: in the table, and the network's folders
        places = {table.rows[g].department or "" for g in groups}
        places |= {town.department or "" for town in towns if town.town and commune_key(town.town.name) == row.key}
        if len(places) > 1:
            issues.append(Issue("error", "palmares_ambiguous_commune", row.file, row.sheet, row.row, column, row.commune,
                                {"candidates": ", ".join(f"{row.commune} ({p or '?'})" for p in sorted(places))}))
            left_out.add(i)
        elif groups:
            union(i, next(iter(groups)))
        else:
            named.setdefault(row.key, set())
            loose = [j for j, other in enumerate(table.rows[:i]) if other.key == row.key and not other.department]
            if loose:
                union(i, loose[0])
    groups: dict[int, list[PalmaresRow]] = {}
    for i, row in enumerate(table.rows):
        if i not in left_out:
            groups.setdefault(find(i), []).append(row)

    communes: list[Commune] = []
    claimed: dict[Path, PalmaresRow] = {}
    taken = {town.folder.name for town in towns}
    for members in sorted(groups.values(), key=lambda rows: (rows[0].key, rows[0].department or "")):
        members.sort(key=lambda r: (r.year, r.row))
        latest = members[-1]
        twice = [(a, b) for a, b in zip(members, members[1:], strict=False) if a.year == b.year]
        if twice:
            first, again = twice[0]
            issues.append(Issue("error", "palmares_duplicate", again.file, again.sheet, again.row, column, again.commune,
                                {"year": again.year, "first_row": _where(first, again)}))
            continue
        name = commune_name([r.commune for r in members])
        codes = sorted({r.insee for r in members if r.insee})
        if len(codes) > 1:
            issues.append(Issue("error", "palmares_insee_conflict", latest.file, latest.sheet, latest.row,
                                PALMARES_COLUMNS["insee_code"].french, latest.insee,
                                {"codes": ", ".join(codes), "commune": latest.commune}))
            continue
        insee = codes[0] if codes else ""
        department = next((r.department for r in reversed(members) if r.department), None)
        postcode = next((r.postcode for r in reversed(members) if r.postcode), "")
        matches = _matching(towns, latest.key, department, insee)
        if len(matches) > 1:
            issues.append(Issue("error", "palmares_ambiguous_folder", latest.file, latest.sheet, latest.row, column,
                                latest.commune,
                                {"folders": ", ".join(t.folder.name for t in matches)}))
            continue
        existing = matches[0] if matches else None
        if existing is not None:
            folder = existing.folder
            if folder in claimed:
                issues.append(Issue("error", "palmares_folder_twice", latest.file, latest.sheet, latest.row, column,
                                    latest.commune,
                                    {"folder": folder.name, "first_row": _where(claimed[folder], latest)}))
                continue
            claimed[folder] = latest
        else:
            folder = root / _free_slug(name, department, insee, taken)
        taken.add(folder.name)
        communes.append(Commune(name, latest.key, department, insee, postcode, tuple(members), folder,
                                existing))
    return communes, issues


def _where(first: PalmaresRow, other: PalmaresRow) -> str:
    """Where ``first`` is, said from ``other``: its row, with its file (and sheet) when they differ."""
    if (first.file, first.sheet) == (other.file, other.sheet):
        return str(first.row)
    return f"{first.row} ({', '.join(part for part in (first.file, first.sheet) if part)})"


def _matching(towns: Sequence[TownFolder], key: str, department: str | None, insee: str) -> list[TownFolder]:
    """The town folders a commune may be: same INSEE code; else same name and département, of no other INSEE code."""
    if insee:
        same = [t for t in towns if t.town is not None and t.town.insee_code == insee]
        if same:
            return same
    found = []
    for town in towns:
        if town.town is None or commune_key(town.town.name) != key:
            continue
        if insee and town.town.insee_code and town.town.insee_code != insee:
            continue
        if department and town.department and town.department != department:
            continue
        found.append(town)
    return found


def _free_slug(name: str, department: str | None, insee: str, taken: set[str]) -> str:
    """The new folder's name: the commune's slug, with its département (then its INSEE code) when a
    folder of that name exists already (Saint-Martin, in several départements)."""
    for candidate in (name, f"{name} {department or ''}", f"{name} {insee}"):
        slug = slugify(candidate) or "commune"
        if slug not in taken:
            return slug
    number = 2
    while f"{slugify(name)}-{number}" in taken:
        number += 1
    return f"{slugify(name)}-{number}"


# -- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEvent:
    """An event the import adds to a town's ``label_events``."""

    label_id: str
    year: int
    event: str
    level: int | None
    reference: str
    note: str = ""

    def cells(self) -> dict[str, str]:
        return {"label_id": self.label_id, "date": str(self.year), "event": self.event,
                "level": "" if self.level is None else str(self.level), "reference": self.reference,
                "note": self.note}


@dataclass(frozen=True)
class TownChange:
    """What the import does to one town folder: create it, define the label, add events."""

    folder: Path
    name: str
    label: NetworkLabel
    label_id: str
    events: tuple[NewEvent, ...] = ()
    create: bool = False
    add_label: bool = False
    identity: Mapping[str, str] = field(default_factory=dict)
    """For a new folder: what its ``town.yml`` says (insee_code, department, postcode)."""


def create_town(change: TownChange) -> Path:
    """Make the folder of a new town, whole (``town.yml``, the label, its events) or not at all."""
    staging = Path(tempfile.mkdtemp(prefix=f".{change.folder.name}.", dir=change.folder.parent))
    try:
        shutil.rmtree(staging)
        init_town(change.name, staging, dict(change.identity))
        _write_rows(staging / TABLES["labels"].file, [change.label.labels_row()])
        _write_rows(staging / TABLES["label_events"].file, [e.cells() for e in change.events])
        staging.rename(change.folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return change.folder


def write_town_events(change: TownChange) -> None:
    """Define the label in an existing town's ``labels.csv`` if needed, and add the events to its
    ``label_events.csv``, each file in the dialect it is written in (encoding, separator, line ends)."""
    if change.add_label:
        _write_rows(change.folder / TABLES["labels"].file, [change.label.labels_row()])
    if change.events:
        _write_rows(change.folder / TABLES["label_events"].file, [e.cells() for e in change.events])


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Append ``rows`` to the CSV file ``path`` under the columns its header names, keeping how it is written."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, bom = "utf-16", b""
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding, bom = "utf-8", b"\xef\xbb\xbf"
    else:
        try:
            data.decode("utf-8")
            encoding, bom = "utf-8", b""
        except UnicodeDecodeError:
            encoding, bom = "cp1252", b""
    text = data[len(bom):].decode(encoding)
    ending = "\r\n" if "\r\n" in text else "\n"
    lines = [line for line in text.splitlines() if line.strip()]
    header_line = lines[0] if lines else ""
    separator = max(SEPARATORS, key=lambda s: header_line.count(s))
    header = next(csv.reader([header_line], delimiter=separator)) if header_line else []
    names = [re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower()) for cell in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=ending)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    if text and not text.endswith(("\n", "\r")):
        text += ending
    out = text + buffer.getvalue()
    encoded = out.encode(encoding) if encoding != "utf-16" else out.encode("utf-16")
    write_atomically(path, bom + encoded)


def csv_columns(path: Path) -> list[str]:
    """The column names the header of the CSV file ``path`` gives (``Label ID`` is ``label_id``)."""
    text = decode(path.read_bytes()) or ""
    header = next((line for line in text.splitlines() if line.strip()), "")
    separator = max(SEPARATORS, key=lambda s: header.count(s))
    return [re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())
            for cell in next(csv.reader([header], delimiter=separator), [])]
