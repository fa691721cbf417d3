"""A chapter's title, found from its notebook's name, for whoever follows a build.

``notebooks/02-labels.ipynb`` is the chapter ``labels`` (the name its notebook
calls, :data:`~labels_report.chapters.registry.CHAPTERS`), titled "Les labels"
in French (``chapter.labels`` in the report's catalogue). Kept apart from the
registry: the process that follows a build needs the titles, not the chapters.
"""

from __future__ import annotations

import re
from pathlib import Path

from labels_report.core.i18n import catalogue


def chapter_name(notebook: Path | str) -> str:
    """``notebooks/05-year-over-year.ipynb`` -> ``year_over_year``."""
    return re.sub(r"^\d+[-_ ]*", "", Path(notebook).stem).replace("-", "_")


def chapter_title(notebook: Path | str, lang: str) -> str:
    """The chapter's title in ``lang`` ("Les labels"), or the notebook's name for a chapter the
    catalogue has no title for."""
    cat = catalogue(lang)
    key = f"chapter.{chapter_name(notebook)}"
    return cat.text(key) if cat.has(key) else Path(notebook).stem
