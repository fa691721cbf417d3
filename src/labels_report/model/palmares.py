"""Importing a network's table into the towns' folders: which dated events each one needs.

A town's status is never stored: it is replayed from its events
(:func:`~labels_report.model.status.status_on`). For each year of the table, the
import compares the status the town's own events give at the end of that year
with the list of that year, and adds only what makes them agree:

* ``awarded`` when a listed town does not hold the label (its first appearance, or
  its return after a withdrawal);
* ``level_changed`` when it holds it at another level;
* ``withdrawn`` when it holds it but a later list of the same scope leaves it out:
  the table covers the départements it names towns of (in any of its years), and a
  town of one of them missing from a year's list has left it.

Events are dated with the list's year (a date known to the year). Importing the
same table again finds every status in agreement and adds nothing. When the
town's own events of that year already say something else (a level typed by
hand), the import refuses to guess which is right: it is an error naming both.
Nothing is written unless the whole table imports without error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from labels_report.core.dates import DatePrecision
from labels_report.core.errors import DataError, Issue, OutputError
from labels_report.data.contract import TABLES
from labels_report.data.dataset import Dataset
from labels_report.data.palmares import (
    PALMARES_COLUMNS,
    Commune,
    NetworkLabel,
    NewEvent,
    PalmaresTable,
    TownChange,
    TownFolder,
    create_town,
    csv_columns,
    group_communes,
    network_label,
    network_towns,
    parse_column_map,
    read_palmares,
    write_town_events,
)
from labels_report.data.places import department_label
from labels_report.data.vocabulary import Event
from labels_report.model.status import EVENT_STATE, NO_DATE, LabelEvent, histories, status_on

LOCK = ".import.lock"
"""The lock file in the network's folder: one import at a time."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, with nothing to do, found already done)."""

    file: str
    label: NetworkLabel
    changes: tuple[TownChange, ...]
    warnings: tuple[Issue, ...] = ()
    communes: int = 0
    years: tuple[int, ...] = ()

    @property
    def created(self) -> int:
        return sum(1 for change in self.changes if change.create)

    @property
    def updated(self) -> int:
        return sum(1 for change in self.changes if not change.create)

    def events(self) -> Counter[str]:
        """Events added, by kind."""
        return Counter(event.event for change in self.changes for event in change.events)


def import_palmares(path: Path | str | Sequence[Path | str], label_id: str, into: Path | str,
                    columns: str | Mapping[str, str] | None = None) -> ImportResult:
    """Import the network's table ``path`` (or the tables of several files, read as one: a list per
    year, or per département) for the label ``label_id`` into the network folder ``into`` (one
    folder per town): create the towns' folders that do not exist, add the dated events the
    others need. Raises :class:`DataError` with every problem (file, row, column, value) and
    writes nothing when a table, or what it says against a town's own data, is wrong; raises
    ``ParameterError`` for an unknown label or column mapping."""
    label = network_label(label_id)
    mapping = parse_column_map(columns) if isinstance(columns, str) or columns is None else dict(columns)
    table, issues = read_palmares(path, label, mapping)
    if table is None or any(issue.severity == "error" for issue in issues):
        raise DataError(issues)
    root = Path(into)
    # one import at a time into a folder (a new folder has nothing to protect yet)
    with FileLock(root / LOCK) if root.is_dir() else contextlib.nullcontext():
        towns = network_towns(root)
        communes, matching = group_communes(table, towns, root)
        changes, planning = plan_import(table, communes, towns)
        found = issues + matching + planning
        if any(issue.severity == "error" for issue in found):
            raise DataError(found)
        try:
            root.mkdir(parents=True, exist_ok=True)
            for change in changes:
                if change.create:
                    create_town(change)
                else:
                    write_town_events(change)
        except OSError as error:
            raise OutputError("output_failed", path=str(error.filename or root),
                              reason=error.strerror or type(error).__name__) from None
    return ImportResult(table.file, label, tuple(changes), tuple(i for i in found if i.severity == "warning"),
                        len(communes), tuple(table.years))


def plan_import(table: PalmaresTable, communes: Sequence[Commune], towns: Sequence[TownFolder]
                ) -> tuple[list[TownChange], list[Issue]]:
    """The change each town folder needs for its events to agree with ``table``, and the problems
    that stop the import (errors) or leave a town aside (warnings)."""
    label = table.label
    changes: list[TownChange] = []
    issues: list[Issue] = []
    matched = {commune.existing.folder for commune in communes if commune.existing is not None}
    scope = table.scope()
    outside: list[str] = []
    for commune in communes:
        town = commune.existing
        if town is None:
            events = _plan(table, label.label_id, (), commune, commune.department, issues, "")
            identity = {"insee_code": commune.insee, "department": department_label(commune.department),
                        "postcode": commune.postcode, "slug": commune.folder.name}
            changes.append(TownChange(commune.folder, commune.name, label, label.label_id, tuple(events), create=True,
                                      identity={k: v for k, v in identity.items() if v}))
            continue
        if town.data is None:
            issues.append(Issue("error", "palmares_town_invalid", commune.rows[-1].file, commune.rows[-1].sheet,
                                commune.rows[-1].row,
                                PALMARES_COLUMNS["commune"].french, commune.name,
                                {"folder": town.folder.name, "errors": town.errors}))
            continue
        change = _town_change(table, town, commune, issues)
        if change is not None:
            changes.append(change)
    # towns of the network the table does not name: withdrawn where a list of their département leaves them out
    for town in towns:
        if town.folder in matched:
            continue
        if town.data is None:
            issues.append(Issue("warning", "palmares_town_unchecked", town.folder.name, value=town.folder.name,
                                params={"errors": town.errors}))
            continue
        own = label.own_id(town.data)
        if own is None:
            continue
        if town.department not in scope:
            if _holds(town.data, own, table.years[-1]):
                outside.append(town.data.town.name)
            continue
        change = _town_change(table, town, None, issues)
        if change is not None:
            changes.append(change)
    if outside:
        # left as they are, and said: a list that names no town of a département says nothing of it
        shown = ", ".join(sorted(outside, key=str.casefold)[:OUTSIDE_SHOWN]) + ("…" if len(outside) > OUTSIDE_SHOWN else "")
        issues.append(Issue("warning", "palmares_outside_scope", table.file, value=shown,
                            params={"count": len(outside), "year": table.years[-1]}))
    return changes, issues


OUTSIDE_SHOWN = 5
"""How many of the towns a list does not cover a warning names."""


def _holds(data: Dataset, label_id: str, year: int) -> bool:
    """Whether the town's own events give it the label at the end of ``year``."""
    history = histories(data.events[data.events["label_id"] == label_id]).get(label_id, ())
    return status_on(label_id, history, dt.date(year, 12, 31)).held


def _town_change(table: PalmaresTable, town: TownFolder, commune: Commune | None,
                 issues: list[Issue]) -> TownChange | None:
    label, data = table.label, town.data
    assert data is not None
    own = label.own_id(data)
    label_id = own or label.label_id
    events = data.events[data.events["label_id"] == label_id]
    history = histories(events).get(label_id, ())
    where = f"{town.folder.name}/{_events_file(data)}"
    planned = _plan(table, label_id, history, commune, town.department, issues, where)
    if not planned and own is not None:
        return None
    if town.workbook:
        if planned:
            issues.append(Issue("warning", "palmares_town_workbook", town.folder.name, value=town.folder.name,
                                params={"events": "; ".join(_said(e) for e in planned)}))
        return None
    needed = {"label_id", "date", "event"} | ({"level"} if any(e.level is not None for e in planned) else set())
    path = town.folder / TABLES["label_events"].file
    missing = sorted(needed - set(csv_columns(path)))
    if planned and missing:
        issues.append(Issue("error", "palmares_events_columns", f"{town.folder.name}/{path.name}", row=1,
                            column=missing[0], value=missing[0], params={"columns": ", ".join(missing)}))
        return None
    return TownChange(town.folder, data.town.name, label, label_id, tuple(planned), add_label=own is None)


def _events_file(data: Dataset) -> str:
    """Where the town's events are read from (``label_events.csv``, or its workbook)."""
    files = sorted({str(f) for f in data.events["_file"] if f}) if "_file" in data.events else []
    return files[0] if files else TABLES["label_events"].file


def _plan(table: PalmaresTable, label_id: str, history: Sequence[LabelEvent], commune: Commune | None,
          department: str | None, issues: list[Issue], where: str) -> list[NewEvent]:
    """The events that make ``history`` agree with every year's list (see the module's docstring)."""
    label = table.label
    planned: list[NewEvent] = []
    replay = list(history)
    scope = table.scope()
    for year in table.years:
        listed = commune.level_in(year) if commune is not None else False
        status = status_on(label_id, replay, dt.date(year, 12, 31))
        own = [e for e in history if e.date.year == year and EVENT_STATE[e.event] is not None]
        reference = f"Palmarès {label.name} {year}"
        if listed is not False:
            level = None if listed is True else int(listed)
            if status.held and (level is None or status.level == level):
                continue
            row = next(r for r in commune.rows if r.year == year)  # type: ignore[union-attr]
            if own:
                issues.append(_conflict(row.file, own[-1], where, year, row.row, level, label))
                break
            event = Event.LEVEL_CHANGED if status.held else Event.AWARDED
            note = f"{row.file}, ligne {row.row}"
        else:
            if not status.held or department is None or department not in scope:
                continue
            if own:
                issues.append(_conflict(_files_of(table, year), own[-1], where, year, None, None, label))
                break
            event, level, note = Event.WITHDRAWN, None, f"absente du palmarès {year} ({_files_of(table, year)})"
        new = NewEvent(label_id, year, str(event), level, reference, note)
        planned.append(new)
        replay = _with(replay, new)
    return planned


def _with(events: list[LabelEvent], new: NewEvent) -> list[LabelEvent]:
    """``events`` with ``new`` among them, in date order (after the events of the same day)."""
    day = dt.date(new.year, 1, 1)
    added = LabelEvent(new.label_id, day, DatePrecision.YEAR, new.event, new.level, NO_DATE, NO_DATE, new.reference,
                       new.note, "", "", 0)
    return sorted([*events, added], key=lambda e: e.date)


def _files_of(table: PalmaresTable, year: int) -> str:
    """The files holding the list of ``year``."""
    return ", ".join(sorted({row.file for row in table.rows if row.year == year}))


def _conflict(file: str, own: LabelEvent, where: str, year: int, row: int | None, level: int | None,
              label: NetworkLabel) -> Issue:
    listed = "absent" if row is None else ("listed" if level is None else "level")
    return Issue("error", f"palmares_conflict_{listed}", where, own.sheet or None, own.row, "event", own.event,
                 {"year": year, "file": file, "row": row or "", "level": level or "",
                  "unit": label.level_unit, "own_level": "" if own.level is None else own.level})


def _said(event: NewEvent) -> str:
    level = f" {event.level}" if event.level is not None else ""
    return f"{event.year} {event.event}{level}"
