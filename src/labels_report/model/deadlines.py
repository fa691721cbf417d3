"""What falls due within the horizon.

A deadline is either the end of a label's validity (a renewal to prepare, a
convention ending), read from the events' ``valid_until``, or an event the
data already date after the reference date (a jury visit, an application, a
renewal planned). The calendar chapter lists them and the publishing step
writes the same list to ``echeances.ics``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from labels_report.core.dates import DatePrecision, iso, precision_of
from labels_report.data.vocabulary import DeadlineKind
from labels_report.model.status import LabelStatus

RENEWAL_KINDS = frozenset({DeadlineKind.VALIDITY_END, DeadlineKind.RENEWED})
"""Deadlines that call for a renewal (the key figure "renewals due")."""


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    precision: str
    label_id: str
    kind: DeadlineKind
    reference: str = ""
    note: str = ""

    @property
    def is_renewal(self) -> bool:
        return self.kind in RENEWAL_KINDS

    def iso(self) -> str:
        return iso(self.date, self.precision)


def _validity_ends(statuses: Sequence[LabelStatus], after: dt.date, until: dt.date | None) -> list[Deadline]:
    found = []
    for status in statuses:
        end = status.valid_until
        if status.held and end.value is not None and after < end.value and (until is None or end.value <= until):
            found.append(Deadline(end.value, end.precision or DatePrecision.DAY, status.label_id,
                                  DeadlineKind.VALIDITY_END))
    return found


def _dated_events(events: pd.DataFrame, after: dt.date, until: dt.date | None) -> list[Deadline]:
    mask = events["date"] > after
    if until is not None:
        mask &= events["date"] <= until
    return [Deadline(row["date"], precision_of(row.get("date_precision")), str(row["label_id"]),
                     DeadlineKind(str(row["event"])), str(row.get("reference") or ""), str(row.get("note") or ""))
            for _, row in events[mask].iterrows()]


def deadlines(statuses: Sequence[LabelStatus], events: pd.DataFrame, start: dt.date, end: dt.date,
              label_order: Mapping[str, int]) -> list[Deadline]:
    """The deadlines after ``start`` up to ``end``: validity ends of the labels held on
    ``start`` (their ``statuses``) and events dated in that span; by date, then in the
    labels file's order."""
    found = _validity_ends(statuses, start, end) + _dated_events(events, start, end)
    return sorted(found, key=lambda d: (d.date, label_order.get(d.label_id, len(label_order)), d.kind))


def next_beyond(statuses: Sequence[LabelStatus], events: pd.DataFrame, end: dt.date) -> Deadline | None:
    """The first known deadline after ``end`` (what the calendar says when the horizon is empty)."""
    later = _validity_ends(statuses, end, None) + [
        Deadline(d.date, d.precision, d.label_id, d.kind) for d in _dated_events(events, end, None)]
    return min(later, key=lambda d: (d.date, d.label_id)) if later else None
