"""The calendar: what the events imply within the horizon, in date order, and the
same entries in ``echeances.ics`` (written by the publishing step, not by the
chapter) read back with a real iCalendar parser."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import icalendar
import pytest

from paths import RICH, SAMPLE
from labels_report.chapters.registry import render_chapter
from labels_report.publish.calendar import ics_bytes, write_ics
from labels_report.data.load import load_dataset
from labels_report.model.compute import ComputedReport, compute
from labels_report.model.params import ReportParams



def report_for(folder: Path, year: int, lang: str = "fr", horizon: int = 24,
               edition: str = "conseil") -> ComputedReport:
    params = ReportParams(year=year, lang=lang, horizon_months=horizon, edition=edition)
    return compute(load_dataset(folder), params)


def parse(text: str, end: bool = False) -> dt.date:
    if len(text) == 4:
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    return dt.date.fromisoformat(text)


def implied_deadlines(folder: Path, as_of: dt.date, until: dt.date) -> list[tuple[dt.date, str, str]]:
    """Read from the CSV file directly: what was known on ``as_of``. Jury visits dated in
    (as_of, until] (scheduled ahead: no other event after ``as_of`` is known yet), of labels
    already followed on ``as_of``, and the end of validity of the last award or renewal of each
    label still held, when it falls there."""
    with (folder / "label_events.csv").open(encoding="utf-8", newline="") as handle:
        events = list(csv.DictReader(handle))
    followed = {e["label_id"] for e in events if parse(e["date"]) <= as_of}
    found = [(parse(e["date"]), e["label_id"], e["event"]) for e in events
             if as_of < parse(e["date"]) <= until and e["event"] == "jury_visit" and e["label_id"] in followed]
    for label_id in dict.fromkeys(e["label_id"] for e in events):
        past = [e for e in events if e["label_id"] == label_id and parse(e["date"]) <= as_of]
        if not past or past[-1]["event"] in ("withdrawn", "suspended", "expired"):
            continue
        validity = [e for e in past if e["event"] in ("awarded", "renewed")]
        if validity and validity[-1]["valid_until"]:
            end = parse(validity[-1]["valid_until"], end=True)
            if as_of < end <= until:
                found.append((end, label_id, "validity_end"))
    return sorted(found)


def events_of(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return [c for c in calendar.walk() if c.name == "VEVENT"]


@pytest.mark.parametrize("folder,year,horizon", [(RICH, 2016, 24), (RICH, 2017, 24), (RICH, 2018, 24),
                                                 (RICH, 2017, 12), (SAMPLE, 2017, 24), (SAMPLE, 2018, 24)])
def test_calendar_lists_what_the_events_imply(folder, year, horizon):
    computed = report_for(folder, year, horizon=horizon)
    report = computed.report
    expected = implied_deadlines(folder, report.params.reference_date, report.params.horizon_end)
    assert [(d.date, d.label_id, d.kind) for d in report.deadlines] == expected
    table = computed.tables["echeances"]
    assert list(table["label_id"]) == [label for _, label, _ in expected]


def test_rich_2017_deadlines():
    report = report_for(RICH, 2017).report
    # Pavillon Bleu's award of May 2018 was not known on 31 December 2017: it is not a deadline.
    assert [(d.iso(), d.label_id, d.kind) for d in report.deadlines] == [
        ("2019-07-10", "ville-fleurie", "jury_visit"),
        ("2019", "ville-fleurie", "validity_end"),
    ]
    assert report.key_figures["renewals_due"] == 1


def test_sample_deadlines_and_the_empty_calendar(tmp_path):
    """2017: nothing within 24 months, the chapter says so and names the next deadline;
    2018: the UNICEF agreement ends in 2020."""
    computed = report_for(SAMPLE, 2017)
    text = render_chapter("calendar", computed, tmp_path)
    assert "Aucune échéance connue ne tombe dans les 24 prochains mois" in text
    assert "Ville amie des enfants\\, 2020" in text
    path = write_ics(computed.report, tmp_path / "echeances.ics")
    assert events_of(icalendar.Calendar.from_ical(path.read_bytes())) == []
    computed = report_for(SAMPLE, 2018)
    assert [(d.date, d.label_id, d.kind) for d in computed.report.deadlines] == [
        (dt.date(2020, 12, 31), "ville-amie-des-enfants", "validity_end")]
    text = render_chapter("calendar", computed, tmp_path)
    assert "| 2020 | Ville amie des enfants |" in text
    assert "date connue à l’année près" in text


def test_ics_is_rfc5545_and_matches_the_chapter(tmp_path):
    computed = report_for(RICH, 2017)
    report = computed.report
    chapter = render_chapter("calendar", computed, tmp_path)
    assert not (tmp_path / "echeances.ics").exists(), "the calendar file is the publishing step's, not the chapter's"
    raw = write_ics(report, tmp_path / "echeances.ics").read_bytes()
    assert raw == ics_bytes(report)
    for deadline in report.deadlines:
        assert f"| {report.label_name(deadline.label_id)} |" in chapter.replace("\\", "")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and str(calendar["PRODID"]).startswith("-//labels-report//")
    events = events_of(calendar)
    assert len(events) == len(report.deadlines) == 2
    starts = [e.decoded("DTSTART") for e in events]
    assert starts == [d.date for d in report.deadlines] == sorted(starts)
    for event, deadline in zip(events, report.deadlines, strict=True):
        assert type(event.decoded("DTSTART")) is dt.date  # all-day: DTSTART;VALUE=DATE
        assert event.decoded("DTSTAMP") == dt.datetime(2017, 12, 31, tzinfo=dt.timezone.utc)
        assert report.label_name(deadline.label_id) in str(event["SUMMARY"])
        assert str(event["DESCRIPTION"])
    assert str(events[0]["SUMMARY"]) == "Villes et Villages Fleuris\u00a0: visite du jury"
    assert "date connue à l’année près (2019)" in str(events[1]["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == 2


def test_ics_uids_are_stable_across_builds_and_years(tmp_path):
    """The same deadline keeps its UID (a calendar application updates it, never duplicates it)."""
    uids = {}
    for year in (2017, 2018):
        calendar = icalendar.Calendar.from_ical(ics_bytes(report_for(RICH, year).report))
        uids[year] = {e.decoded("DTSTART"): str(e["UID"]) for e in events_of(calendar)}
    jury = dt.date(2019, 7, 10)
    # The town's slug is its folder's name.
    assert uids[2017][jury] == uids[2018][jury] == "20190710-jury-visit-ville-fleurie@rich.labels-report"
    again = icalendar.Calendar.from_ical(ics_bytes(report_for(RICH, 2017).report))
    assert {e.decoded("DTSTART"): str(e["UID"]) for e in events_of(again)} == uids[2017]


def test_ics_in_english_and_with_awkward_text(tmp_path):
    """Commas, semicolons, backslashes and line breaks in the data survive the round trip."""
    folder = tmp_path / "town"
    shutil.copytree(RICH, folder)
    labels = (folder / "labels.csv").read_text("utf-8").replace(
        "Villes et Villages Fleuris", '"Fleurs; villes, villages \\ et ""jardins"""')
    (folder / "labels.csv").write_text(labels, "utf-8")
    events = (folder / "label_events.csv").read_text("utf-8").replace(
        "Visite du jury national prévue.", '"Ligne 1\nLigne 2; fin, ok"')
    (folder / "label_events.csv").write_text(events, "utf-8")
    report = report_for(folder, 2017, lang="en").report
    path = write_ics(report, tmp_path / "out" / "echeances.ics")
    jury = [e for e in events_of(icalendar.Calendar.from_ical(path.read_bytes()))
            if e.decoded("DTSTART") == dt.date(2019, 7, 10)][0]
    assert str(jury["SUMMARY"]) == 'Fleurs; villes, villages \\ et "jardins": jury visit'
    assert "Ligne 1\nLigne 2; fin, ok" in str(jury["DESCRIPTION"])


@pytest.mark.slow
def test_published_ics(sample_build):
    for result in sample_build.values():
        path = result.folder / "echeances.ics"
        assert result.files["ics"] == path
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar["VERSION"] == "2.0"
        html = result.files["html"].read_text("utf-8")
        assert 'href="echeances.ics"' in html
