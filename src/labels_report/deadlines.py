"""What falls due within the horizon, and the same as an iCalendar file (RFC 5545).

A deadline is either the end of a label's validity (a renewal to prepare, a
convention ending), read from the events' ``valid_until``, or an event the
data already date after the reference date (a jury visit, an application, a
renewal planned). ``echeances.ics`` holds exactly the deadlines the calendar
chapter lists; it is reproducible: the same data and parameters give the same
bytes (identifiers derived from the town, label, date and kind; time stamp
derived from the reference date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labels_report.report import Report

VALIDITY_END = "validity_end"
RENEWAL_KINDS = frozenset({VALIDITY_END, "renewed"})
"""Deadlines that call for a renewal (the key figure "renewals due")."""


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    precision: str
    label_id: str
    kind: str
    """``validity_end`` or an event word (``jury_visit``, ``applied``, ``renewed`` ...)."""
    reference: str = ""
    note: str = ""

    @property
    def is_renewal(self) -> bool:
        return self.kind in RENEWAL_KINDS

    def iso(self) -> str:
        return iso_date(self.date, self.precision)


def iso_date(value: dt.date | None, precision: str = "day") -> str:
    """``2016-12-14``, ``2016-12`` or ``2016``: a date written no finer than it is known."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def deadlines(report: Report) -> list[Deadline]:
    """The report's deadlines: after the reference date, up to the horizon's end, by date."""
    start, end = report.params.reference_date, report.params.horizon_end
    found: list[Deadline] = []
    for status in report.statuses:
        until = status.valid_until
        if status.held and until.value is not None and start < until.value <= end:
            found.append(Deadline(until.value, until.precision or "day", status.label_id, VALIDITY_END))
    events = report.data.events
    upcoming = events[(events["date"] > start) & (events["date"] <= end)]
    for _, event in upcoming.iterrows():
        found.append(Deadline(event["date"], event.get("date_precision") or "day", str(event["label_id"]),
                              str(event["event"]), str(event.get("reference") or ""), str(event.get("note") or "")))
    order = {label_id: i for i, label_id in enumerate(report.label_ids)}
    return sorted(found, key=lambda d: (d.date, order.get(d.label_id, len(order)), d.kind))


def next_beyond(report: Report) -> Deadline | None:
    """The first known deadline after the horizon (what the calendar says when it is empty)."""
    end = report.params.horizon_end
    later: list[Deadline] = []
    for status in report.statuses:
        until = status.valid_until
        if status.held and until.value is not None and until.value > end:
            later.append(Deadline(until.value, until.precision or "day", status.label_id, VALIDITY_END))
    events = report.data.events
    for _, event in events[events["date"] > end].iterrows():
        later.append(Deadline(event["date"], event.get("date_precision") or "day", str(event["label_id"]),
                              str(event["event"])))
    return min(later, key=lambda d: (d.date, d.label_id)) if later else None


# -- iCalendar -------------------------------------------------------------------

PRODID = "-//labels-report//Rapport annuel des labels//FR"
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def uid(town: str, deadline: Deadline) -> str:
    """Stable identifier: the same deadline keeps its UID from one build (and year) to the next."""
    def part(text: str) -> str:
        return _UID_UNSAFE.sub("-", text).strip("-").lower() or "x"

    return f"{deadline.date:%Y%m%d}-{part(deadline.kind)}-{part(deadline.label_id)}@{part(town)}.labels-report"


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", text)


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continuation lines starting with a space (RFC 5545, 3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def ics_text(report: Report) -> str:
    """The report's deadlines as an iCalendar document (all-day events)."""
    from labels_report.i18n import catalogue

    cat = catalogue(report.params.lang)
    town = report.data.town
    stamp = f"{report.params.reference_date:%Y%m%d}T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(cat.text('calendar.ics_name', town=town.name, year=report.year))}",
    ]
    for deadline in report.deadlines:
        label = report.label_name(deadline.label_id)
        what = cat.text(f"deadline.{deadline.kind}")
        description = [cat.text("calendar.ics_label", label=label)]
        body = str(report.label_row(deadline.label_id).get("awarding_body") or "")
        if body:
            description.append(cat.text("calendar.ics_body", body=body))
        if deadline.precision in ("year", "month"):
            description.append(cat.text(f"calendar.precision.{deadline.precision}",
                                        date=cat.date(deadline.date, deadline.precision)))
        if deadline.reference:
            description.append(cat.text("labels.reference", reference=deadline.reference))
        if deadline.note:
            description.append(deadline.note)
        description.append(cat.text("calendar.ics_source", town=town.name, year=report.year))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(town.slug or town.name, deadline)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.date + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(cat.text('calendar.ics_summary', label=label, what=what))}",
            f"DESCRIPTION:{_escape(' '.join(description))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def write_ics(report: Report, path: Path) -> Path:
    """Write the report's deadlines to ``path`` (``echeances.ics``), even when there are none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ics_text(report).encode("utf-8"))
    return path
