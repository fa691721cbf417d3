"""Dates as the data hold them and as people read them.

A date the clerk knows only to the month (``2014-05``) or to the year
(``2014``) is stored as one day, its first or its last depending on what it
bounds, with its :class:`DatePrecision`; it is written back no finer than it is
known. Month arithmetic is :mod:`dateutil.relativedelta`'s: adding a month to
31 January gives the last day of February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from dateutil.relativedelta import relativedelta

from labels_report.core.vocab import StrEnum


FIRST_YEAR, LAST_YEAR = 1900, 2199
"""The years a report may speak of: a date typed outside them (``9999`` for "no end") is a mistake."""


class DatePrecision(StrEnum):
    """How finely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


Bound = Literal["start", "end"]
"""A partial date stands for its first day (``start``) or its last day (``end``)."""


def precision_of(value: object) -> DatePrecision:
    """The precision recorded beside a date (``""`` or missing: the day)."""
    try:
        return DatePrecision(str(value)) if value else DatePrecision.DAY
    except ValueError:
        return DatePrecision.DAY


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def add_months(value: dt.date, months: int) -> dt.date:
    """``value`` plus ``months`` months, on the same day or the month's last day when it has no such day."""
    return value + relativedelta(months=months)


def partial_date(year: int, month: int | None, bound: Bound) -> dt.date:
    """The day a date known to the year or the month stands for: its first day for a
    ``start``, its last day for an ``end``."""
    if month is None:
        return year_start(year) if bound == "start" else year_end(year)
    return dt.date(year, month, 1) if bound == "start" else last_day_of_month(year, month)


def period_end(value: dt.date, precision: str) -> dt.date:
    """The last day a date covers: 31 December for ``2020``, 31 May for ``2020-05``."""
    if precision == DatePrecision.YEAR:
        return year_end(value.year)
    if precision == DatePrecision.MONTH:
        return last_day_of_month(value.year, value.month)
    return value


def iso(value: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """``2016-12-14``, ``2016-12`` or ``2016``: a date written no finer than it is known; "" for none."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def parse_iso(text: str) -> tuple[dt.date | None, str]:
    """Undo :func:`iso`: ``"2014"`` -> (1 January 2014, ``year``); "" -> (None, "")."""
    if not text:
        return None, ""
    if len(text) == 4:
        return year_start(int(text)), DatePrecision.YEAR
    if len(text) == 7:
        return dt.date(int(text[:4]), int(text[5:7]), 1), DatePrecision.MONTH
    return dt.date.fromisoformat(text), DatePrecision.DAY


def clerk(value: dt.date, precision: str = DatePrecision.DAY) -> str:
    """A date the way clerks are asked to type it: ``14/12/2016``, ``12/2016``, ``2016``."""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return f"{value.month:02d}/{value.year}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def is_date(value: object) -> bool:
    """A real date (not ``None``, ``NaN`` or ``NaT``)."""
    return isinstance(value, dt.date)
