"""Which year a report is about, when none is given, and which years have nothing to report.

A year **has data** when the data hold an action followed that year (a row of
``action_years`` for it) or a label event dated in it. A year is **complete**
once it has ended: before 1 January of the year of ``today``. Without a year,
``build`` and ``check`` take the last complete year that has data; a year with
no data at all (no label event up to its end, no action followed in it) is
refused rather than published as an empty report. A later year whose labels
are known from earlier events is a report of their status, and is built.
"""

from __future__ import annotations

import datetime as dt

from labels_report.core.dates import year_end
from labels_report.core.errors import ParameterError
from labels_report.data.dataset import Dataset


def report_year(dataset: Dataset, today: dt.date) -> int:
    """The last year that has ended before ``today`` and has data; a :class:`ParameterError`
    when there is none."""
    ended = [year for year in dataset.years() if year < today.year]
    if not ended:
        raise ParameterError("no_year_with_data", year=today.year)
    return ended[-1]


def has_data(dataset: Dataset, year: int) -> bool:
    """There is something to report for ``year``: a label event up to its end, or an action
    followed in it."""
    last_day = year_end(year)
    if any(isinstance(day, dt.date) and day <= last_day for day in dataset.events["date"]):
        return True
    return bool((dataset.action_years["year"] == year).fillna(False).any())


def require_data(dataset: Dataset, year: int) -> None:
    """Refuse, with a sentence that says what the data cover, a year with no data at all."""
    if has_data(dataset, year):
        return
    years = dataset.years()
    if not years:
        raise ParameterError("year_without_any_data", year=year)
    raise ParameterError("year_without_data", year=year, first=years[0], last=years[-1])
