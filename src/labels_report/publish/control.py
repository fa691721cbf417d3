"""``controle-donnees.xlsx``: the staff's row-by-row list of what the checks found in the data.

The council's report tells data quality grouped by kind of problem, in plain
words; the staff who correct the data need every row: file (and sheet), row
as their spreadsheet shows it, column, value, and what was expected. The file
is written beside the editions of a year (``<out>/<town>/<year>/``), never in
an edition's folder: it names files and columns, and is not for the public.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.core.files import write_atomically
from labels_report.core.i18n import catalogue
from labels_report.data.issues import COLUMNS, headers, issues_frame

CONTROL_FILE = "controle-donnees.xlsx"
WIDTHS = {"severity": 14, "file": 24, "row": 8, "column": 18, "value": 30, "problem": 90}


def control_workbook(issues: Sequence[Issue], lang: str, title: str) -> bytes:
    """The workbook's bytes: a title line, then one row per issue under localised headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    cat = catalogue(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = cat.text("control.sheet")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([cat.text("control.intro") if issues else cat.text("control.none")])
    sheet.append([])
    sheet.append(headers(lang))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A5"
    frame = issues_frame(issues, lang)
    for values in frame.itertuples(index=False):
        sheet.append([None] * len(COLUMNS))
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(sheet.max_row, index)
            if index == COLUMNS.index("row") + 1:
                cell.value = None if pd.isna(value) else int(value)
            else:
                # Text stays text: a value typed "=..." in the data must not become a formula.
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
    book.properties.creator = "labels-report"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_control(issues: Sequence[Issue], lang: str, title: str, folder: Path) -> Path:
    """Write ``folder/controle-donnees.xlsx`` (replacing an earlier one whole) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_atomically(folder / CONTROL_FILE, control_workbook(issues, lang, title))
