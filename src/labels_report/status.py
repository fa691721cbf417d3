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
        if new_state == HELD and state != HELD:
            since = _date_and_precision(row, "date")
        if new_state is not None:
            state = new_state
        if new_state == HELD:
            if _level(row) is not None:
                level = _level(row)
            if event in ("awarded", "renewed"):
                valid_until = _date_and_precision(row, "valid_until")
        elif new_state is not None:
            valid_until = DatedValue(None, "")
        last_event, last_date = event, _date_and_precision(row, "date")
    if state == HELD and valid_until.value is not None and valid_until.value < on:
        state = "expired"
    next_event, next_date = None, DatedValue(None, "")
    if not future.empty:
        first = future.iloc[0]
        next_event, next_date = first["event"], _date_and_precision(first, "date")
    if state != HELD:
        level = None if state in (UNKNOWN, NOT_HELD, "applied") else level
    return LabelStatus(label_id, state, level, since, valid_until, last_event, last_date, next_event, next_date)
