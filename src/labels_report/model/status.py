"""A label's status on any date, derived from its events.

Nothing stores "status" by hand: :func:`status_on` replays a label's events up
to a date. Events dated after that date are the label's next steps (a jury
visit or an application already planned).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from labels_report.core.dates import DatePrecision, is_date, precision_of
from labels_report.data.vocabulary import Event, LabelState

EVENT_STATE: dict[Event, LabelState | None] = {
    Event.APPLIED: LabelState.APPLIED,
    Event.AWARDED: LabelState.HELD,
    Event.RENEWED: LabelState.HELD,
    Event.LEVEL_CHANGED: LabelState.HELD,
    Event.JURY_VISIT: None,  # no change of state
    Event.SUSPENDED: LabelState.SUSPENDED,
    Event.WITHDRAWN: LabelState.WITHDRAWN,
    Event.EXPIRED: LabelState.EXPIRED,
}
"""What each event does to the label's state (None: nothing)."""

VALIDITY_EVENTS = (Event.AWARDED, Event.RENEWED)
"""Events that open a period of validity."""



@dataclass(frozen=True)
class DatedValue:
    value: dt.date | None
    precision: str = DatePrecision.DAY


@dataclass(frozen=True)
class LabelStatus:
    label_id: str
    state: str
    level: int | None
    since: DatedValue
    """When the current state began (for ``held``: the award, not the last renewal)."""
    valid_until: DatedValue
    last_event: str | None
    last_event_date: DatedValue
    next_event: str | None
    next_event_date: DatedValue

    @property
    def held(self) -> bool:
        return self.state == LabelState.HELD


NO_DATE = DatedValue(None, "")


@dataclass(frozen=True)
class LabelEvent:
    """One row of ``label_events``, as the replay reads it."""

    label_id: str
    date: dt.date
    precision: str
    event: str
    level: int | None
    valid_from: DatedValue
    valid_until: DatedValue
    reference: str
    note: str
    file: str
    sheet: str
    row: int

    @property
    def dated(self) -> DatedValue:
        return DatedValue(self.date, self.precision)


def _dated(record: dict, column: str) -> DatedValue:
    value = record[column]
    if not is_date(value):
        return NO_DATE
    return DatedValue(value, precision_of(record.get(f"{column}_precision")))


def _level(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def histories(events: pd.DataFrame) -> dict[str, tuple[LabelEvent, ...]]:
    """Every label's events in date order (then file order for the same date), read once."""
    found: dict[str, list[LabelEvent]] = {}
    for record in events.sort_values(["date", "_row"], kind="stable").to_dict("records"):
        found.setdefault(str(record["label_id"]), []).append(LabelEvent(
            str(record["label_id"]), record["date"], precision_of(record.get("date_precision")),
            str(record["event"]), _level(record["level"]), _dated(record, "valid_from"),
            _dated(record, "valid_until"), str(record.get("reference") or ""), str(record.get("note") or ""),
            str(record.get("_file") or ""), str(record.get("_sheet") or ""), int(record["_row"])))
    return {label_id: tuple(items) for label_id, items in found.items()}


def _split(events: Sequence[LabelEvent], on: dt.date) -> int:
    """How many of ``events`` (in date order) are dated on or before ``on``."""
    return bisect_right([e.date for e in events], on)


def status_on(label_id: str, events: Sequence[LabelEvent], on: dt.date) -> LabelStatus:
    """The status of ``label_id`` on ``on``, replaying its ``events`` (in date order, see :func:`histories`).

    A label held with a ``valid_until`` before ``on`` is ``expired``. The next
    step is the first event dated after ``on`` when the data hold one.
    """
    cut = _split(events, on)
    state = LabelState.UNKNOWN if not events else LabelState.NOT_HELD
    level: int | None = None
    since = NO_DATE
    valid_until = NO_DATE
    last_event, last_date = None, NO_DATE
    for row in events[:cut]:
        event = row.event
        new_state = EVENT_STATE[event]
        if new_state is not None and new_state != state:
            # ``since``: when the current state began (a renewal does not restart "held").
            since = row.dated
        if new_state is not None:
            state = new_state
        if new_state == LabelState.HELD:
            if row.level is not None:
                level = row.level
            if event in VALIDITY_EVENTS or row.valid_until.value is not None:
                # A level change may come with a new end of validity.
                valid_until = row.valid_until
        elif new_state is not None:
            valid_until = NO_DATE
        last_event, last_date = event, row.dated
    if state == LabelState.HELD and valid_until.value is not None and valid_until.value < on:
        state, since = LabelState.EXPIRED, valid_until
    next_event, next_date = None, NO_DATE
    if cut < len(events):
        next_event, next_date = events[cut].event, events[cut].dated
    if state != LabelState.HELD:
        level = None if state in (LabelState.UNKNOWN, LabelState.NOT_HELD, LabelState.APPLIED) else level
    return LabelStatus(label_id, state, level, since, valid_until, last_event, last_date, next_event, next_date)


@dataclass(frozen=True)
class Period:
    """A stretch of time during which a label was held at one level.

    ``end`` is the end of validity when the data give one, the date of the
    event that ended or changed the period, or ``None`` (still running on the
    date the periods were read, end not recorded: ``open``).
    """

    label_id: str
    start: DatedValue
    end: DatedValue
    level: int | None
    open: bool
    started_by: str


def periods(label_id: str, events: Sequence[LabelEvent], until: dt.date) -> list[Period]:
    """The label's validity periods known on ``until``, one per level, oldest first (``events``:
    the label's events in date order).

    An award or renewal opens a period from its ``valid_from`` (else its date)
    to its ``valid_until``; a renewal whose period starts before the previous
    one ends cuts the previous one there; a level change closes the running
    period on its date and opens one at the new level; a suspension,
    withdrawal or expiry closes it.
    """
    found: list[Period] = []
    current: dict | None = None

    def close(end: DatedValue) -> None:
        nonlocal current
        if current is not None:
            if end.value is not None and current["start"].value is not None and end.value < current["start"].value:
                end = current["start"]
            found.append(Period(label_id, current["start"], end, current["level"], False, current["event"]))
            current = None

    for row in events:
        if row.date > until:
            break
        event = row.event
        state = EVENT_STATE[event]
        date = row.dated
        level = row.level
        if event in VALIDITY_EVENTS:
            start = row.valid_from
            if start.value is None:
                start = date
            previous_level = current["level"] if current else (found[-1].level if found else None)
            if current is not None:
                running_until = current["until"]
                cut = running_until if running_until.value is not None and running_until.value < start.value \
                    else start
                close(cut)
            current = {"start": start, "until": row.valid_until,
                       "level": level if level is not None else previous_level, "event": event}
        elif event == Event.LEVEL_CHANGED:
            until_value = current["until"] if current else NO_DATE
            if row.valid_until.value is not None:
                until_value = row.valid_until
            close(date)
            current = {"start": date, "until": until_value, "level": level, "event": event}
        elif state is not None and state != LabelState.HELD:
            if current is not None:
                until_value = current["until"]
                close(until_value if until_value.value is not None and until_value.value < date.value else date)
    if current is not None:
        until_value = current["until"]
        found.append(Period(label_id, current["start"], until_value, current["level"], until_value.value is None,
                            current["event"]))
    return found
