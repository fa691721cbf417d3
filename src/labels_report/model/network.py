"""A network's year, summed up: towns per level and per département, what moved since the year before.

Every figure is read from the towns' own events, like their reports
(:func:`~labels_report.model.status.status_on` at 31 December of the year and of
the year before): the summary and each town's report always agree, and a
summary of a year is true to that year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from labels_report.core.vocab import StrEnum
from labels_report.data.dataset import Dataset, Town
from labels_report.data.palmares import NetworkLabel
from labels_report.data.places import department_code, department_of_insee, department_of_postcode
from labels_report.model.status import histories, status_on


class Change(StrEnum):
    """How a town's place in the network moved from one year to the next."""

    NEW = "new"
    UP = "up"
    DOWN = "down"
    SAME = "same"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class TownLine:
    """One town of the network, for one label and one year."""

    slug: str
    name: str
    department: str
    """The département's code ("" when not known)."""
    insee: str
    held_before: bool
    level_before: int | None
    held: bool
    level: int | None

    @property
    def change(self) -> Change | None:
        """None when the town held the label neither year."""
        if self.held and not self.held_before:
            return Change.NEW
        if self.held_before and not self.held:
            return Change.WITHDRAWN
        if not self.held:
            return None
        if self.level is not None and self.level_before is not None and self.level != self.level_before:
            return Change.UP if self.level > self.level_before else Change.DOWN
        return Change.SAME


@dataclass(frozen=True)
class NetworkSummary:
    label: NetworkLabel
    year: int
    towns: tuple[TownLine, ...]
    """Every town of the network, in name order (those that never held the label too)."""

    @property
    def members(self) -> list[TownLine]:
        """The towns holding the label at the end of the year."""
        return [town for town in self.towns if town.held]

    def by_level(self) -> Counter[int | None]:
        """Towns holding the label, by level (None: level not known)."""
        return Counter(town.level for town in self.members)

    def by_department(self) -> dict[str, Counter[int | None]]:
        """Towns holding the label, by département ("" when not known), then by level."""
        found: dict[str, Counter[int | None]] = {}
        for town in self.members:
            found.setdefault(town.department, Counter())[town.level] += 1
        return dict(sorted(found.items()))

    def changes(self) -> Counter[Change]:
        return Counter(town.change for town in self.towns if town.change is not None)


def town_department(town: Town) -> str:
    """The code of the town's département: from ``town.yml``'s département, else its postcode or
    INSEE code ("" when none says it)."""
    return department_code(town.department) or department_of_postcode(town.postcode) \
        or department_of_insee(town.insee_code) or ""


def town_line(data: Dataset, label: NetworkLabel, year: int) -> TownLine:
    """Where ``data``'s town stands in the network at the end of ``year`` and of the year before."""
    town = data.town
    department = town_department(town)
    own = label.own_id(data)
    history = histories(data.events[data.events["label_id"] == own]).get(own or "", ()) if own else ()
    before = status_on(own or label.label_id, history, dt.date(year - 1, 12, 31))
    now = status_on(own or label.label_id, history, dt.date(year, 12, 31))
    return TownLine(town.slug, town.name, department, town.insee_code, before.held, before.level if before.held else None,
                    now.held, now.level if now.held else None)


def network_summary(towns: Sequence[Dataset], label: NetworkLabel, year: int) -> NetworkSummary:
    """The network's ``year`` for ``label``, from every town's data set."""
    lines = sorted((town_line(data, label, year) for data in towns), key=lambda t: (t.name.casefold(), t.slug))
    return NetworkSummary(label, year, tuple(lines))


def network_labels(towns: Sequence[Dataset], registry: Sequence[NetworkLabel]) -> list[NetworkLabel]:
    """The labels of ``registry`` that at least one town defines, in the registry's order."""
    return [label for label in registry if any(label.own_id(data) is not None for data in towns)]
