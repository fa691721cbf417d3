"""Editions: the public edition leaves out, at the data level, actions marked
``public = no``, referents and internal comments; the council edition shows them.

Names are planted in a copy of the rich fixture and looked for in every file
each edition publishes (HTML, PDF, CSV, workbook, calendar).
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from paths import RICH, ROOT
from labels_report.data.load import load_dataset
from labels_report.model.params import ReportParams
from labels_report.data.issues import message
from labels_report.model.compute import compute
from labels_report.model.report import edition_view

REFERENT = "Jeanne Planteur"
HIDDEN = "Bernard Lemoine"


def plant(folder: Path) -> Path:
    """The rich fixture with a referent's name, an internal action named after a person,
    and internal comments naming him (on that action and on a public one)."""
    town = folder / "planted"
    shutil.copytree(RICH, town)

    def edit(name: str, change) -> None:
        path = town / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = list(rows[0])
        rows = change(rows)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def labels(rows):
        rows[0]["referent"] = REFERENT
        return rows

    def actions(rows):
        return rows + [{**rows[0], "action_id": "A7", "title": f"Réunion avec {HIDDEN}",
                        "description": f"Rendez-vous de {HIDDEN}.", "labels": "ville-fleurie", "partners": "",
                        "public": "no"}]

    def years(rows):
        for row in rows:
            if row["action_id"] == "A1" and row["year"] == "2017":
                row["comment"] = f"Voir avec {HIDDEN}"
        return rows + [{**rows[0], "action_id": "A7", "year": "2017", "status": "planned", "progress": "",
                        "budget_planned": "", "budget_spent": "", "budget_kind": "",
                        "comment": f"Appeler {HIDDEN}"}]

    edit("labels.csv", labels)
    edit("actions.csv", actions)
    edit("action_years.csv", years)
    return town


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def published_texts(folder: Path) -> dict[str, str]:
    """Every published file as text (PDF text, HTML text and source, CSV, workbook XML, calendar)."""
    texts: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".pdf":
            texts[name] = pdf_text(path)
        elif path.suffix == ".html":
            source = path.read_text("utf-8")
            texts[name] = source
            texts[name + " (text)"] = BeautifulSoup(source, "html.parser").get_text(" ")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[name] = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        else:
            texts[name] = path.read_text("utf-8")
    return texts


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory, engine):
    from labels_report.publish.build import build

    base = tmp_path_factory.mktemp("planted")
    town = plant(base)
    results = build(town, 2017, editions=["conseil", "public"], langs=["fr"], engine=engine, out=base / "out",
                    project=ROOT)
    return {r.params.edition: r for r in results}


@pytest.mark.slow
def test_public_edition_hides_planted_names(planted_build):
    public = planted_build["public"]
    texts = published_texts(public.folder)
    assert {"rapport-labels-planted-2017.html", "rapport-labels-planted-2017.pdf", "echeances.ics",
            "donnees/actions.csv"} <= set(texts)
    for name, text in texts.items():
        for planted in (REFERENT, HIDDEN, "Lemoine", "Planteur"):
            assert planted not in text, f"{planted!r} found in public {name}"
    html = BeautifulSoup(public.files["html"].read_text("utf-8"), "html.parser").get_text(" ")
    assert "Jardins partagés" in html  # the public actions are there
    assert "Édition publique" in html


@pytest.mark.slow
def test_council_edition_shows_them(planted_build):
    council = planted_build["conseil"]
    text = " ".join(pdf_text(council.files["pdf"]).split())
    assert REFERENT in text
    assert f"Réunion avec {HIDDEN}" in text
    assert f"Appeler {HIDDEN}" in text and f"Voir avec {HIDDEN}" in text
    html = BeautifulSoup(council.files["html"].read_text("utf-8"), "html.parser").get_text(" ")
    assert REFERENT in html


@pytest.mark.slow
def test_public_totals_leave_out_internal_actions(planted_build):
    def figures(result) -> dict[str, str]:
        with (result.folder / "donnees" / "chiffres-cles.csv").open(encoding="utf-8") as handle:
            return {row["figure"]: row["value"] for row in csv.DictReader(handle)}

    council, public = figures(planted_build["conseil"]), figures(planted_build["public"])
    assert (council["actions_total"], council["budget_planned"]) == ("7", "49000")
    assert (public["actions_total"], public["budget_planned"]) == ("5", "47000")  # without A4 and A7


def test_edition_view_at_the_data_level(tmp_path):
    data = load_dataset(plant(tmp_path))
    view = edition_view(data, public=True)
    assert set(view.actions["action_id"]) == {"A1", "A2", "A3", "A5", "A6"}
    assert set(view.action_years["action_id"]) <= set(view.actions["action_id"])
    assert set(view.labels["referent"]) == {""}
    assert set(view.action_years["comment"]) == {""}
    assert edition_view(data, public=False) is data
    council = compute(data, ReportParams(2017, edition="conseil"))
    public = compute(data, ReportParams(2017, edition="public"))
    # The council sees the warning about the internal action A7 (no budget); the public does not.
    assert any("A7" in message(issue) for issue in council.report.issues)
    assert not any("A7" in message(issue) or issue.row == 8 and issue.file == "actions.csv"
                   for issue in public.report.issues)
    assert "comment" in council.tables["actions"].columns
    assert "comment" not in public.tables["actions"].columns
    buffer = io.StringIO()
    public.tables["actions"].to_csv(buffer)
    assert HIDDEN not in buffer.getvalue()
