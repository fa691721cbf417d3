"""Reading what staff produce, with no flags to set.

**CSV files** are read in UTF-8 (with or without BOM) or, when the bytes are
not valid UTF-8, in Windows-1252 (what French Excel writes). UTF-16 (Excel's
"Unicode text"), with or without a BOM, is read too. The separator (``;``,
``,`` or tab) is the one that splits the header line into the contract's
column names; a first line ``sep=;`` (Excel's own hint) is skipped.

**The header** is the first row, unless rows holding a title (one cell each)
come first: ``Labels de la ville`` above the header is skipped, as are blank
rows. Column names are the contract's (``start_date``) or the French workbook's
(``date de début``), matched ignoring case, accents, surrounding spaces, and
spaces or hyphens in place of ``_`` (``Label ID`` is ``label_id``); messages
name a column as the file's header writes it. A quote left
open (``"Jardins`` with no closing ``"``) is an error on its row rather than a
cell that swallows the rest of the file. In a workbook, merged cells across
the table's rows and formulas without a computed value are errors.

**One workbook** (``.xlsx``) may replace the CSV files: a sheet per table, named
the French way (``Labels``, ``Événements``, ``Actions``, ``Actions par année``,
``Commune``, ``Textes``, as ``labels-report template`` writes them) or the
English way of earlier versions (``labels``, ``label_events``, ``actions``,
``action_years``, ``town``, ``texts``), with a header row of either naming. Cells typed by Excel (dates, numbers,
booleans) and the same values typed as text (``'14/12/2016``, ``500 000 €``)
both parse.

**Row numbers** are the rows a spreadsheet shows: the header is row 1 in a CSV
file (the record number, which is also the line number unless a quoted cell
spans several lines) and the Excel row number in a workbook.

**Cells** (see :mod:`labels_report.data.contract` for the kinds):

* dates are French: ``dd/mm/yyyy`` (``12/01/2017`` is the 12th of January,
  never December the 1st), or ISO ``yyyy-mm-dd``, with a slash, a dot or a
  hyphen between the parts (``14.03.2016``, ``14-03-2016``, ``2016.03.14``,
  ``2016/03/14``: the day comes first unless the year does); a date known to
  the month is ``yyyy-mm`` or ``mm/yyyy`` (``03.2016``), to the year ``yyyy``.
  A month may be written in words, in French or English, in full or
  abbreviated (``14 déc. 2016``, ``1er mars 2020``, ``lundi 14 mars 2016``,
  ``March 14, 2016``, ``décembre 2016``). A date that does not exist
  (``31/02/2017``, ``2017-02-31``) is an error, and so is a two-digit year
  (``14/12/16``: 1916 or 2016?);
* numbers accept spaces (also no-break and narrow no-break spaces) as thousands
  separators, a decimal comma or point, and in an amount a ``€``/``EUR`` sign:
  ``500 000 €``, ``500 000,50 €``. A number that reads two ways (``1.234``,
  ``1,234``: thousands or decimals?) is read with the file's decimal mark: the
  comma in a ``;``-separated CSV (the French Excel dialect), otherwise the mark
  the file's other numbers use unambiguously (``12,50``); when the file does not
  tell, it is an error, never a guess.

A cell that cannot be read raises :class:`CellError`; whole-file problems are
returned as :class:`~labels_report.core.errors.Issue` records.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from labels_report.core.dates import FIRST_YEAR, LAST_YEAR, DatePrecision, clerk, partial_date
from labels_report.core.errors import Issue
from labels_report.core.text import closest, fold, has_controls, normalise_word, show_controls, without_controls
from labels_report.data.contract import (
    BOOLEAN_WORDS,
    TABLES,
    TEXTS,
    TEXTS_SHEET,
    TEXTS_SHEET_FR,
    TOWN_SHEET,
    TOWN_SHEET_FR,
    VOCABULARIES,
    Column,
    Table,
    header_key,
    town_key,
)

SEPARATORS = (";", ",", "\t")
TOWN_HEADER_KEYS = frozenset({"key", "cle", "information"})
"""What the first cell of a town sheet's header row says (``clé``, ``key``): not a key."""
MAX_ROWS = 250_000
"""Rows one table may have: a town of 20 000 actions followed for ten years has 200 000 action years."""
MAX_COLUMNS = 200
"""Columns of a sheet that are read: a table has fifteen; a value further right is an error, never a cause
to read a thousand empty columns."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""
MAX_UNZIPPED_BYTES = 256 * 2**20
"""What a workbook may hold once unzipped: a workbook of 200 000 rows holds a tenth of it."""
SPACES = " \u00a0\u202f\u2009"
"""Characters accepted as thousands separators: space, no-break, narrow no-break, thin."""


class CellError(Exception):
    """A cell that does not read as its column's kind; ``code`` names the message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class XlCell:
    """A workbook cell: its typed value and the number format Excel shows it with."""

    value: object
    number_format: str = "General"


@dataclass
class RawTable:
    """One table as read, before its cells are parsed."""

    table: Table
    file: str
    sheet: str | None
    present: tuple[str, ...]
    """The contract's columns found in the header (missing optional ones are empty)."""
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    """(row number as the clerk sees it, column -> raw cell: ``str`` or :class:`XlCell`)."""
    decimal_mark: str | None = None
    """The decimal mark the file's dialect implies, if any."""
    complete: bool = True
    """False when the rows after a reading error (an unclosed quote) could not be read: other
    tables' references to it are not checked (they would all look unknown)."""
    headers: dict[str, str] = field(default_factory=dict)
    """column -> its header as the clerk typed it (``Date de début``), for messages."""


# -- cells ------------------------------------------------------------------------


def display(raw: object) -> str:
    """The cell as the clerk sees it, for error messages."""
    value = raw.value if isinstance(raw, XlCell) else raw
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, dt.datetime):
        text = clerk(value.date())
        return text if value.time() == dt.time() else text + value.strftime(" %H:%M")
    if isinstance(value, dt.date):
        return clerk(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_empty(raw: object) -> bool:
    value = raw.value if isinstance(raw, XlCell) else raw
    return value is None or (isinstance(value, str) and not value.strip())


def _text(raw: object) -> str | None:
    """The cell's text if it holds text (always for CSV), else None."""
    if isinstance(raw, XlCell):
        return raw.value.strip() if isinstance(raw.value, str) else None
    return str(raw).strip()


def parse_text(raw: object) -> str:
    if isinstance(raw, XlCell) and not isinstance(raw.value, str):
        return display(raw)
    return str(_text(raw) or "")


def parse_list(raw: object) -> tuple[str, ...]:
    """``a; b`` -> ``("a", "b")``; a line break separates items too."""
    items = re.split(r"[;\n]", parse_text(raw))
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(item.strip(), None)
    return tuple(seen)


# Dates: (pattern, precision); groups are year, month, day by name. The separator is a slash,
# a dot or a hyphen, the same one twice. A four-digit year first is the ISO order (year, month,
# day); otherwise the day comes first, as a French town writes it: never month/day.
_DATE_FORMS: tuple[tuple[re.Pattern[str], DatePrecision], ...] = tuple(
    (re.compile(pattern + r"$"), precision)
    for pattern, precision in (
        (r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?:[T ]00:00(?::00)?)?", DatePrecision.DAY),
        (r"(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})(?: 00:00(?::00)?)?", DatePrecision.DAY),
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})", DatePrecision.MONTH),
        (r"(?P<m>\d{1,2})[-/.](?P<y>\d{4})", DatePrecision.MONTH),
        (r"(?P<y>\d{4})", DatePrecision.YEAR),
    )
)

MONTH_WORDS: dict[str, int] = {
    word: number
    for number, words in enumerate((
        ("janvier", "janv", "jan", "january"), ("fevrier", "fevr", "fev", "february", "feb"),
        ("mars", "march", "mar"), ("avril", "avr", "april", "apr"), ("mai", "may"), ("juin", "june", "jun"),
        ("juillet", "juil", "july", "jul"), ("aout", "august", "aug"),
        ("septembre", "sept", "sep", "september"), ("octobre", "oct", "october"),
        ("novembre", "nov", "november"), ("decembre", "dec", "december"),
    ), start=1)
    for word in words
}
"""Month names and their usual abbreviations, French and English, without accents."""

WEEKDAY_WORDS = frozenset((
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven",
    "sam", "dim", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun"))
"""Days of the week a long date may start with (``lundi 14 mars 2016``): they add nothing to it."""

_DAY = r"(?P<d>\d{1,2})(?:er|st|nd|rd|th)?"
_WORDED_DATES = (
    # 14 mars 2016, 1er mars 2020, 14-DEC-2016, mars 2016
    re.compile(r"(?:" + _DAY + r"[\s\-]+)?(?P<m>[a-z]+)\.?[\s\-]+(?P<y>\d{4})"),
    # March 14, 2016: a month in words cannot be mistaken for a day
    re.compile(r"(?P<m>[a-z]+)\.?\s+" + _DAY + r",?\s+(?P<y>\d{4})"),
)
_WEEKDAY = re.compile(r"^(?P<w>[a-z]+)\.?,?\s+(?=\d)")
_TWO_DIGIT_YEAR = re.compile(r"(?:\d{1,2}[/.\-])?\d{1,2}[/.\-]\d{2}")


def _worded_date(text: str) -> tuple[int, int, int | None] | None:
    """``14 déc. 2016`` -> (2016, 12, 14); ``décembre 2016`` -> (2016, 12, None);
    ``lundi 14 mars 2016`` and ``March 14, 2016`` -> (2016, 3, 14)."""
    folded = " ".join(fold(text).split())
    readings = [folded]
    weekday = _WEEKDAY.match(folded)
    if weekday and weekday.group("w") in WEEKDAY_WORDS:  # "mar" is also March: tried as it is first
        readings.append(folded[weekday.end():])
    for reading in readings:
        for pattern in _WORDED_DATES:
            match = pattern.fullmatch(reading)
            if match and match.group("m") in MONTH_WORDS:
                day = match.group("d")
                return int(match.group("y")), MONTH_WORDS[match.group("m")], int(day) if day else None
    return None


# 1 January 1900 .. 31 December 1927 as Excel serial numbers 1000..9999: a year
# typed into a date-formatted cell becomes such a date (2014 -> 06/07/1905).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(raw: object, bound: str = "start") -> tuple[dt.date, DatePrecision]:
    """The date and its precision (``day``, ``month`` or ``year``), within the years a report
    speaks of (:data:`FIRST_YEAR` to :data:`LAST_YEAR`).

    A partial date stands for its first day when ``bound`` is ``start`` and its
    last day when it is ``end``.
    """
    value, precision = _parse_date(raw, bound)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise CellError("date_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
    return value, precision


def _parse_date(raw: object, bound: str) -> tuple[dt.date, DatePrecision]:
    if isinstance(raw, XlCell) and not isinstance(raw.value, str):
        value = raw.value
        if isinstance(value, bool):
            raise CellError("date_invalid")
        if isinstance(value, (dt.datetime, dt.date)):
            day = value.date() if isinstance(value, dt.datetime) else value
            serial = (day - _EXCEL_EPOCH).days
            if 1000 <= serial <= 9999:
                raise CellError("date_excel_year", year=serial)
            return day, DatePrecision.DAY
        if isinstance(value, (int, float)) and float(value).is_integer() and 1000 <= value <= 9999:
            return partial_date(int(value), None, bound), DatePrecision.YEAR
        raise CellError("date_invalid")
    text = _text(raw) or ""
    worded = _worded_date(text)
    if worded is not None:
        year, month, day = worded
        try:
            if day is None:
                return partial_date(year, month, bound), DatePrecision.MONTH  # type: ignore[arg-type]
            return dt.date(year, month, day), DatePrecision.DAY
        except ValueError:
            raise CellError("date_invalid") from None
    if _TWO_DIGIT_YEAR.fullmatch(text):
        raise CellError("date_two_digit_year")
    for pattern, precision in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["y"])
        try:
            if precision == DatePrecision.DAY:
                return dt.date(year, int(parts["m"]), int(parts["d"])), precision
            if precision == DatePrecision.MONTH:
                if not 1 <= int(parts["m"]) <= 12 or year < 1:
                    raise ValueError
                return partial_date(year, int(parts["m"]), bound), precision  # type: ignore[arg-type]
            if year < 1:
                raise ValueError
            return partial_date(year, None, bound), precision  # type: ignore[arg-type]
        except ValueError:
            raise CellError("date_invalid") from None
    raise CellError("date_invalid")


def _numeric(raw: object) -> float | None:
    """A workbook cell's number (None for text cells and CSV)."""
    if isinstance(raw, XlCell) and isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool):
        return float(raw.value)
    return None


def parse_int(raw: object) -> int:
    number = _numeric(raw)
    if number is not None:
        if number.is_integer():
            return int(number)
        raise CellError("int_invalid")
    if isinstance(raw, XlCell) and not isinstance(raw.value, str):
        raise CellError("int_invalid")
    text = (_text(raw) or "").replace("\u2212", "-")
    for space in SPACES:
        text = text.replace(space, "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise CellError("int_invalid")
    return int(text)


def parse_year(raw: object) -> int:
    number = _numeric(raw)
    if number is not None:
        if not number.is_integer() or not 1000 <= number <= 9999:
            raise CellError("year_invalid")
        year = int(number)
    else:
        text = _text(raw)
        if text is None or not re.fullmatch(r"\d{4}", text) or text.startswith("0"):
            raise CellError("year_invalid")
        year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError("year_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
    return year


def _interpret(body: str, decimal: str) -> float | None:
    """``body`` read with ``decimal`` as the decimal mark, or None if it does not read that way."""
    thousands_mark = "," if decimal == "." else "."
    if body.count(decimal) > 1:
        return None
    whole, _, fraction = body.partition(decimal)
    if decimal in body and not re.fullmatch(r"\d+", fraction):
        return None
    separators = {ch for ch in whole if not ch.isdigit()}
    if not separators:
        if not re.fullmatch(r"\d+", whole):
            return None
    else:
        # one kind of thousands separator, groups of three after a first group of 1-3 digits
        kinds = {"space" if ch in SPACES else ch for ch in separators}
        if kinds - {"space", thousands_mark} or len(kinds) > 1:
            return None
        if not re.fullmatch(r"[1-9]\d{0,2}(?:[" + re.escape(SPACES + thousands_mark) + r"]\d{3})+", whole):
            return None
        whole = re.sub(r"\D", "", whole)
    return float(f"{whole}.{fraction or 0}")


def _number_body(text: str, *, currency: bool, percent: bool) -> tuple[str, int]:
    """The digits and marks of a number cell and its sign; raises ``ValueError`` otherwise."""
    body = text.strip()
    sign = 1
    if currency:
        body = re.sub(r"^(?:€|EUR)[" + SPACES + r"]*|[" + SPACES + r"]*(?:€|EUR)$", "", body, flags=re.IGNORECASE)
    if percent:
        body = re.sub(r"[" + SPACES + r"]*%$", "", body)
    if body[:1] in ("-", "\u2212", "+"):
        sign = -1 if body[0] != "+" else 1
        body = body[1:].lstrip(SPACES)
    if not body or not body[0].isdigit() or not re.fullmatch(r"[\d.," + SPACES + r"]+", body):
        raise ValueError(text)
    return body, sign


def number_evidence(raw: object, kind: str) -> str | None:
    """The decimal mark a text cell shows unambiguously (``12,50`` -> ``,``), if any."""
    text = _text(raw)
    if not text or isinstance(raw, XlCell) and not isinstance(raw.value, str) or ("." not in text and "," not in text):
        return None
    try:
        body, _ = _number_body(text, currency=kind == "amount", percent=kind == "percent")
    except ValueError:
        return None
    if "." not in body and "," not in body:
        return None
    as_point, as_comma = _interpret(body, "."), _interpret(body, ",")
    if (as_point is None) == (as_comma is None):
        return None
    return "." if as_point is not None else ","


def parse_number(raw: object, decimal_mark: str | None, kind: str = "number") -> float:
    """A number cell; ``kind`` is ``amount`` (``€`` allowed), ``percent`` (``%`` allowed) or ``number``."""
    invalid = {"amount": "amount_invalid", "percent": "percent_invalid"}.get(kind, "number_invalid")
    number = _numeric(raw)
    if number is not None:
        fmt = raw.number_format if isinstance(raw, XlCell) else ""
        # a cell shown as "40 %" holds 0.4 (rounded: 0.4 * 100 is 40.00000000000001)
        return round(number * 100, 9) if kind == "percent" and "%" in (fmt or "") else number
    text = _text(raw)
    if text is None:
        raise CellError(invalid)
    if text.isascii() and text.isdigit():  # the usual case, read at once
        return float(text)
    try:
        body, sign = _number_body(text, currency=kind == "amount", percent=kind == "percent")
    except ValueError:
        raise CellError(invalid) from None
    as_point, as_comma = _interpret(body, "."), _interpret(body, ",")
    if as_point is None and as_comma is None:
        raise CellError(invalid)
    if as_point is None or as_comma is None or as_point == as_comma:
        return sign * (as_point if as_point is not None else as_comma)  # type: ignore[operator]
    if decimal_mark in (".", ","):
        return sign * (as_point if decimal_mark == "." else as_comma)
    mark = "." if "." in body else ","
    # "1.234": as thousands it is 1234, as decimals 1.234 (formatted in the message's language)
    thousands, decimals = (as_comma, as_point) if mark == "." else (as_point, as_comma)
    raise CellError("number_ambiguous", as_integer=sign * thousands, as_decimal=sign * decimals,
                    digits=len(body.rpartition(mark)[2]))


def parse_bool(raw: object) -> bool:
    if isinstance(raw, XlCell) and isinstance(raw.value, bool):
        return raw.value
    number = _numeric(raw)
    if number is not None:
        if number in (0, 1):
            return bool(number)
        raise CellError("bool_invalid")
    word = normalise_word(parse_text(raw))
    if word not in BOOLEAN_WORDS:
        raise CellError("bool_invalid")
    return BOOLEAN_WORDS[word]


def parse_vocab(raw: object, vocab: str) -> str:
    text = parse_text(raw)
    vocabulary = VOCABULARIES[vocab]
    value = vocabulary.canonical(text)
    if value is None:
        words = [word for value, words in vocabulary.words.items() for word in (*words, str(value))]
        raise CellError("vocab_unknown", vocabulary=vocab, suggestion=closest(text, words) or "")
    return value


def parse_cell(column: Column, raw: object, decimal_mark: str | None) -> object:
    """The typed value of a non-empty cell of ``column`` (a date comes with its precision)."""
    return CELL_PARSERS[column.kind](column, raw, decimal_mark)


CELL_PARSERS: dict[str, Callable[[Column, object, str | None], object]] = {
    "id": lambda c, raw, mark: parse_text(raw),
    "text": lambda c, raw, mark: parse_text(raw),
    "list": lambda c, raw, mark: parse_list(raw),
    "date": lambda c, raw, mark: parse_date(raw, c.bound),
    "int": lambda c, raw, mark: parse_int(raw),
    "year": lambda c, raw, mark: parse_year(raw),
    "amount": lambda c, raw, mark: parse_number(raw, mark, "amount"),
    "number": lambda c, raw, mark: parse_number(raw, mark, "number"),
    "percent": lambda c, raw, mark: parse_number(raw, mark, "percent"),
    "bool": lambda c, raw, mark: parse_bool(raw),
    "vocab": lambda c, raw, mark: parse_vocab(raw, c.vocab or ""),
}
"""Registry: how each kind of column reads a cell."""


# -- files --------------------------------------------------------------------------


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` for UTF-16 text saved without a BOM (a NUL byte beside
    almost every character, always on the same side), else None."""
    head = data[:4096]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) == 0:
            return codec
    return None


def decode(data: bytes) -> str | None:
    """The text of a file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252; None if binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if data.startswith(b"PK\x03\x04"):
        return None  # a zip (an .xlsx renamed .csv)
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            return None
    elif b"\x00" in data[:8192]:
        return None  # an image, ...
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
    return None if controls > 2 else text


def _header_text(value: object) -> str:
    """A header cell as the clerk typed it, for messages (``" Date de début "`` -> ``Date de début``)."""
    return display(XlCell(value) if not isinstance(value, XlCell) else value).replace("\ufeff", "").strip()


def _known(cells: Iterable[object], table: Table) -> int:
    """How many of ``cells`` name a column of ``table`` (French or English)."""
    return sum(1 for cell in cells if table.column_for(_cell_value(cell)) is not None)


def _cell_value(cell: object) -> object:
    return cell.value if isinstance(cell, XlCell) else cell


def header_lang(cells: Iterable[object], table: Table) -> str:
    """``fr`` when a header row uses the French workbook's names more than the English ones
    (``date de début`` rather than ``start_date``), else ``en``: messages then name the columns the
    way the clerk's file does."""
    french = english = 0
    for cell in cells:
        key = header_key(_cell_value(cell))
        for column in table.columns:
            if column.french and header_key(column.french) != header_key(column.name):
                french += key == header_key(column.french)
                english += key == header_key(column.name)
    return "fr" if french > english else "en"


@dataclass(frozen=True)
class Header:
    """A table's header row as read: where each column is, and how the clerk typed its name."""

    positions: dict[str, int]
    """column -> position."""
    unnamed: list[int]
    """Positions of cells with no header."""
    typed: dict[str, str]
    """column -> its header as typed (``Date de début``): what messages call the column."""
    lang: str
    """The naming the header uses (:func:`header_lang`)."""


def check_header(cells: list[object], table: Table, file: str, sheet: str | None, header_row: int,
                 letter: Callable[[int], str]) -> tuple[Header, list[Issue]]:
    """Map the contract's columns to positions; unknown, duplicated or missing columns are issues
    that name the column as typed (and, for a missing one, as the file's naming would)."""
    issues: list[Issue] = []
    positions: dict[str, int] = {}
    unnamed: list[int] = []
    typed: dict[str, str] = {}
    lang = header_lang(cells, table)
    headers = table.headers(lang)
    expected = ", ".join(headers)
    for position, cell in enumerate(cells):
        text = _header_text(_cell_value(cell))
        name = table.column_for(text) if text else None
        if not text:
            unnamed.append(position)
        elif name is None:
            issues.append(Issue("error", "column_unknown", file, sheet, header_row, text, text,
                                {"expected": expected, "suggestion": closest(text, headers) or ""}))
        elif name in positions:
            issues.append(Issue("error", "column_duplicate", file, sheet, header_row, text, text,
                                {"position": letter(position)}))
        else:
            positions[name] = position
            typed[name] = text
    for name in table.required_columns:
        if name not in positions:
            shown = table.column(name).header(lang)
            issues.append(Issue("error", "column_missing", file, sheet, header_row, shown, shown))
    return Header(positions, unnamed, typed, lang), issues


def _csv_letter(position: int) -> str:
    return str(position + 1)


def _rows(records: Iterable[tuple[int, list[object]]], table: Table, file: str, sheet: str | None,
          positions: dict[str, int], unnamed: list[int], width: int,
          letter: Callable[[int], str]) -> tuple[list[tuple[int, dict[str, object]]], list[Issue]]:
    rows: list[tuple[int, dict[str, object]]] = []
    issues: list[Issue] = []
    for number, cells in records:
        if all(is_empty(c) for c in cells):
            continue
        for position, cell in enumerate(cells):
            value = cell.value if isinstance(cell, XlCell) else cell
            if not isinstance(value, str):
                continue
            if len(value) > MAX_CELL_CHARS:
                issues.append(Issue("error", "cell_too_long", file, sheet, number, _column_at(positions, position),
                                    value[:40] + "…", {"length": len(value), "limit": MAX_CELL_CHARS}))
                cells[position] = ""
            elif has_controls(value):
                # Removed here, once: check and build read the same clean text.
                issues.append(Issue("warning", "control_characters_removed", file, sheet, number,
                                    _column_at(positions, position), show_controls(value)[:60]))
                clean = without_controls(value)
                cells[position] = XlCell(clean, cell.number_format) if isinstance(cell, XlCell) else clean
        stray = [i for i in unnamed if i < len(cells) and not is_empty(cells[i])]
        stray += [i for i in range(width, len(cells)) if not is_empty(cells[i])]
        for position in stray:
            issues.append(Issue("error", "cell_outside_columns", file, sheet, number, None,
                                display(cells[position]), {"position": letter(position)}))
        rows.append((number, {name: cells[pos] if pos < len(cells) else "" for name, pos in positions.items()}))
    return rows, issues


HEADER_SEARCH = 10
"""How many non-empty rows the header may be preceded by (title rows, one cell each)."""


def find_header(rows: list[tuple[int, list[str]]], table: Table) -> tuple[int, list[str]] | None:
    """The header among the first non-empty ``rows`` (row number, cells): the row naming the most
    columns of the contract. A later row is preferred to the first only when it names at least
    two, and only when every row above it holds at most one value (a title)."""
    candidates = rows[:HEADER_SEARCH]
    if not candidates:
        return None
    first = candidates[0]
    best, score = first, _known(first[1], table)
    for index, (number, cells) in enumerate(candidates[1:], start=1):
        found = _known(cells, table)
        above = candidates[:index]
        titles = all(sum(1 for c in row if not is_empty(c)) <= 1 for _, row in above)
        if found > score and found >= 2 and titles:
            best, score = (number, cells), found
    return best


def _csv_records(text: str, separator: str) -> tuple[list[tuple[int, list[str]]], tuple[int, int] | None]:
    """(record number, cells) of every record, and (record number, line) where a quote is left
    open or misplaced, if anywhere (the records after it are not read)."""
    # A cell as long as the file is read whole; its length is judged afterwards (cell_too_long),
    # not mistaken for a quote left open by the csv module's own limit.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return records, None
        except csv.Error:
            return records, (len(records) + 1, line)
        records.append((len(records) + 1, cells))


def read_csv(data: bytes, rel: str, table: Table) -> tuple[RawTable | None, list[Issue]]:
    """One table from the bytes of a CSV file; None when the file cannot be read as one."""
    expected = ", ".join(table.column_names)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf") or not data.replace(b"\x00", b"").strip(b" \t\r\n\xef\xbb\xbf\xff\xfe"):
        return None, [Issue("error", "file_empty", rel, params={"expected": expected})]
    text = decode(data)
    if text is None:
        return None, [Issue("error", "csv_not_text", rel, params={"expected": expected})]
    lines = text.splitlines()
    # "sep=;" on the first line is Excel's hint for the separator: not a row of the table
    skip = 1 if lines and re.fullmatch(r"\s*sep=.\s*", lines[0].lstrip("\ufeff"), flags=re.IGNORECASE) else 0
    if skip:
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    non_empty = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if not non_empty:
        return None, [Issue("error", "file_empty", rel, params={"expected": expected})]
    best, separator, header_line = -1, ",", non_empty[0]
    for candidate in SEPARATORS:
        rows = [(n, next(csv.reader([line], delimiter=candidate), [])) for n, line in non_empty[:HEADER_SEARCH]]
        found = find_header(rows, table)
        if found is None:
            continue
        score = _known(found[1], table)
        if score > best:
            best, separator = score, candidate
            header_line = next((n, line) for n, line in non_empty if n == found[0])
    if best <= 0:
        return None, [Issue("error", "header_unrecognised", rel, row=non_empty[0][0] + skip,
                            value=non_empty[0][1][:80], params={"expected": expected})]
    records, quote_error = _csv_records(text, separator)
    issues: list[Issue] = []
    if quote_error is not None:
        number, line = quote_error
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        issues.append(Issue("error", "csv_quote_unclosed", rel, row=number + skip, value=shown.strip()[:60]))
    records = [(number + skip, cells) for number, cells in records]
    header_number = next((number for number, cells in records if number - skip >= header_line[0]
                          and any(c.strip() for c in cells)), None)
    if header_number is None:
        return None, issues
    header_cells = next(cells for number, cells in records if number == header_number)
    header, header_issues = check_header(list(header_cells), table, rel, None, header_number, _csv_letter)
    body = [(number, list(cells)) for number, cells in records if number > header_number]
    complete = quote_error is None
    if len(body) > MAX_ROWS:
        issues.append(Issue("error", "table_too_many_rows", rel, row=body[MAX_ROWS][0],
                            value=str(len(body)), params={"limit": MAX_ROWS}))
        body, complete = body[:MAX_ROWS], False
    rows, row_issues = _rows(body, table, rel, None, header.positions, header.unnamed, len(header_cells), _csv_letter)
    raw = RawTable(table, rel, None, tuple(header.positions), rows, "," if separator == ";" else None,
                   complete=complete, headers=header.typed)
    return raw, issues + header_issues + row_issues


@dataclass
class Workbook:
    """What one workbook holds: its tables, its town sheet (``Commune`` or ``town``) as (row, key as
    typed, value) rows, and its texts sheet (``Textes`` or ``texts``) as (row, column -> cell) rows."""

    file: str
    tables: dict[str, RawTable]
    town: list[tuple[int, str, object]] | None
    town_sheet: str = TOWN_SHEET_FR
    texts: list[tuple[int, dict[str, XlCell]]] | None = None
    texts_sheet: str = TEXTS_SHEET_FR
    texts_headers: dict[str, str] = field(default_factory=dict)
    """column of the texts sheet -> its header as typed."""


BOOK_MARKERS = {
    "fr": {header_key(n) for n in (TABLES["label_events"].french, TABLES["action_years"].french, TOWN_SHEET_FR,
                                   TEXTS_SHEET_FR)},
    "en": {header_key(n) for n in ("label_events", "action_years", TOWN_SHEET, TEXTS_SHEET)},
}
"""Sheet names only one naming uses (``Labels`` and ``labels`` are the same name)."""


def book_lang(sheet_names: Iterable[str]) -> str:
    """``en`` for a workbook whose sheets are named the English way (an earlier version's), else ``fr``."""
    keys = {header_key(name) for name in sheet_names}
    return "en" if len(keys & BOOK_MARKERS["en"]) > len(keys & BOOK_MARKERS["fr"]) else "fr"


def _find_sheet(sheets: dict[str, str], names: Iterable[str]) -> str | None:
    """The sheet of the workbook (``sheets``: folded name -> name) called one of ``names``."""
    return next((sheets[header_key(name)] for name in names if header_key(name) in sheets), None)


def _xl_letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _defined_cells(ws) -> dict[tuple[int, int], object]:
    """The cells the sheet's file defines, by (row, column). A fully loaded sheet keeps only those
    (``_cells``): iterating its rows instead would make every empty cell up to the furthest one,
    a million rows for one space typed in AD1048576."""
    return ws._cells


def _sheet_records(ws, file: str, sheet: str, issues: list[Issue]) -> list[tuple[int, list[XlCell]]]:
    """(row number, cells) of every row holding a value, up to its last value; blank cells (a
    space) count as empty. A value beyond the limits is an error, and nothing past it is made."""
    by_row: dict[int, dict[int, object]] = {}
    beyond: list[tuple[int, int]] = []
    for (row, column), cell in _defined_cells(ws).items():
        if _blank(getattr(cell, "value", None)):
            continue
        if row > MAX_ROWS + HEADER_SEARCH or column > MAX_COLUMNS:
            beyond.append((row, column))
            continue
        by_row.setdefault(row, {})[column] = cell
    if beyond:
        row, column = min(beyond)
        issues.append(Issue("error", "sheet_too_large", file, sheet, row, None, f"{_xl_letter(column - 1)}{row}",
                            {"rows": MAX_ROWS, "columns": MAX_COLUMNS}))
    records = []
    for row in sorted(by_row):
        cells = by_row[row]
        records.append((row, [XlCell(cells[c].value, cells[c].number_format or "General") if c in cells
                              else XlCell(None) for c in range(1, max(cells) + 1)]))
    return records


def _unzipped_size(data: bytes) -> int:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_workbook(data: bytes, rel: str) -> tuple[Workbook | None, list[Issue]]:
    """Every table of a workbook (its bytes; a sheet per table) and its ``town`` sheet if any."""
    from openpyxl import load_workbook

    try:
        size = _unzipped_size(data)
        if size > MAX_UNZIPPED_BYTES:
            return None, [Issue("error", "workbook_too_large", rel, value=rel,
                                params={"size": -(-size // 2**20), "limit": MAX_UNZIPPED_BYTES // 2**20})]
        # Fully loaded, not read-only: merged cells are only known to a loaded sheet, and a loaded
        # sheet holds only the cells its file defines (a read-only one would pad every gap).
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes the parser raise, the clerk is told
        return None, [Issue("error", "workbook_unreadable", rel, params={"reason": type(exc).__name__})]
    issues: list[Issue] = []
    tables: dict[str, RawTable] = {}
    town: list[tuple[int, str, object]] | None = None
    formula_issues: list[Issue] = []
    any_calculated = False
    try:
        sheets = {header_key(name): name for name in book.sheetnames}
        lang = book_lang(book.sheetnames)
        for table in TABLES.values():
            sheet = _find_sheet(sheets, table.sheet_names)
            if sheet is None:
                missing = table.sheet_name(lang)
                issues.append(Issue("error", "sheet_missing", rel, missing, value=missing,
                                    params={"expected": ", ".join(t.sheet_name(lang) for t in TABLES.values())}))
                continue
            records = _sheet_records(book[sheet], rel, sheet, issues)
            filled = [(n, cells) for n, cells in records if not all(is_empty(c) for c in cells)]
            header = find_header([(n, [c.value for c in cells]) for n, cells in filled], table)
            if header is not None:
                header = next((n, cells) for n, cells in filled if n == header[0])
            if header is None:
                # an empty sheet is an empty table, like a CSV holding only its header
                issues.append(Issue("error", "sheet_empty", rel, sheet, value=sheet,
                                    params={"expected": ", ".join(table.headers(lang))}))
                continue
            header_row, header_cells = header
            if not _known(header_cells, table):
                issues.append(Issue("error", "header_unrecognised", rel, sheet, header_row,
                                    value=" | ".join(t for t in map(_header_text, header_cells) if t)[:80],
                                    params={"expected": ", ".join(table.headers(lang))}))
                continue
            read, found = check_header(list(header_cells), table, rel, sheet, header_row, _xl_letter)
            positions = read.positions
            issues += found
            issues += _merged_cells(book[sheet], table, rel, sheet, header_row, positions)
            uncalculated, calculated = _formulas(formulas[sheet], records, rel, sheet, header_row, positions)
            formula_issues += uncalculated
            any_calculated = any_calculated or calculated
            body = ((n, cells) for n, cells in records if n > header_row)
            rows, row_issues = _rows(body, table, rel, sheet, positions, read.unnamed, len(header_cells), _xl_letter)
            issues += row_issues
            too_many = [n for n, _ in rows[MAX_ROWS:MAX_ROWS + 1]]
            if too_many:
                issues.append(Issue("error", "table_too_many_rows", rel, sheet, too_many[0], value=str(len(rows)),
                                    params={"limit": MAX_ROWS}))
            tables[table.name] = RawTable(table, rel, sheet, tuple(positions), rows[:MAX_ROWS], None,
                                          complete=not too_many, headers=read.typed)
        if not any_calculated:
            # a workbook Excel saved holds every formula's value (an empty one may be a formula's
            # result); one with no value at all was written by a program that does not calculate
            issues += formula_issues
        town_sheet = _find_sheet(sheets, (TOWN_SHEET_FR, TOWN_SHEET))
        if town_sheet is not None:
            town = []
            for number, cells in _sheet_records(book[town_sheet], rel, town_sheet, issues):
                key = _header_text(cells[0].value) if cells else ""
                value = cells[1] if len(cells) > 1 else XlCell(None)
                if header_key(key) in TOWN_HEADER_KEYS:
                    continue  # the sheet's header row
                if key and (town_key(key) is not None or not is_empty(value)):
                    town.append((number, key, value))
        texts, texts_headers = None, {}
        texts_sheet = _find_sheet(sheets, (TEXTS_SHEET_FR, TEXTS_SHEET))
        if texts_sheet is not None:
            texts, texts_headers = _texts_sheet(book[texts_sheet], rel, texts_sheet, issues)
        return Workbook(rel, tables, town, town_sheet or TOWN_SHEET_FR, texts, texts_sheet or TEXTS_SHEET_FR,
                        texts_headers), issues
    finally:
        book.close()
        formulas.close()


def _texts_sheet(ws, file: str, sheet: str,
                 issues: list[Issue]) -> tuple[list[tuple[int, dict[str, XlCell]]], dict[str, str]]:
    """The rows of the texts sheet below its header, by column name (an empty sheet: no text), and
    each column's header as typed."""
    records = _sheet_records(ws, file, sheet, issues)
    header = next(((n, cells) for n, cells in records
                   if {"year", "text"} <= {TEXTS.column_for(c.value) for c in cells}), None)
    if header is None:
        if records:
            issues.append(Issue("error", "header_unrecognised", file, sheet, records[0][0],
                                value=" | ".join(display(c) for c in records[0][1] if not is_empty(c))[:80],
                                params={"expected": ", ".join(TEXTS.headers(book_lang([sheet])))}))
        return [], {}
    header_row, header_cells = header
    positions: dict[str, int] = {}
    typed: dict[str, str] = {}
    for index, cell in enumerate(header_cells):
        name = TEXTS.column_for(cell.value)
        if name is not None and name not in positions:
            positions[name], typed[name] = index, _header_text(cell.value)
    rows = []
    for number, cells in records:
        if number <= header_row or all(is_empty(c) for c in cells):
            continue
        row = {name: cells[index] if index < len(cells) else XlCell(None) for name, index in positions.items()}
        for name, cell in row.items():
            if isinstance(cell.value, str) and has_controls(cell.value):
                issues.append(Issue("warning", "control_characters_removed", file, sheet, number, typed[name],
                                    show_controls(cell.value)[:60]))
                row[name] = XlCell(without_controls(cell.value), cell.number_format)
        rows.append((number, row))
    return rows, typed


def _column_at(positions: dict[str, int], index: int) -> str | None:
    return next((name for name, position in positions.items() if position == index), None)


def _merged_cells(ws, table: Table, file: str, sheet: str, header_row: int,
                  positions: dict[str, int]) -> list[Issue]:
    """Merged cells over the table's rows: only the first of them holds the value, the others
    would silently read as empty. A title merged above the header does no harm."""
    issues = []
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.max_row < header_row:
            continue
        issues.append(Issue("error", "merged_cells", file, sheet, merged.min_row,
                            _column_at(positions, merged.min_col - 1), merged.coord))
    return issues


def _formulas(ws, records: list[tuple[int, list[XlCell]]], file: str, sheet: str, header_row: int,
              positions: dict[str, int]) -> tuple[list[Issue], bool]:
    """The formula cells below the header that hold no computed value (they would read as
    empty), and whether any formula cell holds one."""
    values = {number: cells for number, cells in records}
    issues = []
    calculated = False
    for (number, column), cell in sorted(_defined_cells(ws).items()):
        if number <= header_row or number > MAX_ROWS + HEADER_SEARCH or column > MAX_COLUMNS:
            continue
        index = column - 1
        formula = getattr(cell, "value", None)
        is_formula = (isinstance(formula, str) and formula.startswith("=")) or (
            formula is not None and not isinstance(formula, (str, int, float, bool, dt.date, dt.time, dt.timedelta)))
        if not is_formula:
            continue
        shown = values.get(number, [])
        if index < len(shown) and not is_empty(shown[index]):
            calculated = True
            continue
        text = formula if isinstance(formula, str) else str(getattr(formula, "text", "") or "")
        issues.append(Issue("error", "formula_without_value", file, sheet, number,
                            _column_at(positions, index), text[:60], {"cell": f"{_xl_letter(index)}{number}"}))
    return issues, calculated
