"""Warnings about the data that depend on the report's year, and the whole check of a folder.

They are not errors: the report can be built, but the council would read a
figure that is probably incomplete. The warnings that need no year (a label
with no event, a level left empty) are found when the data are loaded
(:mod:`labels_report.data.checks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from labels_report.core.dates import add_months, clerk, year_end, year_start
from labels_report.core.errors import Issue, ParameterError
from labels_report.data.dataset import Dataset
from labels_report.data.issues import as_typed
from labels_report.data.load import load
from labels_report.data.vocabulary import ActionStatus, Event
from labels_report.model.known import known_on
from labels_report.model.params import ReportParams
from labels_report.model.status import histories, status_on
from labels_report.model.years import report_year, require_data

ENDED_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)
PLANNED_NEXT_STEPS = (Event.RENEWED, Event.APPLIED, Event.JURY_VISIT)
"""Events that show a renewal is under way."""


def check(data_dir: Path | str, *, year: int | None = None, as_of: dt.date | None = None,
          horizon_months: int = 24, lang: str = "fr", today: dt.date | None = None) -> list[Issue]:
    """Every error and warning about ``data_dir``, errors first; never raises for data problems.

    The warnings that depend on a year (budgets, statuses not updated, renewals
    due) are computed when the data hold no error, for ``year`` (by default the
    year of ``as_of``, else the year ``build`` would choose: the last year that
    has ended before ``today`` and has data, see :mod:`labels_report.model.years`),
    on ``as_of`` (by default 31 December of ``year``).
    """
    return check_report(data_dir, year=year, as_of=as_of, horizon_months=horizon_months, lang=lang,
                        today=today, strict=False).issues


@dataclass(frozen=True)
class Checked:
    """What ``labels-report check`` says: every issue, and the year the year's warnings are for."""

    issues: list[Issue]
    year: int | None
    """None when the data hold errors, or (not strict) when no year could be chosen."""
    chosen: bool = False
    """The year was chosen, none being given (the last complete year that has data)."""
    dataset: Dataset | None = None
    """The data as read, when they hold no error."""


def check_report(data_dir: Path | str, *, year: int | None = None, as_of: dt.date | None = None,
                 horizon_months: int = 24, lang: str = "fr", today: dt.date | None = None,
                 strict: bool = True) -> Checked:
    """Like :func:`check`, and the year it checked. ``strict``: a year ``build`` would refuse (one
    with no data at all, or none given and no complete year with data) raises the same
    :class:`ParameterError` ``build`` raises, when the data hold no error."""
    if year is not None:  # the parameters a build would refuse are refused here the same way
        ReportParams(year=int(year), as_of=as_of, horizon_months=horizon_months)
    dataset, issues = load(Path(data_dir), lang)
    if dataset is None:
        return Checked(sorted(issues, key=Issue.sort_key), None)
    chosen = False
    if year is None and as_of is not None:
        year = as_of.year
    elif year is None:
        try:
            year, chosen = report_year(dataset, today or dt.date.today()), True
        except ParameterError:
            if strict:
                raise
    elif strict:
        require_data(dataset, int(year))
    if year is not None:
        issues = [*issues, *year_warnings(dataset, year=int(year), as_of=as_of or year_end(int(year)),
                                          horizon_months=horizon_months)]
    return Checked(sorted(issues, key=Issue.sort_key), year, chosen, dataset)


def year_warnings(dataset: Dataset, *, year: int, as_of: dt.date, horizon_months: int) -> list[Issue]:
    """The warnings the report of ``year`` will carry, on the data as known on ``as_of``, each
    column named as the clerk's file names it."""
    known = known_on(dataset, as_of, year)
    return as_typed(data_warnings(known, year=year, as_of=as_of, horizon_months=horizon_months), dataset.headers)


def warning_count(dataset: Dataset, params: ReportParams) -> int:
    """How many warnings ``labels-report check --year`` lists for the report of ``params``."""
    return len(dataset.warnings) + len(year_warnings(dataset, year=params.year, as_of=params.reference_date,
                                                     horizon_months=params.horizon_months))


def _warning(code: str, row: Mapping[str, object], column: str, value: str, **params: object) -> Issue:
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
                 & (years["status"] != ActionStatus.ABANDONED)]
    return [_warning("action_no_budget", row, "budget_planned", "", action=row["action_id"], year=year)
            for row in rows.to_dict("records")]


def _statuses_not_updated(dataset: Dataset, year: int) -> list[Issue]:
    """Actions followed in earlier years, not ended, and with no row for ``year``."""
    warnings: list[Issue] = []
    years = dataset.action_years.dropna(subset=["year"]).sort_values(["year", "_row"], kind="stable")
    earlier = years[years["year"] < year].groupby("action_id", sort=False).tail(1)
    last_before = {record["action_id"]: record for record in earlier.to_dict("records")}
    this_year = set(years.loc[years["year"] == year, "action_id"])
    first_day = year_start(year)
    for action_id, end_date in zip(dataset.actions["action_id"], dataset.actions["end_date"], strict=True):
        last = last_before.get(action_id)
        if last is None or action_id in this_year:
            continue
        ended = end_date is not None and end_date < first_day
        if ended or last["status"] in ENDED_STATUSES:
            continue
        warnings.append(_warning("action_not_updated", last, "year", str(int(last["year"])),
                                 action=action_id, year=year))
    return warnings


def _renewals_not_planned(dataset: Dataset, as_of: dt.date, horizon_end: dt.date, months: int) -> list[Issue]:
    """Labels whose validity ends within the horizon with no next step in the data."""
    warnings: list[Issue] = []
    history = histories(dataset.events)
    for label_id in dataset.labels["label_id"]:
        mine = history.get(label_id, ())
        status = status_on(label_id, mine, as_of)
        until = status.valid_until
        if not status.held or until.value is None or not as_of < until.value <= horizon_end:
            continue
        if any(e.event in PLANNED_NEXT_STEPS and e.date > as_of for e in mine):
            continue
        source = [e for e in mine if e.date <= as_of and e.valid_until.value == until.value]
        event = source[-1] if source else mine[-1]
        warnings.append(Issue("warning", "label_renewal_not_planned", event.file, event.sheet or None, event.row,
                              "valid_until", clerk(until.value, until.precision),
                              {"label": label_id, "as_of": clerk(as_of), "months": months}))
    return warnings
