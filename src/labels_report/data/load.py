"""Loading one town's data folder into a validated, typed data set.

:func:`load_dataset` reads the folder (CSV files or one workbook, ``town.yml``,
``texts/``), reads every cell as the contract says
(:mod:`labels_report.data.contract`), applies the rules within each table and
across tables (:mod:`labels_report.data.checks`), and either returns the typed
:class:`~labels_report.data.dataset.Dataset` or raises
:class:`~labels_report.core.errors.DataError` holding *every* problem found, in
one pass. :func:`load` returns the data set (or None) and the problems without
raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from labels_report.core.errors import DataError, Issue
from labels_report.core.files import sha256_bytes
from labels_report.core.i18n import catalogue
from labels_report.core.text import has_controls, show_controls, without_controls
from labels_report.data.checks import check_tables, cross_check, load_warnings, raw_html
from labels_report.data.contract import (
    FRAMING_TEXTS,
    SIGNATORY_KEYS,
    TABLES,
    TEXTS_FOLDER,
    VOCABULARIES,
    Column,
    Table,
)
from labels_report.data.dataset import Dataset
from labels_report.data.issues import as_typed
from labels_report.data.folder import MAX_TEXT_BYTES, DataFolder, Entry
from labels_report.data.found import Found
from labels_report.core.text import closest, normalise_word
from labels_report.data.reading import (
    CellError,
    XlCell,
    parse_text,
    parse_year,
    RawTable,
    Workbook,
    decode,
    display,
    is_empty,
    number_evidence,
    parse_cell,
    read_csv,
    read_workbook,
)
from labels_report.data.town import read_town

UNSUPPORTED_SUFFIXES = (".xls", ".ods", ".xlsm", ".numbers")


def load_dataset(data_dir: Path | str, lang: str = "fr") -> Dataset:
    """The validated data set of the town whose data are in ``data_dir``.

    Raises :class:`DataError` with every error (and warning) found when there is
    at least one error. On success, the warnings that do not depend on a report
    year are in ``Dataset.warnings`` and the SHA-256 of every file read in
    ``Dataset.sources``.
    """
    dataset, issues = load(Path(data_dir), lang)
    if dataset is None:
        raise DataError(issues)
    return dataset




def load(data_dir: Path, lang: str = "fr") -> tuple[Dataset | None, list[Issue]]:
    """The data set of ``data_dir`` (None when it holds errors) and every issue found, errors first."""
    catalogue(lang)  # an unknown language is a parameter error, raised before any reading
    if not data_dir.is_dir():
        return None, [Issue("error", "folder_missing", str(data_dir), value=str(data_dir))]
    found = Found(DataFolder(data_dir))
    workbook = _read_tables(data_dir, found)
    read_town(data_dir, workbook, found)
    _type_tables(found, lang)
    check_tables(found)
    cross_check(found, lang)
    _read_texts(data_dir, found)
    _read_text_sheet(workbook, found)
    found.issues += load_warnings(found)
    headers = typed_headers(found, workbook)
    issues = sorted(as_typed(found.issues, headers), key=Issue.sort_key)
    if any(i.severity == "error" for i in issues) or found.town is None:
        return None, issues
    dataset = Dataset(
        town=found.town,
        labels=found.frames["labels"],
        events=found.frames["label_events"],
        actions=found.frames["actions"],
        action_years=found.frames["action_years"],
        texts=dict(sorted(found.texts.items())),
        signatories=dict(sorted(found.signatories.items())),
        sources=dict(sorted(found.sources.items())),
        warnings=tuple(issues),
        data_dir=str(data_dir.resolve()),
        headers=headers,
    )
    return dataset, issues


def typed_headers(found: Found, workbook: Workbook | None) -> dict[tuple[str, str], dict[str, str]]:
    """(file, sheet or "") -> column -> its header as the clerk typed it, for every table read."""
    headers = {(raw.file, raw.sheet or ""): dict(raw.headers) for raw in found.raws.values() if raw.headers}
    if workbook is not None and workbook.texts_headers:
        headers[(workbook.file, workbook.texts_sheet)] = dict(workbook.texts_headers)
    return headers


# -- files ---------------------------------------------------------------------------


def _read_tables(data_dir: Path, found: Found) -> Workbook | None:
    """The four tables, from the CSV files or from the one workbook."""
    # A name that leads outside the data folder is an error, whatever it is called.
    files: dict[str, Entry] = {}
    for entry in found.folder.entries():
        if entry.kind == "outside":
            found.issues.append(Issue("error", "file_outside_folder", entry.name, value=entry.target))
        elif entry.kind == "file":
            files[entry.name.lower()] = entry
    books = [e for name, e in files.items() if name.endswith(".xlsx")]
    table_files = {t.file: t for t in TABLES.values()}
    csvs = [e for name, e in files.items() if name in table_files]
    for name, entry in files.items():
        if name.endswith(".csv") and name not in table_files:
            found.issues.append(Issue("warning", "file_unknown", entry.name, value=entry.name,
                                      params={"expected": ", ".join(table_files)}))
        elif name.endswith(UNSUPPORTED_SUFFIXES):
            found.issues.append(Issue("warning", "file_unsupported", entry.name, value=entry.name))
    if len(books) > 1 or (books and csvs):
        names = ", ".join(e.name for e in [*books, *csvs])
        found.issues.append(Issue("error", "source_ambiguous", books[0].name, value=names))
        found.workbook_unread = True
        return None
    if books:
        book = books[0]
        data = found.read(book.rel)
        if data is None:
            found.workbook_unread = True
            return None
        found.sources[book.name] = sha256_bytes(data)
        workbook, issues = read_workbook(data, book.name)
        found.issues += issues
        if workbook is not None:
            found.raws.update(workbook.tables)
        found.workbook_unread = workbook is None
        return workbook
    for table in TABLES.values():
        entry = files.get(table.file)
        if entry is None:
            if not any(i.file.lower() == table.file and i.code == "file_outside_folder" for i in found.issues):
                found.issues.append(Issue("error", "file_missing", table.file, value=table.file,
                                          params={"expected": ", ".join(table.column_names)}))
            continue
        data = found.read(entry.rel)
        if data is None:
            continue
        found.sources[entry.name] = sha256_bytes(data)
        raw, issues = read_csv(data, entry.name, table)
        found.issues += issues
        if raw is not None:
            found.raws[table.name] = raw
    return None


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
        params = {"expected": VOCABULARIES[column.vocab or ""].accepted(lang), "suggestion": params["suggestion"]}
    elif error.code == "number_ambiguous":
        cat = catalogue(lang)
        digits = int(params.pop("digits"))
        params = {"as_integer": cat.number(params["as_integer"]),
                  "as_decimal": cat.number(params["as_decimal"], digits)}
    return params


def _type_tables(found: Found, lang: str) -> None:
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


# -- texts -------------------------------------------------------------------------------


def _read_texts(data_dir: Path, found: Found) -> None:
    folder = found.folder.entry(TEXTS_FOLDER)
    if folder.kind == "outside":
        found.issues.append(Issue("error", "file_outside_folder", TEXTS_FOLDER, value=folder.target))
        return
    if folder.kind != "folder":
        return
    label_ids = set(found.frames["labels"]["label_id"]) if found.complete("labels") else None
    for entry in found.folder.entries(TEXTS_FOLDER):
        rel = entry.rel
        if entry.kind == "outside":
            found.issues.append(Issue("error", "file_outside_folder", rel, value=entry.target))
            continue
        if entry.kind != "folder":
            found.issues.append(Issue("warning", "text_file_ignored", rel, value=entry.name))
            continue
        if not re.fullmatch(r"[1-9]\d{3}", entry.name):
            found.issues.append(Issue("error", "text_year_invalid", rel, value=entry.name))
            continue
        for text_entry in found.folder.entries(rel):
            if text_entry.kind == "outside":
                found.issues.append(Issue("error", "file_outside_folder", text_entry.rel, value=text_entry.target))
                continue
            if text_entry.kind != "file" or not text_entry.name.lower().endswith(".md"):
                found.issues.append(Issue("warning", "text_file_ignored", text_entry.rel, value=text_entry.name))
                continue
            label_id = text_entry.name[:-3]
            data = found.read(text_entry.rel, MAX_TEXT_BYTES)
            if data is None:
                continue
            found.sources[text_entry.rel] = sha256_bytes(data)
            if label_id.startswith("_"):
                if label_id not in FRAMING_TEXTS:
                    found.issues.append(Issue("error", "text_framing_unknown", text_entry.rel, value=label_id,
                                              params={"expected": ", ".join(f"{n}.md" for n in FRAMING_TEXTS)}))
            elif label_ids is not None and label_id not in label_ids:
                found.issues.append(Issue("error", "text_label_unknown", text_entry.rel, value=label_id,
                                          params={"labels_file": found.where("labels"),
                                                  "id_column": found.header("labels", "label_id"),
                                                  "suggestion": closest(label_id, label_ids) or ""}))
            text = decode(data)
            if text is None:
                found.issues.append(Issue("error", "file_not_text", text_entry.rel))
                continue
            if has_controls(text):
                line = next(n for n, content in enumerate(text.splitlines(), 1) if has_controls(content))
                found.issues.append(Issue("warning", "control_characters_removed", text_entry.rel, row=line,
                                          value=show_controls(text.splitlines()[line - 1])[:60]))
                text = without_controls(text)
            text, signatory, offset = _front_matter(text.replace("\r\n", "\n"), text_entry.rel, found)
            html = raw_html(text)
            for line, tag in html:
                found.issues.append(Issue("error", "text_raw_html", text_entry.rel, row=line + offset, value=tag))
            if not html:
                found.texts[(int(entry.name), label_id)] = text.strip() + "\n"
                if signatory:
                    found.signatories[(int(entry.name), label_id)] = signatory


def _read_text_sheet(workbook: Workbook | None, found: Found) -> None:
    """The texts typed in the workbook's texts sheet: the same as ``texts/<year>/*.md``, one row each."""
    if workbook is None or not workbook.texts:
        return
    file, sheet = workbook.file, workbook.texts_sheet
    label_ids = set(found.frames["labels"]["label_id"]) if found.complete("labels") else None
    first_row: dict[tuple[int, str], int] = {}

    def error(code: str, number: int, column: str, value: str, **params: object) -> None:
        found.issues.append(Issue("error", code, file, sheet, number, column, value, params))

    for number, row in workbook.texts:
        year_cell, about_cell = row.get("year", XlCell(None)), row.get("label_or_section", XlCell(None))
        text = parse_text(row.get("text", XlCell(None)))
        year = None
        if is_empty(year_cell):
            error("value_required", number, "year", "")
        else:
            try:
                year = parse_year(year_cell)
            except CellError as exc:
                error(exc.code, number, "year", display(year_cell), **exc.params)
        about = parse_text(about_cell).strip()
        section = "_" + normalise_word(about).replace(" ", "-").lstrip("_")
        if not about:
            error("value_required", number, "label_or_section", "")
            key = None
        elif section in FRAMING_TEXTS:
            key = section
        elif label_ids is None or about in label_ids:
            key = about
        else:
            sections = [name.lstrip("_") for name in FRAMING_TEXTS]
            error("text_row_label_unknown", number, "label_or_section", about, labels_file=found.where("labels"),
                  id_column=found.header("labels", "label_id"), sections=", ".join(sections),
                  suggestion=closest(about, [*label_ids, *sections]) or "")
            key = None
        if not text.strip():
            error("value_required", number, "text", "")
            continue
        html = raw_html(text)
        for _line, tag in html:
            error("text_raw_html", number, "text", tag)
        if year is None or key is None or html:
            continue
        if (year, key) in found.texts:
            where = first_row.get((year, key))
            if where:
                error("text_duplicate_row", number, "label_or_section", about, year=year, first_row=where)
            else:
                error("text_duplicate_file", number, "label_or_section", about, year=year,
                      file=f"{TEXTS_FOLDER}/{year}/{key}.md")
            continue
        first_row[(year, key)] = number
        found.texts[(year, key)] = text.replace("\r\n", "\n").strip() + "\n"
        signatory = parse_text(row.get("signatory", XlCell(None))).strip()
        if signatory:
            found.signatories[(year, key)] = signatory


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)


def _front_matter(text: str, rel: str, found: Found) -> tuple[str, str, int]:
    """The text without its front matter, the signatory it names ("" when none), and how many
    lines the front matter took (row numbers of later issues stay the file's)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text, "", 0
    signatory = ""
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        if not line.strip():
            continue
        key, _, value = line.partition(":")
        if key.strip().lower() in SIGNATORY_KEYS and value.strip():
            signatory = value.strip().strip('"').strip("'").strip()
        else:
            found.issues.append(Issue("error", "text_front_matter", rel, row=number, value=line.strip(),
                                      params={"expected": SIGNATORY_KEYS[0]}))
    return text[match.end():], signatory, match.group(0).count("\n")


