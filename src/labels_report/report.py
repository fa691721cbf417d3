"""A report: the data seen through one edition, with one set of parameters.

Every figure of the report is computed here, once; chapters, exports and
tests read them from here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import cached_property

import pandas as pd

from labels_report.i18n import Catalogue, catalogue
from labels_report.model import Dataset
from labels_report.params import ReportParams
from labels_report.status import HELD, LabelStatus, status_on

INTERNAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "labels": ("referent",),
    "action_years": ("comment",),
}
"""Columns that never reach the public edition (personal names, internal remarks)."""

ACTION_STATUSES = ("done", "in_progress", "planned", "paused", "abandoned")


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
            frame[column] = ""
        tables[table] = frame
    return dataclasses.replace(data, actions=actions, **tables)


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclasses.dataclass(frozen=True)
class Report:
    data: Dataset
    """Already reduced to what the edition may show."""
    params: ReportParams

    @classmethod
    def from_dataset(cls, data: Dataset, params: ReportParams) -> Report:
        return cls(edition_view(data, params.edition_info.public), params)

    @property
    def cat(self) -> Catalogue:
        return catalogue(self.params.lang)

    # -- labels -------------------------------------------------------------
    def status(self, label_id: str, on: dt.date | None = None) -> LabelStatus:
        return status_on(label_id, self.data.events, on or self.params.reference_date)

    @cached_property
    def statuses(self) -> list[LabelStatus]:
        """Every label's status on the reference date, in the labels file's order."""
        return [self.status(label_id) for label_id in self.data.labels["label_id"]]

    def label_name(self, label_id: str) -> str:
        row = self.data.labels[self.data.labels["label_id"] == label_id]
        return str(row["name"].iloc[0]) if not row.empty else label_id

    def label_row(self, label_id: str) -> pd.Series:
        return self.data.labels[self.data.labels["label_id"] == label_id].iloc[0]

    def level_text(self, label_id: str, level: int | None) -> str:
        """"3 fleurs", "2 étoiles", "4 @", the plain title, or "non renseigné"."""
        row = self.label_row(label_id)
        unit = str(row["level_unit"] or "")
        if not unit:
            return self.cat.text("level.plain_title")
        if level is None:
            return self.cat.text("value.unknown")
        return unit_plural(self.cat, unit, level)

    def events_between(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        events = self.data.events
        mask = (events["date"] >= start) & (events["date"] <= end)
        return events[mask].sort_values(["date", "_row"], kind="stable")

    @cached_property
    def year_events(self) -> pd.DataFrame:
        return self.events_between(self.params.year_start, self.params.reference_date)

    # -- actions ------------------------------------------------------------
    @cached_property
    def year_actions(self) -> pd.DataFrame:
        """The actions with their row for the year (one row per action)."""
        years = self.data.action_years[self.data.action_years["year"] == self.params.year]
        return self.data.actions.merge(years, on="action_id", how="inner", suffixes=("", "_year"))

    def actions_of_label(self, label_id: str) -> pd.DataFrame:
        frame = self.year_actions
        return frame[frame["labels"].apply(lambda labels: label_id in labels)]

    @cached_property
    def key_figures(self) -> dict[str, float | int | None]:
        """The summary's figures: the chapters' sentences and the key-figures table use these."""
        events = self.year_events
        held = [s for s in self.statuses if s.held]
        lost = 0
        for status in self.statuses:
            before = self.status(status.label_id, self.params.year_start - dt.timedelta(days=1))
            if before.held and not status.held:
                lost += 1
        upgraded = 0
        for _, event in events[events["event"] == "level_changed"].iterrows():
            previous = self.status(event["label_id"], event["date"] - dt.timedelta(days=1)).level
            if previous is not None and not pd.isna(event["level"]) and int(event["level"]) > previous:
                upgraded += 1
        actions = self.year_actions
        counts = actions["status"].value_counts()
        planned = [_num(v) for v in actions["budget_planned"]]
        spent = [_num(v) for v in actions["budget_spent"]]
        return {
            "labels_total": len(self.statuses),
            "labels_held": len(held),
            "obtained": int((events["event"] == "awarded").sum()),
            "renewed": int((events["event"] == "renewed").sum()),
            "upgraded": upgraded,
            "lost": lost,
            "due_within_horizon": len(self.deadlines),
            "actions_total": len(actions),
            **{f"actions_{name}": int(counts.get(name, 0)) for name in ACTION_STATUSES},
            "budget_planned": sum(v for v in planned if v is not None) if any(v is not None for v in planned) else None,
            "budget_spent": sum(v for v in spent if v is not None) if any(v is not None for v in spent) else None,
        }

    # -- deadlines ----------------------------------------------------------
    @cached_property
    def deadlines(self) -> list[dict[str, object]]:
        """Renewals and conventions ending, and events planned, within the horizon."""
        start, end = self.params.reference_date, self.params.horizon_end
        found: list[dict[str, object]] = []
        for status in self.statuses:
            until = status.valid_until
            if status.held and until.value is not None and start < until.value <= end:
                found.append({"date": until.value, "precision": until.precision,
                              "label_id": status.label_id, "kind": "validity_end"})
        upcoming = self.data.events[(self.data.events["date"] > start) & (self.data.events["date"] <= end)]
        for _, event in upcoming.iterrows():
            found.append({"date": event["date"], "precision": event["date_precision"],
                          "label_id": event["label_id"], "kind": event["event"]})
        return sorted(found, key=lambda d: (d["date"], d["label_id"]))


def unit_plural(cat: Catalogue, unit: str, level: int) -> str:
    """"3 fleurs", "1 étoile", "4 @": the label's own unit, pluralised by the catalogue
    when it knows the unit, else written as typed."""
    key = f"unit.{unit.strip().lower()}"
    if cat.has(key):
        return cat.plural(key, level)
    return f"{cat.number(level)} {unit}"


def join_names(cat: Catalogue, names: Iterable[str]) -> str:
    """"A, B et C" in the report's language."""
    items = list(names)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return cat.text("list.join", head=", ".join(items[:-1]), last=items[-1])
