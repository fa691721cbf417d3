"""Reports from the files staff really produce: French Excel CSV, a workbook, the filled template."""

from __future__ import annotations

import pytest

import datetime as dt
import re

from pypdf import PdfReader

from paths import ROOT
from labels_report.publish.build import build
from labels_report.data.load import load_dataset
from labels_report.model.compute import compute
from labels_report.model.params import ReportParams
from labels_report.data.workbook import write_template
from test_data_contract import _variants


def test_french_excel_csv_and_workbook_give_the_same_report_figures(tmp_path):
    folders = _variants(tmp_path)
    figures = {}
    for variant, folder in folders.items():
        computed = compute(load_dataset(folder), ReportParams(2017))
        # Every table but the provenance one, which lists the input files and their hashes.
        figures[variant] = (computed.report.key_figures,
                            {name: frame.to_csv(index=False) for name, frame in computed.tables.items()
                             if not name.startswith("provenance")})
    assert figures["french-excel"] == figures["utf8"]
    assert figures["xlsx"] == figures["utf8"]
    assert figures["utf8"][0]["budget_planned"] > 0, "the comparison covers real amounts"


@pytest.mark.slow
def test_report_built_from_the_template_a_clerk_filled(tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "villeneuve"
    folder.mkdir()
    path = write_template(folder / "saisie.xlsx")
    book = load_workbook(path)
    book["Labels"].append(["ville-fleurie", "Villes et Villages Fleuris", "CNVVF", "Cadre de vie", "fleur", 4])
    book["Labels"].append(["ville-amie-des-enfants", "Ville amie des enfants", "UNICEF France", "Enfance"])
    events = book["Événements"]
    events.append(["ville-fleurie", dt.datetime(2015, 6, 1), "obtention", 2])
    events.append(["ville-fleurie", "12/09/2017", "Changement de niveau", 3])
    events.append(["ville-amie-des-enfants", "14/12/2016", "Renouvellement", None, "2014", "2020"])
    book["Actions"].append(["A01", "Plan « écoles 3.0 »", "Rénovation des écoles", "ville-amie-des-enfants; ville-fleurie",
                            "Équipements", "01/09/2016", None, "Service éducation", "CAF", None, None, None, None,
                            "oui"])
    book["Actions"].append(["A02", "Fleurissement des quartiers", None, "ville-fleurie", "Cadre de vie", None, None,
                            "Espaces verts", None, None, None, None, None, "oui"])
    years = book["Actions par année"]
    years.append(["A01", 2017, "Réalisée", 100, "500 000 €", 480000.25, "investissement"])
    years.append(["A02", "2017", "en cours", 50, 12000, "11 500,50 €", "fonctionnement"])
    book["Textes"].append([2017, "avant-propos", "Camille Martin, maire", "Une année de **fleurs** et d'écoles."])
    book["Textes"].append([2017, "ville-fleurie", None, "La troisième fleur obtenue en septembre."])
    for row in book["Commune"].iter_rows(min_row=2):
        if row[0].value == "nom":
            row[1].value = "Villeneuve-sur-Essai"
    book.save(path)

    [result] = build(folder, 2017, editions=["conseil"], engine="pandoc", out=tmp_path / "out", project=ROOT)
    text = re.sub(r"[ \t\r\n]+", " ", "\n".join(p.extract_text() for p in PdfReader(result.files["pdf"]).pages))
    assert "Villeneuve-sur-Essai" in text
    # the texts typed in the workbook: the foreword with its signatory, a label's account
    assert "Avant-propos" in text and "Une année de fleurs et d’écoles." in text and "Camille Martin, maire" in text
    assert "La troisième fleur obtenue en septembre." in text
    assert "Villes et Villages Fleuris" in text and "3 fleurs" in text
    assert "14\u00a0décembre\u00a02016" in text and "12\u00a0septembre\u00a02017" in text
    assert "Plan «\u00a0écoles 3.0\u00a0»" in text
    # The shared action is counted once: 500 000 + 12 000 planned, 480 000,25 + 11 500,50 spent.
    assert "512\u202f000\u00a0€" in text
    assert "491\u202f500,75\u00a0€" in text
    spent = (result.folder / "donnees" / "chiffres-cles.csv").read_text(encoding="utf-8")
    assert "491500.75" in spent
