"""What the chapter notebooks call: one function, the notebook's parameters in.

The report is computed once per kernel and set of parameters
(:func:`labels_report.model.compute.report_for`) and reused by every chapter;
the publishing step may hand over the report it already computed
(:func:`labels_report.model.compute.prime`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from labels_report.chapters import charts
from labels_report.chapters.markdown import Md
from labels_report.chapters.narrative import safe_markdown
from labels_report.chapters.registry import render_chapter
from labels_report.core.i18n import LOCALES, catalogue
from labels_report.model.compute import ComputedReport, report_for
from labels_report.model.params import ReportParams, parse_as_of


def warm_up(fonts: str | None = None) -> None:
    """Load now what the first chapter would otherwise wait for: the message catalogues and
    their locale data, the fonts (``fonts``: the project's ``report/fonts/``), matplotlib's
    drawing machinery and Pandoc. Called by a kernel while the data are being read."""
    if fonts:
        charts.use_fonts(fonts)
    for lang in LOCALES:
        cat = catalogue(lang)
        cat.date(dt.date(2000, 1, 2))
        cat.money(1.5)
        cat.plural("unit.fleur", 2)
    charts.warm_up()
    safe_markdown("*warm-up*")


def open_report(*, data_dir: str, year: int, edition: str = "conseil", lang: str = "fr", as_of: str = "",
                horizon_months: int = 24) -> ComputedReport:
    """The computed report for a notebook's parameters."""
    params = ReportParams(year=int(year), edition=edition, lang=lang, as_of=parse_as_of(as_of),
                          horizon_months=int(horizon_months))
    return report_for(data_dir, params)


def chapter_markdown(name: str, *, data_dir: str, year: int, edition: str = "conseil", lang: str = "fr",
                     as_of: str = "", horizon_months: int = 24, output_dir: str = "") -> Md:
    """Chapter ``name`` as Pandoc Markdown; its figures go to ``output_dir/figures``."""
    computed = open_report(data_dir=data_dir, year=year, edition=edition, lang=lang, as_of=as_of,
                           horizon_months=horizon_months)
    out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="labels-report-"))
    return render_chapter(name, computed, out)


def show_chapter(name: str, **parameters: object) -> None:
    """Display chapter ``name`` as Markdown (the notebook's only output)."""
    from IPython.display import Markdown, display

    display(Markdown(chapter_markdown(name, **parameters)))  # type: ignore[arg-type]
