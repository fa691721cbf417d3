"""Warnings about the data that depend on the report's year.

They are not errors: the report can be built, but the council would read a
figure that is probably incomplete. The warnings that need no year (a label
with no event, a level left empty) are found by :func:`labels_report.load.load_dataset`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from labels_report.errors import Issue
from labels_report.model import Dataset
from labels_report.params import ReportParams
from labels_report.status import events_of, status_on

ENDED_STATUSES = ("done", "abandoned")
PLANNED_NEXT_STEPS = ("renewed", "applied", "jury_visit")
"""Events that show a renewal is under way."""


def clerk_date(value: dt.date, precision: str) -> str:
    """A date written the way the contract asks clerks to type it (``14/12/2016``, ``12/2016``, ``2016``)."""
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return f"{value.month:02d}/{value.year}"
    return value.strftime("%d/%m/%Y")


def _warning(code: str, row: pd.Series, column: str, value: str, **params: object) -> Issue:
    return Issue("warning", code, str(row["_file"]), row["_sheet"] or None, int(row["_row"]), column, value, params)


def data_warnings(dataset: Dataset, *, year: int, as_of: dt.date, horizon_months: int) -> list[Issue]:
    """The warnings for a report on ``year`` as of ``as_of`` looking ``horizon_months`` ahead."""
    horizon_end = ReportParams(year, as_of=as_of, horizon_months=horizon_months).horizon_end
    return [
        *_actions_without_budget(dataset, year),
        *_statuses_not_updated(dataset, year),
        *_renewals_not_planned(dataset, as_of, horizon_end, horizon_months),
    ]


def _actions_without_budget(dataset: Dataset, year: int) -> list[Issue]:
    years = dataset.action_years
    rows = years[(years["year"] == year) & years["budget_planned"].isna() & years["budget_spent"].isna()
                 & (years["status"] != "abandoned")]
    return [_warning("action_no_budget", row, "budget_planned", "", action=row["action_id"], year=year)
            for _, row in rows.iterrows()]


def _statuses_not_updated(dataset: Dataset, year: int) -> list[Issue]:
    """Actions followed in earlier years, not ended, and with no row for ``year``."""
    warnings: list[Issue] = []
    years = dataset.action_years.dropna(subset=["year"])
    first_day = dt.date(year, 1, 1)
    for _, action in dataset.actions.iterrows():
        mine = years[years["action_id"] == action["action_id"]].sort_values(["year", "_row"], kind="stable")
        earlier = mine[mine["year"] < year]
        if earlier.empty or (mine["year"] == year).any():
            continue
        last = earlier.iloc[-1]
        ended = action["end_date"] is not None and action["end_date"] < first_day
        if ended or last["status"] in ENDED_STATUSES:
            continue
        warnings.append(_warning("action_not_updated", last, "year", str(int(last["year"])),
                                 action=action["action_id"], year=year))
    return warnings


def _renewals_not_planned(dataset: Dataset, as_of: dt.date, horizon_end: dt.date, months: int) -> list[Issue]:
    """Labels whose validity ends within the horizon with no next step in the data."""
    warnings: list[Issue] = []
    events = dataset.events
    for label_id in dataset.labels["label_id"]:
        status = status_on(label_id, events, as_of)
        until = status.valid_until
        if not status.held or until.value is None or not as_of < until.value <= horizon_end:
            continue
        mine = events_of(events, label_id)
        if (mine["event"].isin(PLANNED_NEXT_STEPS) & (mine["date"] > as_of)).any():
            continue
        source = mine[(mine["date"] <= as_of) & (mine["valid_until"] == until.value)]
        row = source.iloc[-1] if not source.empty else mine.iloc[-1]
        warnings.append(_warning("label_renewal_not_planned", row, "valid_until",
                                 clerk_date(until.value, until.precision),
                                 label=label_id, as_of=clerk_date(as_of, "day"), months=months))
    return warnings
