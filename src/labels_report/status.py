"""A label's status on any date, derived from its events.

Nothing stores "status" by hand: :func:`status_on` replays a label's events up
to a date. Events dated after that date are the label's next steps (a jury
visit or an application already planned).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

# What each event does to the label's state. A registry, so that a new event
# word is one entry here (and one in the contract's vocabulary).
EVENT_STATE: dict[str, str | None] = {
    "applied": "applied",
    "awarded": "held",
    "renewed": "held",
    "level_changed": "held",
    "jury_visit": None,  # no change of state
    "suspended": "suspended",
    "withdrawn": "withdrawn",
    "expired": "expired",
}

HELD = "held"
UNKNOWN = "unknown"  # no event at all: the report says "non renseigné"
NOT_HELD = "not_held"  # events exist, none yet on that date


@dataclass(frozen=True)
class DatedValue:
    value: dt.date | None
    precision: str = "day"


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
        return self.state == HELD


def _date_and_precision(row: pd.Series, column: str) -> DatedValue:
    value = row[column]
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return DatedValue(None, "")
    return DatedValue(value, row.get(f"{column}_precision") or "day")


def _level(row: pd.Series) -> int | None:
    value = row["level"]
    return None if pd.isna(value) else int(value)


def events_of(events: pd.DataFrame, label_id: str) -> pd.DataFrame:
    """The label's events in date order (then file order for the same date)."""
    mine = events[events["label_id"] == label_id]
    return mine.sort_values(["date", "_row"], kind="stable")


def status_on(label_id: str, events: pd.DataFrame, on: dt.date) -> LabelStatus:
    """The status of ``label_id`` on ``on``, replaying ``events`` (all labels' events).

    A label held with a ``valid_until`` before ``on`` is ``expired``. The next
    step is the first event dated after ``on`` when the data hold one.
    """
    mine = events_of(events, label_id)
    past = mine[mine["date"] <= on]
    future = mine[mine["date"] > on]
    state = UNKNOWN if mine.empty else NOT_HELD
    level: int | None = None
    since = DatedValue(None, "")
    valid_until = DatedValue(None, "")
    last_event, last_date = None, DatedValue(None, "")
    for _, row in past.iterrows():
        event = row["event"]
        new_state = EVENT_STATE[event]
        if new_state is not None and new_state != state:
            # ``since``: when the current state began (a renewal does not restart "held").
            since = _date_and_precision(row, "date")
        if new_state is not None:
            state = new_state
        if new_state == HELD:
            if _level(row) is not None:
                level = _level(row)
            if event in ("awarded", "renewed"):
                valid_until = _date_and_precision(row, "valid_until")
            elif _date_and_precision(row, "valid_until").value is not None:
                # A level change may come with a new end of validity.
                valid_until = _date_and_precision(row, "valid_until")
        elif new_state is not None:
            valid_until = DatedValue(None, "")
        last_event, last_date = event, _date_and_precision(row, "date")
    if state == HELD and valid_until.value is not None and valid_until.value < on:
        state, since = "expired", valid_until
    next_event, next_date = None, DatedValue(None, "")
    if not future.empty:
        first = future.iloc[0]
        next_event, next_date = first["event"], _date_and_precision(first, "date")
    if state != HELD:
        level = None if state in (UNKNOWN, NOT_HELD, "applied") else level
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


def periods(label_id: str, events: pd.DataFrame, until: dt.date) -> list[Period]:
    """The label's validity periods known on ``until``, one per level, oldest first.

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

    for _, row in events_of(events, label_id).iterrows():
        if row["date"] > until:
            break
        event = row["event"]
        state = EVENT_STATE[event]
        date = _date_and_precision(row, "date")
        level = _level(row)
        if event in ("awarded", "renewed"):
            start = _date_and_precision(row, "valid_from")
            if start.value is None:
                start = date
            previous_level = current["level"] if current else (found[-1].level if found else None)
            if current is not None:
                running_until = current["until"]
                cut = running_until if running_until.value is not None and running_until.value < start.value \
                    else start
                close(cut)
            current = {"start": start, "until": _date_and_precision(row, "valid_until"),
                       "level": level if level is not None else previous_level, "event": event}
        elif event == "level_changed":
            until_value = current["until"] if current else DatedValue(None, "")
            if _date_and_precision(row, "valid_until").value is not None:
                until_value = _date_and_precision(row, "valid_until")
            close(date)
            current = {"start": date, "until": until_value, "level": level, "event": event}
        elif state is not None and state != HELD:
            if current is not None:
                until_value = current["until"]
                close(until_value if until_value.value is not None and until_value.value < date.value else date)
    if current is not None:
        until_value = current["until"]
        found.append(Period(label_id, current["start"], until_value, current["level"], until_value.value is None,
                            current["event"]))
    return found
