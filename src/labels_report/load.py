"""Loading and checking one town's data folder.

:func:`load_dataset` reads the folder (CSV files or one workbook, ``town.yml``,
``texts/``), checks every cell against the contract
(:mod:`labels_report.contract`), then the rules within each table (pandera)
and across tables, and either returns the typed :class:`~labels_report.model.Dataset`
or raises :class:`~labels_report.errors.DataError` holding *every* problem
found, in one pass. :func:`check` returns the same problems plus the warnings
that depend on the report's year, and never raises for data problems.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from labels_report.contract import (
    LOGO_SUFFIXES,
    TABLES,
    TEXTS_FOLDER,
    TOWN_FILE,
    TOWN_KEYS,
    VOCABULARIES,
    Column,
    Table,
    rules,
)
from labels_report.errors import DataError, Issue
from labels_report.i18n import LOCALES, catalogue
from labels_report.model import Dataset, Town
from labels_report.newtown import slugify
from labels_report.reading import (
    CellError,
    RawTable,
    Workbook,
    XlCell,
    decode,
    display,
    is_empty,
    number_evidence,
    parse_cell,
    read_csv,
    read_workbook,
    sha256,
)

UNSUPPORTED_SUFFIXES = (".xls", ".ods", ".xlsm", ".numbers")
EVENTS_WITH_LEVEL = ("awarded", "level_changed")
"""Events after which a label that has levels should say which level."""


@dataclass
class _Loaded:
    """Everything one pass over a folder found."""

    issues: list[Issue] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    raws: dict[str, RawTable] = field(default_factory=dict)
    shown: dict[tuple[str, int, str], str] = field(default_factory=dict)
    """(table, row, column) -> the cell as the clerk typed it."""
    town: Town | None = None
    workbook_unread: bool = False
    """A workbook is there but could not be used: its town sheet may be the missing town."""
    texts: dict[tuple[int, str], str] = field(default_factory=dict)

    def complete(self, table: str) -> bool:
        """The table was read, to its last row."""
        return table in self.raws and self.raws[table].complete

    def where(self, table: str) -> str:
        """``labels.csv`` or ``donnees.xlsx [labels]``: where a table was read from."""
        raw = self.raws.get(table)
        if raw is None:
            return TABLES[table].file
        return raw.file + (f" [{raw.sheet}]" if raw.sheet else "")


def load_dataset(data_dir: Path | str, lang: str = "fr") -> Dataset:
    """The validated data set of the town whose data are in ``data_dir``.

    Raises :class:`DataError` with every error (and warning) found when there is
    at least one error. On success, the warnings that do not depend on a report
    year are in ``Dataset.warnings`` and the SHA-256 of every file read in
    ``Dataset.sources``.
    """
    dataset, issues = _load(Path(data_dir), lang)
    if dataset is None:
        raise DataError(issues)
    return dataset


def check(data_dir: Path | str, *, year: int | None = None, as_of: dt.date | None = None,
          horizon_months: int = 24, lang: str = "fr") -> list[Issue]:
    """Every error and warning about ``data_dir``, errors first; never raises for data problems.

    The warnings that depend on a year (budgets, statuses not updated, renewals
    due) are computed when the data hold no error, for ``year`` (by default the
    year of ``as_of``, else the latest year the data speak of), on ``as_of``
    (by default 31 December of ``year``).
    """
    from labels_report.quality import data_warnings

    dataset, issues = _load(Path(data_dir), lang)
    if dataset is not None:
        if year is None:
            years = dataset.years()
            year = as_of.year if as_of else (years[-1] if years else None)
        if year is not None:
            as_of = as_of or dt.date(year, 12, 31)
            issues = [*issues, *data_warnings(dataset, year=year, as_of=as_of, horizon_months=horizon_months)]
    return sorted(issues, key=Issue.sort_key)


def _load(data_dir: Path, lang: str) -> tuple[Dataset | None, list[Issue]]:
    catalogue(lang)  # an unknown language is a parameter error, raised before any reading
    if not data_dir.is_dir():
        return None, [Issue("error", "folder_missing", str(data_dir), value=str(data_dir))]
    found = _Loaded()
    workbook = _read_tables(data_dir, found)
    _read_town(data_dir, workbook, found)
    _type_tables(found, lang)
    _check_tables(found)
    _cross_check(found, lang)
    _read_texts(data_dir, found)
    found.issues += _load_warnings(found)
    issues = sorted(found.issues, key=Issue.sort_key)
    if any(i.severity == "error" for i in issues) or found.town is None:
        return None, issues
    dataset = Dataset(
        town=found.town,
        labels=found.frames["labels"],
        events=found.frames["label_events"],
        actions=found.frames["actions"],
        action_years=found.frames["action_years"],
        texts=dict(sorted(found.texts.items())),
        sources=dict(sorted(found.sources.items())),
        warnings=tuple(issues),
        data_dir=str(data_dir.resolve()),
    )
    return dataset, issues


# -- files ---------------------------------------------------------------------------


def _read_tables(data_dir: Path, found: _Loaded) -> Workbook | None:
    """The four tables, from the CSV files or from the one workbook."""
    # "~$x.xlsx" is the lock file Excel leaves beside an open workbook
    files = {p.name.lower(): p for p in sorted(data_dir.iterdir())
             if p.is_file() and not p.name.startswith((".", "~$"))}
    books = [p for name, p in files.items() if name.endswith(".xlsx")]
    table_files = {t.file: t for t in TABLES.values()}
    csvs = [p for name, p in files.items() if name in table_files]
    for name, path in files.items():
        if name.endswith(".csv") and name not in table_files:
            found.issues.append(Issue("warning", "file_unknown", path.name, value=path.name,
                                      params={"expected": ", ".join(table_files)}))
        elif name.endswith(UNSUPPORTED_SUFFIXES):
            found.issues.append(Issue("warning", "file_unsupported", path.name, value=path.name))
    if len(books) > 1 or (books and csvs):
        names = ", ".join(p.name for p in [*books, *csvs])
        found.issues.append(Issue("error", "source_ambiguous", books[0].name, value=names))
        found.workbook_unread = True
        return None
    if books:
        book_path = books[0]
        found.sources[book_path.name] = sha256(book_path)
        workbook, issues = read_workbook(book_path, book_path.name)
        found.issues += issues
        if workbook is not None:
            found.raws.update(workbook.tables)
        found.workbook_unread = workbook is None
        return workbook
    for table in TABLES.values():
        path = files.get(table.file)
        if path is None:
            found.issues.append(Issue("error", "file_missing", table.file, value=table.file,
                                      params={"expected": ", ".join(table.column_names)}))
            continue
        found.sources[path.name] = sha256(path)
        raw, issues = read_csv(path, path.name, table)
        found.issues += issues
        if raw is not None:
            found.raws[table.name] = raw
    return None


# -- town ----------------------------------------------------------------------------


def _read_town(data_dir: Path, workbook: Workbook | None, found: _Loaded) -> None:
    path = data_dir / TOWN_FILE
    if not path.is_file():
        path = next((p for p in data_dir.iterdir() if p.name.lower() in (TOWN_FILE, "town.yaml")), path)
    if path.is_file():
        rel = path.name
        found.sources[rel] = sha256(path)
        if workbook is not None and workbook.town and any(not is_empty(v) for _, _, v in workbook.town):
            found.issues.append(Issue("warning", "town_sheet_ignored", workbook.file, workbook.town_sheet,
                                      value=workbook.town_sheet, params={"file": rel}))
        entries = _town_yml(path, rel, found)
        if entries is not None:
            _town(entries, rel, None, data_dir, found)
        return
    if workbook is not None and workbook.town is not None:
        entries = [(row, key, value) for row, key, value in workbook.town]
        _town(entries, workbook.file, workbook.town_sheet, data_dir, found)
        return
    if not found.workbook_unread:
        found.issues.append(Issue("error", "town_missing", TOWN_FILE, value=TOWN_FILE))


def _town_yml(path: Path, rel: str, found: _Loaded) -> list[tuple[int | None, str, object]] | None:
    """(line, key, value) of ``town.yml``; every scalar is read as text (``02722`` stays ``02722``)."""
    import yaml

    data = path.read_bytes()
    if not data.strip():
        found.issues.append(Issue("error", "file_empty", rel, params={"expected": "name: …"}))
        return None
    text = decode(data)
    if text is None:
        found.issues.append(Issue("error", "file_not_text", rel))
        return None
    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        # where the faulty construct starts (an unclosed quote) is where the clerk must look
        tab = next((number for number, line in enumerate(text.splitlines(), start=1)
                    if re.match(r"[ ]*\t", line) and line.strip()), None)
        if tab is not None:
            found.issues.append(Issue("error", "town_yaml_tab", rel, row=tab))
            return None
        scanning = str(getattr(exc, "context", "") or "").startswith("while scanning")
        mark = getattr(exc, "context_mark", None) if scanning else None
        mark = mark or getattr(exc, "problem_mark", None)
        found.issues.append(Issue("error", "town_yaml_invalid", rel, row=mark.line + 1 if mark else None))
        return None
    if not isinstance(root, yaml.MappingNode):
        found.issues.append(Issue("error", "town_yaml_invalid", rel, row=1))
        return None
    entries: list[tuple[int | None, str, object]] = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(value_node, yaml.ScalarNode):
            found.issues.append(Issue("error", "town_value_not_text", rel, row=line, column=str(key_node.value)))
            continue
        entries.append((line, str(key_node.value).strip(), value_node.value))
    return entries


def _town_text(value: object) -> str:
    if isinstance(value, XlCell):
        return "" if is_empty(value) else display(value).strip()
    return str(value).strip()


def _town(entries: list[tuple[int | None, str, object]], file: str, sheet: str | None, data_dir: Path,
          found: _Loaded) -> None:
    values: dict[str, str] = {}
    rows: dict[str, int | None] = {}
    for row, key, raw in entries:
        name = key.strip().lower()
        if name not in TOWN_KEYS:
            found.issues.append(Issue("error", "town_key_unknown", file, sheet, row, name, name,
                                      params={"expected": ", ".join(TOWN_KEYS)}))
            continue
        if name in values:
            found.issues.append(Issue("error", "town_key_duplicate", file, sheet, row, name, name,
                                      params={"first_row": rows[name] or ""}))
            continue
        value = _town_text(raw)
        if name == "insee_code" and isinstance(raw, XlCell) and isinstance(raw.value, (int, float)):
            value = f"{int(raw.value):05d}"  # Excel drops the leading zero of 02722
        values[name], rows[name] = value, row
    before = len([i for i in found.issues if i.severity == "error"])

    def error(code: str, key: str, **params: object) -> None:
        found.issues.append(Issue("error", code, file, sheet, rows.get(key), key, values.get(key, ""), params))

    if not values.get("name"):
        error("value_required", "name")
    insee = values.get("insee_code", "")
    if insee and not re.fullmatch(r"\d{5}|2[AB]\d{3}", insee.upper()):
        error("town_insee_invalid", "insee_code")
    lang = values.get("default_lang", "") or "fr"
    if lang not in LOCALES:
        error("town_lang_invalid", "default_lang", expected=", ".join(LOCALES))
    color = values.get("accent_color", "")
    if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        error("town_color_invalid", "accent_color")
    logo = values.get("logo", "").replace("\\", "/")
    if logo:
        logo_path = Path(logo)
        if logo_path.is_absolute() or ".." in logo_path.parts or re.match(r"^[A-Za-z]:", logo):
            error("town_logo_outside", "logo")
        elif logo_path.suffix.lower() not in LOGO_SUFFIXES:
            error("town_logo_format", "logo", expected=", ".join(LOGO_SUFFIXES))
        elif not (data_dir / logo_path).is_file():
            error("town_logo_missing", "logo")
        else:
            found.sources[logo_path.as_posix()] = sha256(data_dir / logo_path)
    slug = values.get("slug", "")
    # The town's slug names the output folder and files: the data folder's name made safe
    # for a file name and a URL ("Château Thierry" -> "chateau-thierry"), else the town's.
    folder_slug = slugify(data_dir.resolve().name)
    if slug and slug != data_dir.name and slug != folder_slug:
        found.issues.append(Issue("warning", "town_slug_mismatch", file, sheet, rows.get("slug"), "slug", slug,
                                  {"folder": data_dir.name}))
    if len([i for i in found.issues if i.severity == "error"]) > before:
        return
    found.town = Town(
        slug=folder_slug or slugify(values["name"]) or "commune",
        name=values["name"],
        insee_code=insee.upper(),
        department=values.get("department", ""),
        address=values.get("address", ""),
        phone=values.get("phone", ""),
        website=values.get("website", ""),
        logo=Path(logo).as_posix() if logo else "",
        default_lang=lang,
        accent_color=color.upper(),
    )


# -- cells ---------------------------------------------------------------------------


def _empty(column: Column) -> object:
    return {"id": "", "text": "", "vocab": "", "date": None, "list": (), "bool": False}.get(column.kind, pd.NA)


_DTYPES = {"id": "str", "text": "str", "vocab": "str", "date": object, "list": object, "bool": bool,
           "int": "Int64", "year": "Int64", "amount": "Float64", "number": "Float64", "percent": "Float64"}


def _decimal_marks(raws: Iterable[RawTable]) -> dict[str, str | None]:
    """The decimal mark of each file: its dialect's and the one its unambiguous numbers show.

    When they disagree, or the numbers use both, the mark is unknown and a
    number that reads two ways is an error.
    """
    seen: dict[str, set[str]] = {}
    for raw in raws:
        marks = seen.setdefault(raw.file, set())
        if raw.decimal_mark:
            marks.add(raw.decimal_mark)
        numeric = [c.name for c in raw.table.columns if c.kind in ("amount", "number", "percent")]
        for _, cells in raw.rows:
            for name in numeric:
                if name in cells:
                    mark = number_evidence(cells[name], raw.table.column(name).kind)
                    if mark:
                        marks.add(mark)
    return {file: (next(iter(marks)) if len(marks) == 1 else None) for file, marks in seen.items()}


def _cell_params(error: CellError, column: Column, lang: str) -> dict[str, object]:
    params = dict(error.params)
    if error.code == "vocab_unknown":
        params = {"expected": VOCABULARIES[column.vocab or ""].accepted(lang)}
    elif error.code == "number_ambiguous":
        cat = catalogue(lang)
        digits = int(params.pop("digits"))
        params = {"as_integer": cat.number(params["as_integer"]),
                  "as_decimal": cat.number(params["as_decimal"], digits)}
    return params


def _type_tables(found: _Loaded, lang: str) -> None:
    marks = _decimal_marks(found.raws.values())
    for name, raw in found.raws.items():
        frame, issues = _typed(raw, marks.get(raw.file), lang, found.shown)
        found.frames[name] = frame
        found.issues += issues
    for name, table in TABLES.items():
        if name not in found.frames:
            found.frames[name] = _frame(table, {c.name: [] for c in table.columns}, {}, [], "", None)


def _typed(raw: RawTable, mark: str | None, lang: str,
           shown: dict[tuple[str, int, str], str]) -> tuple[pd.DataFrame, list[Issue]]:
    table = raw.table
    issues: list[Issue] = []
    values: dict[str, list[object]] = {c.name: [] for c in table.columns}
    precisions: dict[str, list[str]] = {c.name: [] for c in table.columns if c.kind == "date"}
    for number, cells in raw.rows:
        for column in table.columns:
            cell = cells.get(column.name)
            value, precision = _empty(column), ""
            if cell is not None and not is_empty(cell):
                shown[(table.name, number, column.name)] = display(cell)
                try:
                    value = parse_cell(column, cell, mark)
                except CellError as exc:
                    issues.append(Issue("error", exc.code, raw.file, raw.sheet, number, column.name, display(cell),
                                        _cell_params(exc, column, lang)))
                    value = _empty(column)
                else:
                    if column.kind == "date":
                        value, precision = value  # type: ignore[misc]
                    if column.kind == "list" and not value and column.required:
                        issues.append(Issue("error", "value_required", raw.file, raw.sheet, number, column.name,
                                            display(cell)))
            elif column.required and column.name in raw.present:
                issues.append(Issue("error", "value_required", raw.file, raw.sheet, number, column.name))
            values[column.name].append(value)
            if column.kind == "date":
                precisions[column.name].append(precision)
    numbers = [number for number, _ in raw.rows]
    return _frame(table, values, precisions, numbers, raw.file, raw.sheet), issues


def _frame(table: Table, values: dict[str, list[object]], precisions: dict[str, list[str]],
           numbers: list[int], file: str, sheet: str | None) -> pd.DataFrame:
    data: dict[str, object] = {}
    for column in table.columns:
        items = values[column.name]
        if column.kind in ("list", "date"):
            cells = np.empty(len(items), dtype=object)
            for i, item in enumerate(items):  # element by element: tuples stay tuples
                cells[i] = item
            series = pd.Series(cells, dtype=object)
        else:
            series = pd.Series(pd.array(items, dtype=_DTYPES[column.kind]) if items else [], dtype=_DTYPES[column.kind])
        data[column.name] = series
        if column.kind == "date":
            data[f"{column.name}_precision"] = pd.Series(precisions.get(column.name, []), dtype="str")
    data["_row"] = pd.Series(numbers, dtype="int64")
    data["_file"] = pd.Series([file] * len(numbers), dtype="str")
    data["_sheet"] = pd.Series([sheet or ""] * len(numbers), dtype="str")
    return pd.DataFrame(data)


# -- rules within a table (pandera) ---------------------------------------------------


def _check_tables(found: _Loaded) -> None:
    import pandera.errors

    for name, raw in found.raws.items():
        frame = found.frames[name]
        table_rules = rules(name)
        # an empty identifier is already a "required value" error: not also a bad or duplicated one
        checked = frame.copy()
        for column in raw.table.columns:
            if column.kind == "id":
                checked[column.name] = checked[column.name].mask(checked[column.name] == "")
        try:
            table_rules.schema.validate(checked, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            found.issues += _pandera_issues(exc.failure_cases, table_rules.codes, frame, raw, found)


def _pandera_issues(failures: pd.DataFrame, codes: dict[tuple[str, int], str], frame: pd.DataFrame,
                    raw: RawTable, found: _Loaded) -> list[Issue]:
    issues: list[Issue] = []
    table = raw.table
    seen_keys: set[int] = set()
    for failure in failures.itertuples(index=False):
        index = int(failure.index)
        row = frame.loc[index]
        number = int(row["_row"])
        column = str(failure.column)
        if failure.check in ("field_uniqueness", "multiple_fields_uniqueness"):
            key = list(table.key)
            if index in seen_keys or any(pd.isna(row[k]) or row[k] == "" for k in key):
                continue  # one issue per duplicated row; an empty key is already an error
            seen_keys.add(index)
            same = (frame[key] == row[key]).all(axis=1)
            first = int(frame.loc[same, "_row"].iloc[0])
            if len(key) == 1:
                issues.append(Issue("error", "id_duplicate", raw.file, raw.sheet, number, key[0],
                                    str(row[key[0]]), {"first_row": first}))
            else:
                issues.append(Issue("error", "action_year_duplicate", raw.file, raw.sheet, number, key[-1],
                                    str(row[key[-1]]), {"action": row[key[0]], "first_row": first}))
            continue
        code = codes[(column, int(failure.check_number))]
        issues.append(Issue("error", code, raw.file, raw.sheet, number, column,
                            found.shown.get((table.name, number, column), str(failure.failure_case))))
    return issues


# -- rules across tables ----------------------------------------------------------------


def _cross_check(found: _Loaded, lang: str) -> None:
    labels, events = found.frames["labels"], found.frames["label_events"]
    actions, years = found.frames["actions"], found.frames["action_years"]
    label_ids = set(labels["label_id"]) if found.complete("labels") else None
    action_ids = set(actions["action_id"]) if found.complete("actions") else None
    issues = found.issues

    def issue(code: str, table: str, frame_row: pd.Series, column: str, value: object = None,
              **params: object) -> None:
        number = int(frame_row["_row"])
        shown = found.shown.get((table, number, column), "") if value is None else str(value)
        issues.append(Issue("error", code, str(frame_row["_file"]), frame_row["_sheet"] or None, number, column,
                            shown, params))

    scales = {}
    for _, label in labels.drop_duplicates("label_id").iterrows():
        unreadable = pd.isna(label["level_max"]) and ("labels", int(label["_row"]), "level_max") in found.shown
        if not unreadable:  # a level_max that could not be read is already an error
            scales[label["label_id"]] = (label["level_unit"], label["level_max"])
    for _, event in events.iterrows():
        label_id = event["label_id"]
        if label_ids is not None and label_id and label_id not in label_ids:
            issue("label_unknown", "label_events", event, "label_id", labels_file=found.where("labels"))
        if not pd.isna(event["level"]) and label_id in scales:
            unit, maximum = scales[label_id]
            if not unit or pd.isna(maximum):
                issue("level_without_scale", "label_events", event, "level", label=label_id,
                      labels_file=found.where("labels"))
            elif int(maximum) >= 1 and not 1 <= int(event["level"]) <= int(maximum):
                issue("level_out_of_range", "label_events", event, "level", max=int(maximum), unit=unit)
        start, end = event["valid_from"], event["valid_until"]
        if start is not None and end is not None and end < start:
            issue("valid_until_before_from", "label_events", event, "valid_until", start=found.shown.get(
                ("label_events", int(event["_row"]), "valid_from"), ""))

    periods: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for _, action in actions.iterrows():
        if label_ids is not None:
            for label_id in action["labels"]:
                if label_id not in label_ids:
                    issue("label_unknown", "actions", action, "labels", label_id, labels_file=found.where("labels"))
        start, end = action["start_date"], action["end_date"]
        if start is not None and end is not None and end < start:
            issue("end_before_start", "actions", action, "end_date", start=found.shown.get(
                ("actions", int(action["_row"]), "start_date"), ""))
            start = end = None  # no period to check the years against
        periods.setdefault(action["action_id"], (start, end))

    cat = catalogue(lang)
    for _, row in years.iterrows():
        action_id = row["action_id"]
        if action_ids is not None and action_id and action_id not in action_ids:
            issue("action_unknown", "action_years", row, "action_id", actions_file=found.where("actions"))
            continue
        if pd.isna(row["year"]) or action_id not in periods:
            continue
        start, end = periods[action_id]
        year = int(row["year"])
        if (start is not None and year < start.year) or (end is not None and year > end.year):
            if start is not None and end is not None:
                period = cat.text("issue.period.between", start=start.year, end=end.year)
            elif start is not None:
                period = cat.text("issue.period.from", start=start.year)
            else:
                period = cat.text("issue.period.until", end=end.year)  # type: ignore[union-attr]
            issue("year_outside_action", "action_years", row, "year", action=action_id, period=period)


# -- texts -------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_RAW_HTML = re.compile(r"<!--|<![A-Za-z]|<\?|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def raw_html(text: str) -> list[tuple[int, str]]:
    """(line, tag) of each piece of raw HTML in Markdown ``text``, code excluded."""
    found: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _RAW_HTML.search(_CODE_SPAN.sub("", line))
        if match:
            found.append((number, match.group(0)[:60]))
    return found


def _read_texts(data_dir: Path, found: _Loaded) -> None:
    folder = data_dir / TEXTS_FOLDER
    if not folder.is_dir():
        return
    label_ids = set(found.frames["labels"]["label_id"]) if found.complete("labels") else None
    for entry in sorted(folder.iterdir()):
        rel = f"{TEXTS_FOLDER}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            found.issues.append(Issue("warning", "text_file_ignored", rel, value=entry.name))
            continue
        if not re.fullmatch(r"[1-9]\d{3}", entry.name):
            found.issues.append(Issue("error", "text_year_invalid", rel, value=entry.name))
            continue
        for path in sorted(entry.iterdir()):
            rel = f"{TEXTS_FOLDER}/{entry.name}/{path.name}"
            if path.name.startswith("."):
                continue
            if not path.is_file() or path.suffix.lower() != ".md":
                found.issues.append(Issue("warning", "text_file_ignored", rel, value=path.name))
                continue
            label_id = path.stem
            found.sources[rel] = sha256(path)
            if label_ids is not None and label_id not in label_ids:
                found.issues.append(Issue("error", "text_label_unknown", rel, value=label_id,
                                          params={"labels_file": found.where("labels")}))
            text = decode(path.read_bytes())
            if text is None:
                found.issues.append(Issue("error", "file_not_text", rel))
                continue
            html = raw_html(text)
            for line, tag in html:
                found.issues.append(Issue("error", "text_raw_html", rel, row=line, value=tag))
            if not html:
                found.texts[(int(entry.name), label_id)] = text.replace("\r\n", "\n").strip() + "\n"


# -- warnings that need no report year ----------------------------------------------------


def _load_warnings(found: _Loaded) -> list[Issue]:
    if not found.complete("labels") or not found.complete("label_events"):
        return []
    labels, events = found.frames["labels"], found.frames["label_events"]
    warnings: list[Issue] = []
    with_events = set(events["label_id"])
    scaled = {row["label_id"] for _, row in labels.iterrows() if row["level_unit"] and not pd.isna(row["level_max"])}
    for _, label in labels.iterrows():
        if label["label_id"] and label["label_id"] not in with_events:
            warnings.append(Issue("warning", "label_no_event", label["_file"], label["_sheet"] or None,
                                  int(label["_row"]), "label_id", label["label_id"],
                                  {"events_file": found.where("label_events")}))
    for _, event in events.iterrows():
        if event["label_id"] in scaled and event["event"] in EVENTS_WITH_LEVEL and pd.isna(event["level"]):
            warnings.append(Issue("warning", "level_empty", event["_file"], event["_sheet"] or None,
                                  int(event["_row"]), "level", "", {"label": event["label_id"]}))
    return warnings
