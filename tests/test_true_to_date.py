"""A report is true to its date: a report as of D tells what was known on D.

Later years' data are added to copies of the sample town and of the rich fixture
(events of 2018-2020 for labels already followed, a label first awarded in
2020, action rows of later years, new actions, later texts); the earlier years'
reports must not change by one word, and must hold nothing dated after them.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from paths import RICH, SAMPLE
from labels_report.chapters.registry import CHAPTERS, render_chapter
from labels_report.data.load import load_dataset
from labels_report.model.compute import compute
from labels_report.model.params import ReportParams
from labels_report.publish.calendar import ics_bytes

LATER_LABEL = "ville-internet-2020"


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerows([{k: row.get(k, "") for k in header} for row in rows])


def with_later_years(source: Path, target: Path) -> Path:
    """A copy of ``source`` to which the years 2018 to 2020 have been added."""
    shutil.copytree(source, target)
    with (source / "label_events.csv").open(encoding="utf-8", newline="") as handle:
        followed = list(dict.fromkeys(row["label_id"] for row in csv.DictReader(handle)))
    with (source / "actions.csv").open(encoding="utf-8", newline="") as handle:
        action_ids = [row["action_id"] for row in csv.DictReader(handle) if not row["end_date"]]
    _append(target / "labels.csv", [{"label_id": LATER_LABEL, "name": "Ville Internet", "level_unit": "@",
                                     "level_max": "5", "awarding_body": "Association Villes Internet"}])
    _append(target / "label_events.csv", [
        {"label_id": LATER_LABEL, "date": "2020-02-12", "event": "awarded", "level": "3",
         "valid_from": "2020", "valid_until": "2020", "reference": "Palmarès 2020"},
        {"label_id": followed[0], "date": "2018-03-01", "event": "applied", "note": "Dossier déposé en 2018."},
        {"label_id": followed[0], "date": "2019-05-20", "event": "renewed", "valid_from": "2019",
         "valid_until": "2025", "reference": "Délibération 2019-033"},
        {"label_id": followed[-1], "date": "2018-06-30", "event": "withdrawn", "note": "Retrait en 2018."},
        {"label_id": followed[-1], "date": "2020-09-15", "event": "awarded", "note": "Nouvelle attribution."},
    ])
    _append(target / "actions.csv", [{"action_id": "L99", "title": "Action lancée en 2019", "labels": followed[0],
                                      "axis": "Axe ajouté plus tard", "start_date": "2019", "public": "yes"}])
    _append(target / "action_years.csv", [
        *({"action_id": action_id, "year": str(year), "status": "done", "budget_planned": "1000",
           "budget_spent": "999"} for action_id in action_ids[:3] for year in (2019, 2020)),
        {"action_id": "L99", "year": "2019", "status": "planned", "budget_planned": "7777"},
    ])
    for year in (2018, 2019):
        folder = target / "texts" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{followed[0]}.md").write_text(f"Bilan écrit pour {year}.\n", "utf-8")
    return target


def report_text(folder: Path, year: int, edition: str, lang: str, out: Path) -> dict[str, str]:
    """Every chapter's Markdown, every table as CSV and the calendar file of a report."""
    computed = compute(load_dataset(folder), ReportParams(year=year, edition=edition, lang=lang))
    found = {name: render_chapter(name, computed, out) for name in CHAPTERS}
    found.update({f"{name}.csv": frame.to_csv(index=False) for name, frame in computed.tables.items()})
    found["echeances.ics"] = ics_bytes(computed.report).decode("utf-8")
    return found


@pytest.mark.parametrize("source,years", [(SAMPLE, (2016, 2017)), (RICH, (2016, 2017))], ids=["sample", "rich"])
@pytest.mark.parametrize("edition,lang", [("conseil", "fr"), ("public", "en")])
def test_adding_later_years_changes_no_earlier_report(source, years, edition, lang, tmp_path):
    later = with_later_years(source, tmp_path / source.name)
    for year in years:
        before = report_text(source, year, edition, lang, tmp_path / "before")
        after = report_text(later, year, edition, lang, tmp_path / "after")
        assert before.keys() == after.keys()
        for name in before:
            assert after[name] == before[name], (year, name)


@pytest.mark.parametrize("source", [SAMPLE, RICH], ids=["sample", "rich"])
def test_a_report_holds_nothing_dated_after_it(source, tmp_path):
    """Each report of 2016 and 2017 built on the data with later years: no year after it is
    named, but in a jury visit already scheduled, or a validity end known on its date."""
    later = with_later_years(source, tmp_path / source.name)
    data = load_dataset(later)
    for year in (2016, 2017):
        computed = compute(data, ReportParams(year=year))
        report = computed.report
        assert LATER_LABEL not in report.label_ids
        assert "L99" not in set(report.year_actions["action_id"])
        assert int(computed.tables["evolution-pluriannuelle"]["year"].max()) == year
        assert all(e.date.year <= year or e.event == "jury_visit" for events in report.histories.values()
                   for e in events)
        markdown = "\n".join(render_chapter(name, computed, tmp_path) for name in CHAPTERS)
        for later_fact in ("Palmarès 2020", "Délibération 2019-033", "Action lancée en 2019", "Bilan écrit pour",
                           "7\u202f777", "Retrait en 2018", "Nouvelle attribution"):
            assert later_fact not in markdown.replace("\\", ""), (year, later_fact)
        # Any later year the report names is one the earlier data already named (the end of an
        # agreement, a date in a note), or the end of its horizon; the provenance line aside.
        markdown = "\n".join(line for line in markdown.replace("\\", "").splitlines() if "labels-report" not in line)
        earlier = {int(y) for path in source.rglob("*") if path.is_file() and path.suffix in (".csv", ".md")
                   for y in re.findall(r"\b(20\d\d)\b", path.read_text("utf-8"))}
        named = {int(y) for y in re.findall(r"\b(20\d\d)\b", markdown)}
        assert {y for y in named if y > year} <= earlier | {report.params.horizon_end.year}, (year, sorted(named))
