"""The data-entry workbook staff fill in (``labels-report template``).

A "Notice" sheet says where to save the workbook and how to check it and build
the report, and explains every sheet and column; then one sheet per table
(header bold, frozen and filtered; drop-down lists for the vocabularies and
for the identifiers of other sheets; date and amount formats), a town sheet of
key/value rows and a sheet for the texts. The French workbook (the default)
names its sheets and columns in French (``Événements``, ``date de début``); the
English one as the contract does (``label_events``, ``start_date``): the reader
accepts both. Saved as one ``.xlsx`` in a town's data folder, it is read by
:func:`labels_report.data.load.load_dataset` instead of the CSV files and
``town.yml``.
"""

from __future__ import annotations

from pathlib import Path

from labels_report.core.i18n import catalogue
from labels_report.data.contract import (
    FRAMING_TEXTS,
    TABLES,
    TEXTS,
    TEXTS_SHEET,
    TEXTS_SHEET_FR,
    TOWN_KEYS,
    TOWN_SHEET,
    TOWN_SHEET_FR,
    TOWN_YEAR_KEYS,
    VOCABULARIES,
    Column,
    Table,
)

ROWS = 1000
"""Rows prepared with drop-down lists below the header."""

NUMBER_FORMATS = {
    "date": "DD/MM/YYYY",
    "amount": '#,##0.00\\ "€"',
    "number": "General",
    "percent": "0",
    "int": "0",
    "year": "0",
}
"""Excel number format codes (stored locale-neutral; French Excel shows ``500 000,00 €``)."""


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _id_range(table: str, lang: str) -> str:
    """``'Labels'!$A$2:$A$1001``: the identifier column of ``table``, for a drop-down list."""
    target = TABLES[table]
    letter = _letter(target.column_names.index(target.key[0]))
    return f"'{target.sheet_name(lang)}'!${letter}$2:${letter}${ROWS + 1}"


def _town_sheet_name(lang: str) -> str:
    return TOWN_SHEET_FR if lang == "fr" else TOWN_SHEET


def _texts_sheet_name(lang: str) -> str:
    return TEXTS_SHEET_FR if lang == "fr" else TEXTS_SHEET


def _format_text(column: Column, lang: str) -> str:
    cat = catalogue(lang)
    if column.kind == "vocab":
        return cat.text("contract.kind.vocab", words=", ".join(VOCABULARIES[column.vocab or ""].shown(lang)))
    return cat.text(f"contract.kind.{column.kind}")


def _table_sheet(book, table: Table, lang: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    cat = catalogue(lang)
    ws = book.create_sheet(table.sheet_name(lang))
    ws.append(list(table.headers(lang)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    last = _letter(len(table.columns) - 1)
    ws.auto_filter.ref = f"A1:{last}{ROWS + 1}"
    for index, column in enumerate(table.columns):
        letter = _letter(index)
        ws.column_dimensions[letter].width = max(14, min(40, len(column.example) + 4))
        if column.kind in NUMBER_FORMATS:
            ws.column_dimensions[letter].number_format = NUMBER_FORMATS[column.kind]
        else:
            # text columns stay text: Excel must not turn '2014-05' or '02722' into something else
            ws.column_dimensions[letter].number_format = "@"
        cells = f"{letter}2:{letter}{ROWS + 1}"
        words: tuple[str, ...] = ()
        if column.kind == "vocab":
            words = VOCABULARIES[column.vocab or ""].shown(lang)
        elif column.kind == "bool":
            words = (cat.text("template.yes"), cat.text("template.no"))
        if words:
            rule = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle=cat.text("template.validation.title"),
                                  error=cat.text("template.validation.list"))
        elif column.ref:
            # a list of identifiers is typed "a; b": the drop-down helps, but other text is allowed
            rule = DataValidation(type="list", formula1=_id_range(column.ref, lang), allow_blank=True,
                                  showErrorMessage=column.kind != "list",
                                  errorStyle="stop" if column.kind != "list" else "information",
                                  errorTitle=cat.text("template.validation.title"),
                                  error=cat.text("template.validation.ref", sheet=TABLES[column.ref].sheet_name(lang)))
        else:
            continue
        rule.add(cells)
        ws.add_data_validation(rule)


def _town_sheet(book, lang: str) -> None:
    from openpyxl.styles import Font

    cat = catalogue(lang)
    ws = book.create_sheet(_town_sheet_name(lang))
    ws.append([cat.text("template.town.key"), cat.text("template.town.value"), cat.text("template.town.description")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for key in TOWN_KEYS.values():
        example = f" ({key.example})" if key.example else ""
        ws.append([key.key(lang), None, cat.text(f"contract.town.{key.name}") + example])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["B"].number_format = "@"  # 02722 keeps its zero
    ws.column_dimensions["C"].width = 70


def _notice_sheet(ws, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    cat = catalogue(lang)
    ws.title = cat.text("template.notice.sheet_name")
    ws.append([cat.text("template.notice.title")])
    ws["A1"].font = Font(bold=True, size=14)
    for line in cat.text("template.notice.intro").splitlines():
        ws.append([line])
    header = [cat.text(f"template.notice.{key}") for key in ("column", "content", "format", "example", "required")]
    yes, no = cat.text("template.yes"), cat.text("template.no")

    def section(sheet: str, description: str) -> None:
        """A sheet's part of the Notice: its name, what it holds, the header of its rows."""
        ws.append([])
        ws.append([cat.text("template.notice.sheet", sheet=sheet)])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        ws.append([description])
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)

    for table in TABLES.values():
        section(table.sheet_name(lang), cat.text(f"contract.table.{table.name}"))
        for column in table.columns:
            ws.append([column.header(lang), cat.text(f"contract.column.{table.name}.{column.name}"),
                       _format_text(column, lang), column.example, yes if column.required else no])
    section(_town_sheet_name(lang), cat.text("contract.table.town"))
    for key in TOWN_KEYS.values():
        ws.append([key.key(lang), cat.text(f"contract.town.{key.name}"), cat.text("contract.kind.text"), key.example,
                   yes if key.required else no])
    for key in TOWN_YEAR_KEYS.values():  # one row per report year: date du conseil 2017, délibération 2017
        year = cat.text("template.town.year")
        ws.append([f"{key.key(lang)} {year}" if lang == "fr" else f"{key.name}_{year}",
                   cat.text(f"contract.town.{key.name}"), cat.text("contract.kind.text"),
                   cat.text(f"template.town.example.{key.name}"), no])
    section(_texts_sheet_name(lang), cat.text("contract.table.texts"))
    for column in TEXTS.columns:
        ws.append([column.header(lang), cat.text(f"contract.column.texts.{column.name}"), _format_text(column, lang),
                   column.example, yes if column.required else no])
    for letter, width in zip("ABCDE", (20, 70, 45, 30, 12), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _texts_sheet(book, lang: str) -> None:
    """The sheet where a clerk types the services' narratives and the framing texts, one per row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    cat = catalogue(lang)
    ws = book.create_sheet(_texts_sheet_name(lang))
    ws.append(list(TEXTS.headers(lang)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCD", (10, 28, 28, 100), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].number_format = "0"
    for letter in "BCD":
        ws.column_dimensions[letter].number_format = "@"
    ws.column_dimensions["D"].alignment = Alignment(wrap_text=True, vertical="top")
    # The sections, or any label of the labels sheet (another value is allowed and checked on reading).
    sections = ",".join(name.lstrip("_") for name in FRAMING_TEXTS)
    rule = DataValidation(type="list", formula1=f'"{sections}"', allow_blank=True, showErrorMessage=False,
                          errorTitle=cat.text("template.validation.title"))
    rule.add(f"B2:B{ROWS + 1}")
    ws.add_data_validation(rule)


def write_template(path: Path | str, lang: str = "fr") -> Path:
    """Write the empty data-entry workbook to ``path`` (``.xlsx``) and return the path."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    _notice_sheet(book.active, lang)
    for table in TABLES.values():
        _table_sheet(book, table, lang)
    _town_sheet(book, lang)
    _texts_sheet(book, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
