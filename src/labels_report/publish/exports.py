"""The tables behind the report, as files: CSV (UTF-8) in ``donnees/`` and one workbook.

The tables are those the chapters show (:mod:`labels_report.model.tables`), from
the same computed report: a figure of the report and its CSV cannot differ.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

SHEET_NAME_LIMIT = 31  # Excel's limit
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def for_file(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole amounts written without a decimal point (``500000``, not ``500000.0``)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_float_dtype(series.dtype):
            known = series.dropna()
            if len(known) and (known == known.round()).all():
                out[column] = series.round().astype("Int64")
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV cell as a formula (OWASP, "CSV injection")."""


def inert(value: object) -> object:
    """A text cell a spreadsheet would evaluate, made plain text with a leading apostrophe, as
    OWASP recommends (``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``); the report itself shows
    the text as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a CSV file holds it: whole amounts without ".0", and no live formula."""
    out = for_file(frame)
    for column in out.columns:
        series = out[column]
        live = series.map(lambda value: isinstance(value, str) and value.startswith(FORMULA_STARTS)).astype(bool)
        if live.any():  # only then: a column of numbers keeps its type
            series = series.astype(object)
            series[live] = series[live].map(inert)
            out[column] = series
    return out


def write_exports(tables: Mapping[str, pd.DataFrame], folder: Path, workbook_name: str) -> list[Path]:
    """Write each table as ``folder/<name>.csv`` and all of them as sheets of ``workbook_name``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        for_csv(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    workbook = folder / workbook_name
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, frame in tables.items():
            sheet = name[:SHEET_NAME_LIMIT]
            suffix = 2
            while sheet in used:
                sheet = f"{name[:SHEET_NAME_LIMIT - 3]}-{suffix}"
                suffix += 1
            used.add(sheet)
            for_file(frame).to_excel(writer, sheet_name=sheet, index=False)
            # A data string starting with "=" stays text: no formula from the data.
            for row in writer.sheets[sheet].iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
        writer.book.properties.creator = "labels-report"
    _reproducible(workbook)
    written.append(workbook)
    return written


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds: the date stamped in every file)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _stamp() -> dt.datetime:
    """The workbook's date: ``SOURCE_DATE_EPOCH`` when set, else a fixed one."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(*ZIP_EPOCH)


def _reproducible(path: Path) -> None:
    """Same tables, same bytes: openpyxl stamps the save time in the properties and in
    every zip entry; both are replaced by :func:`_stamp`."""
    stamp = _stamp()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{iso}\g<3>", text)
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=max(ZIP_EPOCH, stamp.timetuple()[:6]))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
