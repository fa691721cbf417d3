"""The chapters, by the name their notebook calls them: adding a chapter is adding an entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from labels_report.chapters.actions import actions
from labels_report.chapters.annexes import annexes
from labels_report.chapters.base import Chapter
from labels_report.chapters.calendar import calendar
from labels_report.chapters.labels import labels
from labels_report.chapters.markdown import Md
from labels_report.chapters.summary import summary
from labels_report.chapters.year_over_year import year_over_year
from labels_report.model.compute import ComputedReport

CHAPTERS: dict[str, Callable[[Chapter], Md]] = {
    "summary": summary,
    "labels": labels,
    "calendar": calendar,
    "actions": actions,
    "year_over_year": year_over_year,
    "annexes": annexes,
}
"""Registry of chapters, by the name their notebook calls."""


SHORT_CHAPTER = 1200
"""Characters of text under which a chapter with no table and no figure is short: in the PDF it
follows the previous chapter on the same page rather than opening a page of its own."""
_FIRST_HEADING = re.compile(r"^(# .*?) \{#([^}\s]+)\}$", re.MULTILINE)


def render_chapter(name: str, computed: ComputedReport, output_dir: Path) -> Md:
    """Chapter ``name`` of ``computed`` as Pandoc Markdown; its figures are written under ``output_dir/figures``.
    A chapter with little to say gets the class ``.short`` on its heading (see :data:`SHORT_CHAPTER`)."""
    if name not in CHAPTERS:
        raise KeyError(f"no chapter {name!r}; the chapters are {', '.join(CHAPTERS)}")
    markdown = CHAPTERS[name](Chapter(computed, output_dir))
    if is_short(markdown):
        markdown = Md(_FIRST_HEADING.sub(r"\1 {#\2 .short}", markdown, count=1))
    return markdown


def is_short(markdown: str) -> bool:
    """No table, no figure, and a few paragraphs at most."""
    return "\nTable: " not in markdown and "![" not in markdown and len(markdown) < SHORT_CHAPTER
