"""The controlled vocabularies of the data contract, declared once.

Every list of these words elsewhere (drop-down lists, the glossary, chart
legends, message keys, the order a report tells them in) is derived from these
enumerations. The words clerks may type for each (French words, the canonical
English value) are in :data:`labels_report.data.contract.VOCABULARIES`.
"""

from __future__ import annotations

from labels_report.core.vocab import StrEnum


class Event(StrEnum):
    """What can happen in a label's life (``label_events.event``)."""

    APPLIED = "applied"
    AWARDED = "awarded"
    RENEWED = "renewed"
    LEVEL_CHANGED = "level_changed"
    JURY_VISIT = "jury_visit"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class LabelState(StrEnum):
    """Where a label stands on a date, derived from its events (never typed)."""

    HELD = "held"
    APPLIED = "applied"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    NOT_HELD = "not_held"
    """Events exist, none yet on that date."""
    UNKNOWN = "unknown"
    """No event at all: the report says "non renseigné"."""


class ActionStatus(StrEnum):
    """Where an action stands in a year (``action_years.status``), in the order the report tells them."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"
    PAUSED = "paused"
    ABANDONED = "abandoned"


class BudgetKind(StrEnum):
    """What kind of spending a budget is (``action_years.budget_kind``)."""

    INVESTMENT = "investment"
    OPERATING = "operating"


class DeadlineKind(StrEnum):
    """What falls due: the end of a label's validity, or an event the data already date ahead."""

    VALIDITY_END = "validity_end"
    APPLIED = Event.APPLIED.value
    AWARDED = Event.AWARDED.value
    RENEWED = Event.RENEWED.value
    LEVEL_CHANGED = Event.LEVEL_CHANGED.value
    JURY_VISIT = Event.JURY_VISIT.value
    SUSPENDED = Event.SUSPENDED.value
    WITHDRAWN = Event.WITHDRAWN.value
    EXPIRED = Event.EXPIRED.value
