"""Build the corpus of broken data sets from the minimal valid one.

    .venv/bin/python tests/make_broken_corpus.py

Each case of ``tests/broken/`` is ``tests/fixtures/minimal/`` with one mistake
(``tests/warnings/``: one thing worth a warning), plus ``expected.txt``: the
exact lines ``check`` reports for it (``issues_table.issue_line``), which
``test_data_contract.py`` compares. Before writing ``expected.txt`` this script
asserts that the issues found are the ones the case is about (code, file, sheet,
row, column), so a regenerated corpus cannot silently bless a wrong message.
The files are committed: the tests do not run this script.

The helpers that save the minimal data set as French Excel CSV and as a
workbook are also used by the tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from paths import BROKEN, ROOT, WARNINGS  # noqa: E402
from paths import MINIMAL as BASE  # noqa: E402

YEAR = 2017
"""The report year every case is checked for (as of 31/12/2017, 24 months ahead)."""

sys.path.insert(0, str(ROOT / "src"))

from labels_report.data.contract import TABLES, TOWN_KEYS, VOCABULARIES  # noqa: E402
from labels_report.core.errors import Issue  # noqa: E402
from labels_report.data.issues import issue_line  # noqa: E402
from labels_report.model.quality import check  # noqa: E402

# -- editing CSV files -----------------------------------------------------------------


def read_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding), newline=""), delimiter=delimiter))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",",
               newline: str = "\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


FRENCH_EXCEL = {"encoding": "cp1252", "delimiter": ";"}


def set_cell(folder: Path, file: str, row: int, column: str, value: str, french: bool = False) -> None:
    """Set the cell at CSV row ``row`` (header = 1) of ``column`` in a CSV of ``folder``
    (UTF-8 and ``,``, or the French Excel dialect)."""
    path = folder / file
    dialect = FRENCH_EXCEL if french else {}
    rows = read_rows(path, **dialect)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows, **dialect, **({"newline": "\r\n"} if french else {}))


def append_row(folder: Path, file: str, values: dict[str, str]) -> None:
    path = folder / file
    rows = read_rows(path)
    rows.append([values.get(name, "") for name in rows[0]])
    write_rows(path, rows)


def replace_text(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


# -- the same data in the other dialects -----------------------------------------------

FRENCH_WORDS = {value: words[0] for vocab in VOCABULARIES.values() for value, words in vocab.words.items()}


def _french_amount(text: str, thousands: str) -> str:
    value = float(text)
    whole, _, cents = f"{value:,.2f}".partition(".")
    whole = whole.replace(",", thousands)
    return f"{whole},{cents} €" if cents != "00" else f"{whole} €"


def _french_date(text: str) -> str:
    parts = text.split("-")
    if len(parts) == 3:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    return text


def to_french_excel(folder: Path) -> None:
    """Rewrite the UTF-8 CSV files of ``folder`` as French Excel saves them: Windows-1252,
    ``;``, CRLF, ``dd/mm/yyyy`` dates, ``500 000 €`` amounts (no-break or plain space),
    French vocabulary words in capitals, ``oui``/``non``."""
    for table in TABLES.values():
        path = folder / table.file
        rows = read_rows(path)
        header = rows[0]
        for number, row in enumerate(rows[1:]):
            for index, name in enumerate(header):
                column = table.column(name)
                text = row[index]
                if not text:
                    continue
                if column.kind == "date":
                    row[index] = _french_date(text)
                elif column.kind == "amount":
                    row[index] = _french_amount(text, "\u00a0" if number % 2 else " ")
                elif column.kind in ("number", "percent"):
                    row[index] = text.replace(".", ",")
                elif column.kind == "bool":
                    row[index] = {"yes": "oui", "no": "non"}[text]
                elif column.kind == "vocab":
                    row[index] = FRENCH_WORDS[text].capitalize()
                elif column.kind == "list":
                    row[index] = " ; ".join(item.strip() for item in text.split(";"))
        write_rows(path, rows, encoding="cp1252", delimiter=";", newline="\r\n")


def _typed_date(text: str, typed: bool) -> object:
    parts = text.split("-")
    if len(parts) == 3:
        day = dt.datetime(int(parts[0]), int(parts[1]), int(parts[2]))
        return day if typed else day.strftime("%d/%m/%Y")
    if len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    return int(text) if typed else text


def to_workbook(folder: Path, name: str = "donnees.xlsx") -> Path:
    """Replace the CSV files and ``town.yml`` of ``folder`` by one workbook, as a clerk fills it:
    some cells typed by Excel (dates, numbers, booleans), others typed as text
    (``14/12/2016``, ``500 000 €`` with narrow no-break spaces)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notice"
    book.active["A1"] = "Notice"
    for table in TABLES.values():
        ws = book.create_sheet(table.name)  # the English names of earlier versions
        rows = read_rows(folder / table.file)
        ws.append(rows[0])
        for number, row in enumerate(rows[1:]):
            typed = number % 2 == 0  # every other row is typed as text
            for index, header in enumerate(rows[0]):
                column, text = table.column(header), row[index]
                cell = ws.cell(number + 2, index + 1)
                if not text:
                    continue
                if column.kind == "date":
                    cell.value = _typed_date(text, typed)
                    if isinstance(cell.value, dt.datetime):
                        cell.number_format = "DD/MM/YYYY"
                elif column.kind == "amount":
                    if typed:
                        cell.value = float(text) if "." in text else int(text)
                        cell.number_format = '#,##0.00\\ "€"'
                    else:
                        cell.value = _french_amount(text, "\u202f")
                elif column.kind == "percent":
                    cell.value = float(text) / 100 if typed else f"{text} %"
                    if typed:
                        cell.number_format = "0%"
                elif column.kind in ("int", "year", "number"):
                    cell.value = int(text) if typed else text
                elif column.kind == "bool":
                    cell.value = (text == "yes") if typed else {"yes": "oui", "no": "non"}[text]
                elif column.kind == "vocab":
                    cell.value = FRENCH_WORDS[text]
                else:
                    cell.value = text
        (folder / table.file).unlink()
    town = yaml.load((folder / "town.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    ws = book.create_sheet("town")
    ws.append(["key", "value", "description"])
    for key in TOWN_KEYS:
        ws.append([key, town.get(key) or None])
    (folder / "town.yml").unlink()
    path = folder / name
    book.save(path)
    return path


def edit_workbook(path: Path, sheet: str, cell: str, value: object, number_format: str | None = None) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    book[sheet][cell].value = value
    if number_format:
        book[sheet][cell].number_format = number_format
    book.save(path)


# -- the cases -------------------------------------------------------------------------

Expect = tuple[str, str, str | None, int | None, str | None]
"""(code, file, sheet, row, column) of an issue the case must produce."""


def _drop_column(folder: Path, file: str, column: str, french: bool = False) -> None:
    dialect = FRENCH_EXCEL if french else {}
    rows = read_rows(folder / file, **dialect)
    index = rows[0].index(column)
    write_rows(folder / file, [r[:index] + r[index + 1:] for r in rows], **dialect)


def _add_column(folder: Path, file: str, column: str, values: list[str]) -> None:
    rows = read_rows(folder / file)
    write_rows(folder / file, [rows[0] + [column]] + [r + [v] for r, v in zip(rows[1:], values, strict=True)])


def _town(folder: Path, old: str, new: str) -> None:
    replace_text(folder / "town.yml", old, new)


def _integer_amounts(folder: Path) -> None:
    # the minimal data's decimals (450000.5) tell the file's decimal mark: remove them
    set_cell(folder, "action_years.csv", 2, "budget_spent", "450000")
    set_cell(folder, "action_years.csv", 5, "budget_spent", "8000")


def _wb_no_sheet(folder: Path) -> None:
    from openpyxl import load_workbook

    path = to_workbook(folder)
    book = load_workbook(path)
    del book["action_years"]
    book.save(path)


def _wb_ambiguous(folder: Path) -> None:
    _integer_amounts(folder)
    path = to_workbook(folder)
    edit_workbook(path, "action_years", "F3", "1.234")  # the other amounts are typed numbers


def _wb_csv_too(folder: Path) -> None:
    shutil.copy(folder / "labels.csv", folder / "labels-copie.csv")
    to_workbook(folder)
    shutil.move(folder / "labels-copie.csv", folder / "labels.csv")


def _wb_edit(edit: Callable[[object], None]) -> Callable[[Path], None]:
    """A mistake made in the workbook: save the data as a workbook, then ``edit`` it (openpyxl)."""

    def apply(folder: Path) -> None:
        from openpyxl import load_workbook

        path = to_workbook(folder)
        book = load_workbook(path)
        edit(book)
        book.save(path)

    return apply


def _rename_label(folder: Path, old: str, new: str) -> None:
    for name in ("labels.csv", "label_events.csv", "actions.csv"):
        path = folder / name
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def _fr(mutate: Callable[[Path], None]) -> Callable[[Path], None]:
    """A mistake made in the French Excel dialect: save as French Excel, then mutate."""

    def apply(folder: Path) -> None:
        to_french_excel(folder)
        mutate(folder)

    return apply


E, W = "broken", "warnings"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))

CASES: dict[str, tuple[str, Callable[[Path], None], list[Expect]]] = {
    # -- files
    "file-not-csv": (E, lambda d: (d / "labels.csv").write_bytes(PNG_BYTES),
                     [("csv_not_text", "labels.csv", None, None, None)]),
    "file-xlsx-renamed-csv": (E, lambda d: (d / "actions.csv").write_bytes(b"PK\x03\x04" + b"\x14\x00" * 40),
                              [("csv_not_text", "actions.csv", None, None, None)]),
    "file-empty": (E, lambda d: (d / "label_events.csv").write_bytes(b""),
                   [("file_empty", "label_events.csv", None, None, None)]),
    "file-missing": (E, lambda d: (d / "action_years.csv").unlink(),
                     [("file_missing", "action_years.csv", None, None, None)]),
    "header-unrecognised": (E, lambda d: replace_text(d / "labels.csv", ",".join(TABLES["labels"].column_names),
                                                      "Colonne1;Colonne2;Colonne3;Colonne4;Colonne5;Colonne6"),
                            [("header_unrecognised", "labels.csv", None, 1, None)]),
    "column-missing": (E, lambda d: _drop_column(d, "label_events.csv", "event"),
                       [("column_missing", "label_events.csv", None, 1, "event")]),
    "column-unknown": (E, lambda d: _add_column(d, "labels.csv", "couleur", ["bleu", "vert"]),
                       [("column_unknown", "labels.csv", None, 1, "couleur")]),
    "column-duplicate": (E, lambda d: _add_column(d, "actions.csv", "title", ["x", "y"]),
                         [("column_duplicate", "actions.csv", None, 1, "title")]),
    "cell-outside-columns": (E, lambda d: replace_text(d / "labels.csv", "Service des espaces verts",
                                                      "Service des espaces verts,Mme Martin"),
                             [("cell_outside_columns", "labels.csv", None, 3, None)]),
    "town-missing": (E, lambda d: (d / "town.yml").unlink(), [("town_missing", "town.yml", None, None, None)]),
    # -- cells
    "date-impossible": (E, lambda d: set_cell(d, "label_events.csv", 3, "date", "31/02/2017"),
                        [("date_invalid", "label_events.csv", None, 3, "date")]),
    "date-impossible-iso": (E, lambda d: set_cell(d, "actions.csv", 3, "start_date", "2017-02-31"),
                            [("date_invalid", "actions.csv", None, 3, "start_date")]),
    "date-excel-month-name": (E, lambda d: set_cell(d, "label_events.csv", 4, "valid_until", "juin-18"),
                              [("date_invalid", "label_events.csv", None, 4, "valid_until")]),
    "date-required": (E, lambda d: set_cell(d, "label_events.csv", 5, "date", ""),
                      [("value_required", "label_events.csv", None, 5, "date")]),
    "budget-in-words": (E, lambda d: set_cell(d, "action_years.csv", 4, "budget_planned", "cinq cents"),
                        [("amount_invalid", "action_years.csv", None, 4, "budget_planned")]),
    "budget-ambiguous": (E, lambda d: (_integer_amounts(d),
                                       set_cell(d, "action_years.csv", 4, "budget_spent", "1,234")),
                         [("number_ambiguous", "action_years.csv", None, 4, "budget_spent")]),
    "budget-negative": (E, lambda d: set_cell(d, "action_years.csv", 3, "budget_spent", "-500"),
                        [("amount_negative", "action_years.csv", None, 3, "budget_spent")]),
    "status-unknown": (E, lambda d: set_cell(d, "action_years.csv", 3, "status", "en attente"),
                       [("vocab_unknown", "action_years.csv", None, 3, "status")]),
    "event-unknown": (E, lambda d: set_cell(d, "label_events.csv", 2, "event", "remise du prix"),
                      [("vocab_unknown", "label_events.csv", None, 2, "event")]),
    "budget-kind-unknown": (E, lambda d: set_cell(d, "action_years.csv", 4, "budget_kind", "subvention"),
                            [("vocab_unknown", "action_years.csv", None, 4, "budget_kind")]),
    "public-unknown": (E, lambda d: set_cell(d, "actions.csv", 2, "public", "peut-être"),
                       [("bool_invalid", "actions.csv", None, 2, "public")]),
    "progress-out-of-range": (E, lambda d: set_cell(d, "action_years.csv", 3, "progress", "120"),
                              [("progress_out_of_range", "action_years.csv", None, 3, "progress")]),
    "progress-in-words": (E, lambda d: set_cell(d, "action_years.csv", 2, "progress", "la moitié"),
                          [("percent_invalid", "action_years.csv", None, 2, "progress")]),
    "year-two-digits": (E, lambda d: set_cell(d, "action_years.csv", 5, "year", "17"),
                        [("year_invalid", "action_years.csv", None, 5, "year")]),
    "int-in-words": (E, lambda d: set_cell(d, "labels.csv", 2, "renewal_years", "six ans"),
                     [("int_invalid", "labels.csv", None, 2, "renewal_years")]),
    "level-max-zero": (E, lambda d: set_cell(d, "labels.csv", 3, "level_max", "0"),
                       [("int_not_positive", "labels.csv", None, 3, "level_max")]),
    "indicator-in-words": (E, lambda d: set_cell(d, "actions.csv", 2, "indicator_target", "huit"),
                           [("number_invalid", "actions.csv", None, 2, "indicator_target")]),
    "title-required": (E, lambda d: set_cell(d, "actions.csv", 3, "title", "  "),
                       [("value_required", "actions.csv", None, 3, "title")]),
    "action-labels-empty": (E, lambda d: set_cell(d, "actions.csv", 2, "labels", " ; "),
                            [("value_required", "actions.csv", None, 2, "labels")]),
    # -- rules within a table
    "label-id-duplicate": (E, lambda d: append_row(d, "labels.csv", {"label_id": "ville-fleurie",
                                                                      "name": "Ville fleurie bis"}),
                           [("id_duplicate", "labels.csv", None, 4, "label_id")]),
    "action-id-duplicate": (E, lambda d: append_row(d, "actions.csv", {"action_id": "A01", "title": "Jardins partagés",
                                                                        "labels": "ville-fleurie", "public": "oui"}),
                            [("id_duplicate", "actions.csv", None, 4, "action_id")]),
    "label-id-format": (E, lambda d: append_row(d, "labels.csv", {"label_id": "Ville Internet",
                                                                   "name": "Ville Internet"}),
                        [("label_id_format", "labels.csv", None, 4, "label_id"),
                         ("label_no_event", "labels.csv", None, 4, "label_id")]),
    "action-year-duplicate": (E, lambda d: append_row(d, "action_years.csv", {"action_id": "A01", "year": "2017",
                                                                                "status": "done"}),
                              [("action_year_duplicate", "action_years.csv", None, 6, "year")]),
    # -- rules across tables
    "event-unknown-label": (E, lambda d: set_cell(d, "label_events.csv", 5, "label_id", "ville-internet"),
                            [("label_unknown", "label_events.csv", None, 5, "label_id")]),
    "action-unknown-label": (E, lambda d: set_cell(d, "actions.csv", 3, "labels", "ville-fleurie;ville-internet"),
                             [("label_unknown", "actions.csv", None, 3, "labels")]),
    "event-label-misspelt": (E, lambda d: set_cell(d, "label_events.csv", 3, "label_id", "ville-amie-enfants"),
                             [("label_unknown", "label_events.csv", None, 3, "label_id")]),
    "event-misspelt": (E, lambda d: set_cell(d, "label_events.csv", 3, "event", "renouvelement"),
                       [("vocab_unknown", "label_events.csv", None, 3, "event")]),
    "year-unknown-action": (E, lambda d: set_cell(d, "action_years.csv", 4, "action_id", "A99"),
                            [("action_unknown", "action_years.csv", None, 4, "action_id")]),
    "level-out-of-range": (E, lambda d: set_cell(d, "label_events.csv", 4, "level", "5"),
                           [("level_out_of_range", "label_events.csv", None, 4, "level")]),
    "level-without-scale": (E, lambda d: set_cell(d, "label_events.csv", 3, "level", "2"),
                            [("level_without_scale", "label_events.csv", None, 3, "level")]),
    "valid-until-before-from": (E, lambda d: set_cell(d, "label_events.csv", 3, "valid_until", "2012"),
                                [("valid_until_before_from", "label_events.csv", None, 3, "valid_until")]),
    "end-before-start": (E, lambda d: set_cell(d, "actions.csv", 3, "end_date", "2015"),
                         [("end_before_start", "actions.csv", None, 3, "end_date")]),
    "year-outside-action": (E, lambda d: append_row(d, "action_years.csv", {"action_id": "A02", "year": "2018",
                                                                              "status": "done"}),
                            [("year_outside_action", "action_years.csv", None, 6, "year")]),
    # -- texts
    "text-unknown-label": (E, lambda d: (d / "texts/2017/ville-internet.md").write_text("Texte.\n", "utf-8"),
                           [("text_label_unknown", "texts/2017/ville-internet.md", None, None, None)]),
    "text-year-invalid": (E, lambda d: shutil.move(d / "texts/2017", d / "texts/17"),
                          [("text_year_invalid", "texts/17", None, None, None)]),
    "text-raw-html": (E, lambda d: replace_text(d / "texts/2017/ville-amie-des-enfants.md", "- rénovation",
                                                '- <span style="color:red">rénovation</span>'),
                      [("text_raw_html", "texts/2017/ville-amie-des-enfants.md", None, 3, None)]),
    # -- town.yml
    "town-name-missing": (E, lambda d: _town(d, "name: Testville", "name: "),
                          [("value_required", "town.yml", None, 1, "name")]),
    "town-colour-invalid": (E, lambda d: _town(d, '"#1F5FA8"', "bleu"),
                            [("town_color_invalid", "town.yml", None, 9, "accent_color")]),
    "town-logo-missing": (E, lambda d: _town(d, 'logo: ""', "logo: logo.png"),
                          [("town_logo_missing", "town.yml", None, 7, "logo")]),
    "town-logo-format": (E, lambda d: ((d / "logo.gif").write_bytes(b"GIF89a"), _town(d, 'logo: ""', "logo: logo.gif")),
                         [("town_logo_format", "town.yml", None, 7, "logo")]),
    "town-lang-invalid": (E, lambda d: _town(d, "default_lang: fr", "default_lang: de"),
                          [("town_lang_invalid", "town.yml", None, 8, "default_lang")]),
    "town-insee-invalid": (E, lambda d: _town(d, 'insee_code: "02722"', "insee_code: 2722"),
                           [("town_insee_invalid", "town.yml", None, 2, "insee_code")]),
    "town-logo-outside": (E, lambda d: _town(d, 'logo: ""', "logo: ../logo.png"),
                          [("town_logo_outside", "town.yml", None, 7, "logo")]),
    "town-key-unknown": (E, lambda d: _town(d, "name: Testville", "name: Testville\nmaire: M. Dupont"),
                         [("town_key_unknown", "town.yml", None, 2, "maire")]),
    "town-yaml-invalid": (E, lambda d: _town(d, 'department: "Aisne (02)"', 'department: "Aisne (02)'),
                          [("town_yaml_invalid", "town.yml", None, 4, None)]),
    # -- the French Excel dialect (Windows-1252, ";", decimal comma, dd/mm/yyyy)
    "fr-excel-date-impossible": (E, _fr(lambda d: set_cell(d, "label_events.csv", 3, "date", "31/02/2017", True)),
                                 [("date_invalid", "label_events.csv", None, 3, "date")]),
    "fr-excel-budget-in-words": (E, _fr(lambda d: set_cell(d, "action_years.csv", 5, "budget_planned",
                                                           "cinq cents €", True)),
                                 [("amount_invalid", "action_years.csv", None, 5, "budget_planned")]),
    "fr-excel-status-unknown": (E, _fr(lambda d: set_cell(d, "action_years.csv", 2, "status", "Arrêtée", True)),
                                [("vocab_unknown", "action_years.csv", None, 2, "status")]),
    "fr-excel-missing-column": (E, _fr(lambda d: _drop_column(d, "actions.csv", "public", True)),
                                [("column_missing", "actions.csv", None, 1, "public")]),
    # -- the workbook
    "xlsx-sheet-missing": (E, _wb_no_sheet, [("sheet_missing", "donnees.xlsx", "action_years", None, None)]),
    "xlsx-date-impossible": (E, lambda d: edit_workbook(to_workbook(d), "label_events", "B3", "31/02/2017"),
                             [("date_invalid", "donnees.xlsx", "label_events", 3, "date")]),
    "xlsx-year-typed-in-date-cell": (E, lambda d: edit_workbook(to_workbook(d), "label_events", "B2",
                                                                dt.datetime(1899, 12, 30) + dt.timedelta(days=2008),
                                                                "DD/MM/YYYY"),
                                     [("date_excel_year", "donnees.xlsx", "label_events", 2, "date")]),
    "xlsx-number-ambiguous": (E, _wb_ambiguous,
                              [("number_ambiguous", "donnees.xlsx", "action_years", 3, "budget_spent")]),
    "xlsx-unknown-column": (E, lambda d: edit_workbook(to_workbook(d), "actions", "O1", "budget"),
                            [("column_unknown", "donnees.xlsx", "actions", 1, "budget")]),
    "xlsx-status-unknown": (E, lambda d: edit_workbook(to_workbook(d), "action_years", "C4", "Bloquée"),
                            [("vocab_unknown", "donnees.xlsx", "action_years", 4, "status")]),
    "xlsx-not-a-workbook": (E, lambda d: (to_workbook(d).write_bytes(b"ceci n'est pas un classeur")),
                            [("workbook_unreadable", "donnees.xlsx", None, None, None)]),
    "xlsx-and-csv": (E, _wb_csv_too, [("source_ambiguous", "donnees.xlsx", None, None, None)]),
    # -- more mistakes a clerk makes (each stops the build with its file, row, column and value)
    "csv-quote-unclosed": (E, lambda d: replace_text(d / "actions.csv", "A02,Fleurissement", 'A02,"Fleurissement'),
                           [("csv_quote_unclosed", "actions.csv", None, 3, None)]),
    "csv-quote-misplaced": (E, lambda d: replace_text(d / "actions.csv", "Plan « écoles 3.0 »",
                                                      '"Plan "écoles" 3.0"'),
                            [("csv_quote_unclosed", "actions.csv", None, 2, None)]),
    "date-two-digit-year": (E, lambda d: set_cell(d, "label_events.csv", 3, "date", "14/12/16"),
                            [("date_two_digit_year", "label_events.csv", None, 3, "date")]),
    "date-month-name-impossible": (E, lambda d: set_cell(d, "label_events.csv", 3, "date", "31 févr. 2017"),
                                   [("date_invalid", "label_events.csv", None, 3, "date")]),
    "public-cross": (E, lambda d: set_cell(d, "actions.csv", 2, "public", "X"),
                     [("bool_invalid", "actions.csv", None, 2, "public")]),
    "label-id-uppercase": (E, lambda d: _rename_label(d, "ville-fleurie", "Ville-Fleurie"),
                           [("label_id_format", "labels.csv", None, 3, "label_id")]),
    "town-yaml-tab": (E, lambda d: _town(d, 'insee_code: "02722"', '\tinsee_code: "02722"'),
                      [("town_yaml_tab", "town.yml", None, 2, None)]),
    "town-name-empty-quoted": (E, lambda d: _town(d, "name: Testville", 'name: ""'),
                               [("value_required", "town.yml", None, 1, "name")]),
    "xlsx-merged-cells": (E, _wb_edit(lambda b: b["actions"].merge_cells("E2:E3")),
                          [("merged_cells", "donnees.xlsx", "actions", 2, "axis")]),
    "xlsx-formula-without-value": (E, _wb_edit(lambda b: b["action_years"].__setitem__("E2", "=1000*500")),
                                   [("formula_without_value", "donnees.xlsx", "action_years", 2, "budget_planned")]),
    # -- warnings (no error)
    "label-without-event": (W, lambda d: append_row(d, "labels.csv", {"label_id": "ville-internet",
                                                                       "name": "Ville Internet"}),
                            [("label_no_event", "labels.csv", None, 4, "label_id")]),
    "level-empty": (W, lambda d: set_cell(d, "label_events.csv", 4, "level", ""),
                    [("level_empty", "label_events.csv", None, 4, "level")]),
    "action-without-budget": (W, lambda d: (set_cell(d, "action_years.csv", 3, "budget_planned", ""),
                                            set_cell(d, "action_years.csv", 3, "budget_spent", "")),
                              [("action_no_budget", "action_years.csv", None, 3, "budget_planned")]),
    "status-not-updated": (W, lambda d: write_rows(d / "action_years.csv", read_rows(d / "action_years.csv")[:2]
                                                   + read_rows(d / "action_years.csv")[3:]),
                           [("action_not_updated", "action_years.csv", None, 2, "year")]),
    "renewal-not-planned": (W, lambda d: set_cell(d, "label_events.csv", 5, "date", "2017-05-15"),
                            [("label_renewal_not_planned", "label_events.csv", None, 4, "valid_until")]),
    "file-unknown": (W, lambda d: (d / "budget.csv").write_text("a,b\n1,2\n", "utf-8"),
                     [("file_unknown", "budget.csv", None, None, None)]),
}


def issues_for(folder: Path) -> list[Issue]:
    return check(folder, year=YEAR)


def build(name: str) -> list[str]:
    kind, mutate, expected = CASES[name]
    folder = (BROKEN if kind == E else WARNINGS) / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(BASE, folder)
    mutate(folder)
    issues = issues_for(folder)
    found = {(i.code, i.file, i.sheet, i.row, i.column) for i in issues}
    missing = [e for e in expected if e not in found]
    assert not missing, f"{name}: expected {missing}, found {sorted(found, key=str)}"
    extra = [i for i in issues if (i.code, i.file, i.sheet, i.row, i.column) not in expected]
    assert not extra, f"{name}: unexpected {extra}"
    errors = [i for i in issues if i.severity == "error"]
    assert bool(errors) == (kind == E), f"{name}: errors {errors}"
    lines = [issue_line(i) for i in issues]
    (folder / "expected.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return lines


def main(names: list[str]) -> None:
    for name in names or CASES:
        for line in build(name):
            print(f"{name}: {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
