"""The report's deadlines as an iCalendar file (RFC 5545), written with :mod:`icalendar`.

``echeances.ics`` holds exactly the deadlines the calendar chapter lists, as
all-day events. It is reproducible: the same data and parameters give the same
bytes (identifiers derived from the town, label, date and kind; time stamp
derived from the reference date), and the same deadline keeps its identifier
from one build and one year to the next, so a calendar application updates
it rather than adding it twice.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar

from labels_report.core.dates import DatePrecision
from labels_report.core.files import write_atomically
from labels_report.core.i18n import catalogue
from labels_report.model.deadlines import Deadline
from labels_report.model.report import Report

PRODID = "-//labels-report//Rapport annuel des labels//FR"
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def uid(town: str, deadline: Deadline) -> str:
    """Stable identifier: the same deadline keeps its UID from one build (and year) to the next."""
    def part(text: str) -> str:
        return _UID_UNSAFE.sub("-", text).strip("-").lower() or "x"

    return f"{deadline.date:%Y%m%d}-{part(deadline.kind)}-{part(deadline.label_id)}@{part(town)}.labels-report"


def calendar(report: Report) -> icalendar.Calendar:
    """The report's deadlines as a calendar of all-day events."""
    cat = catalogue(report.params.lang)
    town = report.data.town
    stamp = dt.datetime.combine(report.params.reference_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # An X- property is written as given: typed as text, it is escaped like the others.
    cal.add("x-wr-calname", icalendar.vText(cat.text("calendar.ics_name", town=town.name, year=report.year)))
    for deadline in report.deadlines:
        label = report.label_name(deadline.label_id)
        description = [cat.text("calendar.ics_label", label=label)]
        body = str(report.label_row(deadline.label_id).get("awarding_body") or "")
        if body:
            description.append(cat.text("calendar.ics_body", body=body))
        if deadline.precision in (DatePrecision.YEAR, DatePrecision.MONTH):
            description.append(cat.text(f"calendar.precision.{deadline.precision}",
                                        date=cat.date(deadline.date, deadline.precision)))
        if deadline.reference:
            description.append(cat.text("labels.reference", reference=deadline.reference))
        if deadline.note:
            description.append(deadline.note)
        description.append(cat.text("calendar.ics_source", town=town.name, year=report.year))
        event = icalendar.Event()
        event.add("uid", uid(town.slug or town.name, deadline))
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + dt.timedelta(days=1))
        event.add("summary", cat.text("calendar.ics_summary", label=label, what=cat.text(f"deadline.{deadline.kind}")))
        event.add("description", " ".join(description))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal


def ics_bytes(report: Report) -> bytes:
    """The calendar file's bytes (CRLF line ends, lines folded at 75 octets)."""
    return calendar(report).to_ical()


def write_ics(report: Report, path: Path) -> Path:
    """Write the report's deadlines to ``path`` (``echeances.ics``), even when there are none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(path, ics_bytes(report))
