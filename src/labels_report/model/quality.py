"""Warnings about the data that depend on the report's year, and the whole check of a folder.

They are not errors: the report can be built, but the council would read a
figure that is probably incomplete. The warnings that need no year (a label
with no event, a level left empty) are found when the data are loaded
(:mod:`labels_report.data.checks`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from labels_report.core.dates import add_months, clerk, year_end, year_start
from labels_report.core.errors import Issue
from labels_report.data.dataset import Dataset
from labels_report.data.load import load
from labels_report.data.vocabulary import ActionStatus, Event
from labels_report.model.status import events_of, status_on

ENDED_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)
PLANNED_NEXT_STEPS = (Event.RENEWED, Event.APPLIED, Event.JURY_VISIT)
"""Events that show a renewal is under way."""


def check(data_dir: Path | str, *, year: int | None = None, as_of: dt.date | None = None,
          horizon_months: int = 24, lang: str = "fr") -> list[Issue]:
    """Every error and warning about ``data_dir``, errors first; never raises for data problems.

    The warnings that depend on a year (budgets, statuses not updated, renewals
    due) are computed when the data hold no error, for ``year`` (by default the
    year of ``as_of``, else the latest year the data speak of), on ``as_of``
    (by default 31 December of ``year``).
    """
    dataset, issues = load(Path(data_dir), lang)
    if dataset is not None:
        if year is None:
            years = dataset.years()
            year = as_of.year if as_of else (years[-1] if years else None)
        if year is not None:
            as_of = as_of or year_end(year)
            issues = [*issues, *data_warnings(dataset, year=year, as_of=as_of, horizon_months=horizon_months)]
    return sorted(issues, key=Issue.sort_key)


def _warning(code: str, row: pd.Series, column: str, value: str, **params: object) -> Issue:
    return Issue("warning", code, str(row["_file"]), row["_sheet"] or None, int(row["_row"]), column, value, params)


def data_warnings(dataset: Dataset, *, year: int, as_of: dt.date, horizon_months: int) -> list[Issue]:
    """The warnings for a report on ``year`` as of ``as_of`` looking ``horizon_months`` ahead."""
    horizon_end = add_months(as_of, horizon_months)
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
    years = dataset.action_years.dropna(subset=["year"]).sort_values(["year", "_row"], kind="stable")
    last_before = years[years["year"] < year].groupby("action_id", sort=False).tail(1).set_index("action_id")
    this_year = set(years.loc[years["year"] == year, "action_id"])
    first_day = year_start(year)
    for _, action in dataset.actions.iterrows():
        action_id = action["action_id"]
        if action_id not in last_before.index or action_id in this_year:
            continue
        last = last_before.loc[action_id]
        ended = action["end_date"] is not None and action["end_date"] < first_day
        if ended or last["status"] in ENDED_STATUSES:
            continue
        warnings.append(_warning("action_not_updated", last, "year", str(int(last["year"])),
                                 action=action_id, year=year))
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
                                 clerk(until.value, until.precision),
                                 label=label_id, as_of=clerk(as_of), months=months))
    return warnings
