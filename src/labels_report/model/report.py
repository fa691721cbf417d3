"""A report: the data as one edition may show them, on one date, with its figures.

Every figure of the report is computed here (or in :mod:`labels_report.model.tables`
from what is here), once; chapters, exports and tests read them from here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import cached_property

import pandas as pd

from labels_report.core.dates import year_end
from labels_report.core.errors import Issue
from labels_report.core.vocab import StrEnum
from labels_report.data.dataset import Dataset
from labels_report.data.issues import as_typed
from labels_report.data.vocabulary import ActionStatus, Event, LabelState
from labels_report.model.deadlines import Deadline, deadlines
from labels_report.model.known import known_on
from labels_report.model.params import ReportParams
from labels_report.model.quality import data_warnings
from labels_report.model.status import EVENT_STATE, LabelEvent, LabelStatus, Period, histories, periods, status_on

INTERNAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "labels": ("referent",),
    "action_years": ("comment",),
}
"""Columns that never reach the public edition (personal names, internal remarks)."""


class YearChange(StrEnum):
    """What can happen to a label in a year, in the order the summary tells it."""

    OBTAINED = "obtained"
    RENEWED = "renewed"
    UPGRADED = "upgraded"
    DOWNGRADED = "downgraded"
    LOST = "lost"


def edition_view(data: Dataset, public: bool) -> Dataset:
    """The data an edition may show. The public edition drops, at the data level,
    actions marked ``public = no`` (and their years) and every internal column."""
    if not public:
        return data
    actions = data.actions[data.actions["public"].astype(bool)].reset_index(drop=True)
    years = data.action_years[data.action_years["action_id"].isin(actions["action_id"])]
    tables = {"labels": data.labels, "action_years": years.reset_index(drop=True)}
    for table, columns in INTERNAL_COLUMNS.items():
        frame = tables[table].copy()
        for column in columns:
            if column in frame.columns:
                frame[column] = ""
        tables[table] = frame
    return dataclasses.replace(data, actions=actions, warnings=(), **tables)


def public_issues(data: Dataset, issues: Iterable[Issue]) -> tuple[Issue, ...]:
    """The data-quality issues the public edition may show: none about an internal column, none
    about a row of an action it leaves out, none that names such an action (their values could
    hold a name). Rows are recognised by the file, sheet and row they were read from, whatever
    the files or sheets are called (``Actions.csv``, a sheet ``ACTION_YEARS``)."""
    hidden = data.actions[~data.actions["public"].astype(bool)]
    hidden_ids = {str(i) for i in hidden["action_id"]}
    years = data.action_years[data.action_years["action_id"].isin(hidden_ids)]
    hidden_rows = {(str(file), str(sheet or ""), int(row))
                   for frame in (hidden, years)
                   for file, sheet, row in zip(frame["_file"], frame["_sheet"], frame["_row"], strict=True)}
    internal = {column for columns in INTERNAL_COLUMNS.values() for column in columns}

    def names_hidden(value: object) -> bool:
        words = {part.strip() for part in str(value).split(";")}
        return bool(words & hidden_ids)

    kept = []
    for issue in issues:
        if issue.column in internal:
            continue
        if issue.row is not None and (issue.file, issue.sheet or "", int(issue.row)) in hidden_rows:
            continue
        if any(names_hidden(v) for v in (issue.value or "", *issue.params.values())):
            continue
        kept.append(issue)
    return tuple(kept)


def data_issues(data: Dataset, params: ReportParams) -> tuple[Issue, ...]:
    """Warnings of the loader and of the report's own checks, each once, in file order."""
    found = list(data.warnings) + as_typed(data_warnings(data, year=params.year, as_of=params.reference_date,
                                                         horizon_months=params.horizon_months), data.headers)
    unique: dict[tuple, Issue] = {}
    for issue in found:
        key = (issue.severity, issue.code, issue.file, issue.sheet, issue.row, issue.column, issue.value)
        unique.setdefault(key, issue)
    return tuple(sorted(unique.values(), key=Issue.sort_key))


def staff_issues(data: Dataset, params: ReportParams) -> tuple[Issue, ...]:
    """Every data-quality issue of the report of ``params``, row by row, whatever the edition:
    the staff's list (``controle-donnees.xlsx``), never published."""
    return data_issues(known_on(data, params.reference_date, params.year), params)


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def total(values: Iterable[object]) -> float | None:
    """The sum of the known amounts, or None when none is known ("non renseigné", never 0).
    A sum over partly unknown amounts is a lower bound: :func:`unknown` says how many are missing."""
    known = [v for v in (_num(x) for x in values) if v is not None]
    return sum(known) if known else None


def unknown(values: Iterable[object]) -> int:
    """How many of ``values`` are not known: the report says so beside any total of them."""
    return sum(1 for x in values if _num(x) is None)


def spending_rate(planned: Iterable[object], spent: Iterable[object]) -> tuple[float | None, int]:
    """Spent as a percentage of planned, over the actions whose two amounts are known only, and
    how many actions that is. None when no such action has a planned amount above zero."""
    pairs = [(p, s) for p, s in ((_num(a), _num(b)) for a, b in zip(planned, spent, strict=True))
             if p is not None and s is not None]
    base = sum(p for p, _ in pairs)
    return (100 * sum(s for _, s in pairs) / base if base else None), len(pairs)


@dataclasses.dataclass(frozen=True)
class Report:
    data: Dataset
    """Already reduced to what the edition may show."""
    params: ReportParams
    issues: tuple[Issue, ...] = ()
    """Data-quality warnings the edition may show."""

    @classmethod
    def from_dataset(cls, data: Dataset, params: ReportParams, check: bool = True) -> Report:
        """The report of ``data`` for ``params``: the data as known on the reference date
        (:func:`~labels_report.model.known.known_on`), then as the edition may show them."""
        data = known_on(data, params.reference_date, params.year)
        public = params.edition_info.public
        issues = data_issues(data, params) if check else ()
        if public:
            issues = public_issues(data, issues)
        return cls(edition_view(data, public), params, issues)

    @property
    def year(self) -> int:
        return self.params.year

    @property
    def year_end(self) -> dt.date:
        """The last day the year's events are counted: 31 December, or ``as_of`` if earlier."""
        return min(year_end(self.year), self.params.reference_date)

    # -- labels -------------------------------------------------------------
    @cached_property
    def histories(self) -> dict[str, tuple[LabelEvent, ...]]:
        """Each label's events, in date order."""
        return histories(self.data.events)

    def history(self, label_id: str) -> tuple[LabelEvent, ...]:
        return self.histories.get(label_id, ())

    def status(self, label_id: str, on: dt.date | None = None) -> LabelStatus:
        return status_on(label_id, self.history(label_id), on or self.params.reference_date)

    @cached_property
    def label_ids(self) -> list[str]:
        return [str(x) for x in self.data.labels["label_id"]]

    @cached_property
    def label_order(self) -> dict[str, int]:
        """Each label's position in the labels file."""
        return {label_id: i for i, label_id in enumerate(self.label_ids)}

    @cached_property
    def _label_rows(self) -> dict[str, pd.Series]:
        labels = self.data.labels.drop_duplicates("label_id")
        return {str(row["label_id"]): row for _, row in labels.iterrows()}

    @cached_property
    def statuses(self) -> list[LabelStatus]:
        """Every label's status on the reference date, in the labels file's order."""
        return [self.status(label_id) for label_id in self.label_ids]

    def label_name(self, label_id: str) -> str:
        row = self._label_rows.get(label_id)
        return str(row["name"]) if row is not None else label_id

    def label_row(self, label_id: str) -> pd.Series:
        return self._label_rows[label_id]

    def label_periods(self, label_id: str) -> list[Period]:
        return periods(label_id, self.history(label_id), self.params.reference_date)

    def events_between(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        events = self.data.events
        mask = (events["date"] >= start) & (events["date"] <= end)
        return events[mask].sort_values(["date", "_row"], kind="stable")

    @cached_property
    def year_events(self) -> pd.DataFrame:
        return self.events_between(self.params.year_start, self.year_end)

    @cached_property
    def year_changes(self) -> dict[YearChange, list[str]]:
        """The labels obtained, renewed, moved up or down a level, and lost in the year (label ids, file order)."""
        found: dict[YearChange, set[str]] = {kind: set() for kind in YearChange}
        for _, event in self.year_events.iterrows():
            label_id = event["label_id"]
            if event["event"] == Event.AWARDED:
                found[YearChange.OBTAINED].add(label_id)
            elif event["event"] == Event.RENEWED:
                found[YearChange.RENEWED].add(label_id)
            if EVENT_STATE[event["event"]] == LabelState.HELD and not pd.isna(event["level"]):
                before = self.status(label_id, event["date"] - dt.timedelta(days=1))
                if before.held and before.level is not None and int(event["level"]) > before.level:
                    found[YearChange.UPGRADED].add(label_id)
                elif before.held and before.level is not None and int(event["level"]) < before.level:
                    found[YearChange.DOWNGRADED].add(label_id)
        eve = self.params.year_start - dt.timedelta(days=1)
        for status in self.statuses:
            if self.status(status.label_id, eve).held and not status.held:
                found[YearChange.LOST].add(status.label_id)
        return {kind: [i for i in self.label_ids if i in ids] for kind, ids in found.items()}

    # -- actions ------------------------------------------------------------
    @cached_property
    def year_actions(self) -> pd.DataFrame:
        """The actions with their row for the year (one row per action), in file order."""
        return self.actions_in(self.year)

    def actions_in(self, year: int) -> pd.DataFrame:
        years = self.data.action_years[self.data.action_years["year"] == year]
        return self.data.actions.merge(years, on="action_id", how="inner", suffixes=("", "_year"))

    def actions_of_label(self, label_id: str) -> pd.DataFrame:
        frame = self.year_actions
        return frame[frame["labels"].apply(lambda labels: label_id in labels)]

    @cached_property
    def first_action_year(self) -> int | None:
        """The first year the action data speak of (None: no action data)."""
        years = self.data.action_years["year"].dropna()
        return int(years.min()) if len(years) else None

    @cached_property
    def actions_compared(self) -> bool:
        """The actions and budgets of the year can be compared with the previous year's: there is
        a previous year, and the action data do not begin after it."""
        first = self.first_action_year
        return self.previous is not None and (first is None or first <= self.year - 1)

    @cached_property
    def budget_compared(self) -> bool:
        """The budgets of the year are compared with the previous year's: the actions are, and
        there are actions (a town with none has no budget to compare)."""
        return self.actions_compared and self.first_action_year is not None

    @cached_property
    def action_years(self) -> list[int]:
        """Every year the action data speak of, and the report's year."""
        return sorted({int(y) for y in self.data.action_years["year"].dropna()} | {self.year})

    # -- figures ------------------------------------------------------------
    @cached_property
    def key_figures(self) -> dict[str, float | int | None]:
        """The summary's figures: the summary's sentences and the key-figures table read these."""
        changes = self.year_changes
        actions = self.year_actions
        counts = actions["status"].value_counts()
        due = self.deadlines
        rate, compared = spending_rate(actions["budget_planned"], actions["budget_spent"])
        return {
            "labels_total": len(self.statuses),
            "labels_held": sum(1 for s in self.statuses if s.held),
            "labels_unknown": sum(1 for s in self.statuses if s.state == LabelState.UNKNOWN),
            **{str(kind): len(changes[kind]) for kind in YearChange},
            "renewals_due": sum(1 for d in due if d.is_renewal),
            "deadlines": len(due),
            "actions_total": len(actions),
            **{f"actions_{status}": int(counts.get(status, 0)) for status in ActionStatus},
            "actions_shared": int((actions["labels"].apply(len) > 1).sum()),
            "budget_planned": total(actions["budget_planned"]),
            "budget_planned_unknown": unknown(actions["budget_planned"]),
            "budget_spent": total(actions["budget_spent"]),
            "budget_spent_unknown": unknown(actions["budget_spent"]),
            "spending_rate": rate,
            "spending_rate_actions": compared,
        }

    # -- deadlines ----------------------------------------------------------
    @cached_property
    def deadlines(self) -> list[Deadline]:
        """Renewals, conventions ending and planned events within the horizon, by date."""
        return deadlines(self.statuses, self.data.events, self.params.reference_date, self.params.horizon_end,
                         self.label_order)

    # -- year over year -----------------------------------------------------
    @cached_property
    def previous(self) -> Report | None:
        """The report of the previous year (as at its 31 December) when the data reach back to that
        year: the position of the labels at its end is then known, even when nothing happened in it
        (a town listed in a network's lists year after year, with no change)."""
        year = self.year - 1
        years = self.data.years()
        if not years or years[0] > year:
            return None
        params = dataclasses.replace(self.params, year=year, as_of=year_end(year))
        return Report(self.data, params, ())
