"""What the chapter notebooks call: one function, the notebook's parameters in.

The data set is loaded once per kernel and reused while its files are
unchanged, so chapters run in one kernel do not read and validate it again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from labels_report.chapters import render_chapter
from labels_report.model import Dataset
from labels_report.params import ReportParams, parse_as_of
from labels_report.report import Report

_CACHE: dict[tuple, Dataset] = {}


def _fingerprint(data_dir: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in data_dir.rglob("*") if p.is_file()))


def cached_dataset(data_dir: str | Path) -> Dataset:
    """The validated data set of ``data_dir`` (raises `DataError` on bad data)."""
    from labels_report.load import load_dataset

    folder = Path(data_dir).resolve()
    key = (str(folder), _fingerprint(folder))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_dataset(folder)
    return _CACHE[key]


def open_report(*, data_dir: str, year: int, edition: str = "conseil", lang: str = "fr", as_of: str = "",
                horizon_months: int = 24) -> Report:
    params = ReportParams(year=int(year), edition=edition, lang=lang, as_of=parse_as_of(as_of),
                          horizon_months=int(horizon_months))
    return Report.from_dataset(cached_dataset(data_dir), params)


def chapter_markdown(name: str, *, data_dir: str, year: int, edition: str = "conseil", lang: str = "fr",
                     as_of: str = "", horizon_months: int = 24, output_dir: str = "") -> str:
    report = open_report(data_dir=data_dir, year=year, edition=edition, lang=lang, as_of=as_of,
                         horizon_months=horizon_months)
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="labels-report-"))
    return render_chapter(name, report, out)


def show_chapter(name: str, **parameters) -> None:
    """Display chapter ``name`` as Markdown (the notebook's only output)."""
    from IPython.display import Markdown, display

    display(Markdown(chapter_markdown(name, **parameters)))
