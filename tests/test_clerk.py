"""A town's staff run the command in French: help, progress, results and errors in their language,
no trap default, and the workbook from ``template`` filled in and built.

English when the locale says so (``LANG=en_US.UTF-8``) or ``--lang en`` is given.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from make_broken_corpus import BASE, to_workbook

from paths import ROOT, SAMPLE
from test_build_sample import pdf_text

from labels_report.cli import Progress
from labels_report.core.i18n import catalogue
from labels_report.data.load import load_dataset
from labels_report.data.workbook import write_template
from labels_report.model.years import has_data, report_year

FRENCH = {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
ENGLISH = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env=env or FRENCH)


# -- the command speaks French, and English when asked -------------------------------------------

ENGLISH_WORDS = ("show this help", "usage:", "the year", "default:", "positional arguments", "error:", "version number")


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"], ["serve", "--help"]])
def test_help_is_french(args):
    out = cli(*args).stdout
    assert out.startswith("utilisation : labels-report")
    assert "afficher cette aide et quitter" in out
    assert not [word for word in ENGLISH_WORDS if word in out], out
    if args[0] == "build":
        assert "l'année du rapport (par défaut\u00a0: la dernière année terminée" in re.sub(r"[ \n]+", " ", out)
        assert "\n                        :" not in out, "a colon never starts a line"


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_is_english_for_an_english_locale(args):
    out = cli(*args, env=ENGLISH).stdout
    assert out.startswith("usage: labels-report") and "show this help message and exit" in out
    assert "afficher" not in out and "par défaut" not in out and "utilisation" not in out
    if args[0] == "build":
        assert "the year the report covers (default: the last year that has ended and has data)" \
            in re.sub(r"[ \n]+", " ", out)


def test_a_parameter_error_is_french_then_english():
    french = cli("build", "--data", str(SAMPLE), "--edition", "presse")
    assert french.returncode == 2
    assert "labels-report build : erreur : argument --edition : choix invalide : 'presse'" in french.stderr
    english = cli("build", "--data", str(SAMPLE), "--edition", "presse", env=ENGLISH)
    assert english.returncode == 2 and "error: argument --edition: invalid choice: 'presse'" in english.stderr
    assert "Traceback" not in french.stderr + english.stderr


# -- no trap defaults -------------------------------------------------------------------------------

def test_data_must_be_named_when_the_project_holds_several_towns(tmp_path):
    towns = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_dir())
    assert len(towns) > 1
    for command in ("build", "check"):
        result = cli(command, "--out", str(tmp_path / "out")) if command == "build" else cli(command)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"le dossier data du projet contient plusieurs communes ({', '.join(towns)})" in result.stderr
        assert "indiquez laquelle avec --data" in result.stderr
    assert not (tmp_path / "out").exists()
    english = cli("check", env=ENGLISH)
    assert "holds several towns" in english.stderr and "say which with --data" in english.stderr


def test_the_only_town_of_a_project_needs_no_data_option(project_copy):
    shutil.rmtree(project_copy / "data" / "exempleville")
    result = cli("check", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    assert "Année du rapport : 2018, la dernière année terminée qui a des données" in result.stderr
    assert re.search(r"^0 erreur, \d+ avertissements$", result.stdout, re.MULTILINE)


def test_the_default_year_is_the_last_complete_year_that_has_data():
    data = load_dataset(SAMPLE)  # action years 2016 to 2018, events up to 2017
    assert report_year(data, dt.date(2026, 11, 30)) == 2018
    assert report_year(data, dt.date(2018, 6, 1)) == 2017, "2018 has not ended"
    assert has_data(data, 2010) and has_data(data, 2030) and not has_data(data, 2005)


@pytest.mark.parametrize("year", ["2005", "1990"])
def test_a_year_with_no_data_at_all_is_refused_with_a_sentence(tmp_path, year):
    for command in ("build", "check"):
        extra = ["--out", str(tmp_path / "out"), "--engine", "pandoc"] if command == "build" else []
        result = cli(command, "--data", str(SAMPLE), "--year", year, *extra)
        assert result.returncode == 2, result.stderr
        assert (f"aucune donnée pour {year} (ni événement de label jusqu'en {year}, ni action suivie en {year}) ; "
                "les données vont de 2008 à 2018") in result.stderr
        assert "Traceback" not in result.stderr
    assert not any((tmp_path / "out").rglob("*.pdf"))


def test_a_town_with_no_data_yet_says_so(tmp_path):
    folder = tmp_path / "data" / "nouvelle"
    assert cli("init", "--town", "Nouvelle", "--data", str(folder)).returncode == 0
    result = cli("build", "--data", str(folder), "--out", str(tmp_path / "out"), "--engine", "pandoc")
    assert result.returncode == 2
    assert "Rien n'a été publié : aucune année terminée n'a encore de données" in result.stderr


@pytest.mark.slow
def test_build_without_a_year_builds_the_last_complete_year_and_says_so(tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--data", str(SAMPLE), "--out", str(out), "--engine", "pandoc")
    assert result.returncode == 0, result.stderr
    assert "Année du rapport : 2018, la dernière année terminée qui a des données (--year pour une autre)" \
        in result.stderr
    # chapters by their titles, the formats by their names
    for line in ("Chapitre 1/6 : Synthèse", "Chapitre 2/6 : Les labels", "Chapitre 6/6 : Annexes",
                 "Mise en page : PDF", "Mise en page : page web", "Publié : "):
        assert line in result.stderr, line
    assert "ipynb" not in result.stderr and "01-summary" not in result.stderr
    pdf = out / "soissons" / "2018" / "conseil" / "rapport-labels-soissons-2018.pdf"
    assert "2018" in pdf_text(pdf)
    # the end: what was published, and the warnings with the command that lists them
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "Le rapport est publié."
    warnings = re.fullmatch(r"(\d+) avertissements sur les données ; pour les lister : "
                            r"labels-report check --data (\S+) --year 2018", lines[-1])
    assert warnings, lines[-1]
    listed = cli("check", "--data", str(SAMPLE), "--year", "2018")
    assert re.search(rf"^0 erreur, {warnings[1]} avertissements$", listed.stdout, re.MULTILINE), listed.stdout
    # the same year as check chooses
    assert "Année du rapport : 2018" in cli("check", "--data", str(SAMPLE)).stderr


# -- progress: lines in a file or a pipe, a bar with the time left in a terminal -----------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_with_the_time_left_only_in_a_terminal():
    for stream, bar in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress(catalogue("fr"), stream)
        progress.steps(0, 12)
        progress.line("Chapitre 1/6 : Synthèse")
        progress.steps(6, 12)
        progress.close()
        text = stream.getvalue()
        assert "Chapitre 1/6 : Synthèse\n" in text
        assert ("50 % |" in text and "reste" in text) == bar, repr(text)
    english = Terminal()
    progress = Progress(catalogue("en"), english)
    progress.steps(3, 4)
    progress.close()
    assert " 75 % |" in english.getvalue() and "left" in english.getvalue()


# -- the workbook from `template`, filled in as a clerk would, builds --------------------------------

def filled_template(folder: Path, lang: str) -> Path:
    """The minimal town typed into a workbook written by ``template`` (French or English sheets and
    headers), as a clerk fills it: French words, dates as typed, the town sheet, a text."""
    from openpyxl import load_workbook

    folder.mkdir(parents=True)
    path = write_template(folder / "saisie.xlsx", lang=lang)
    source = shutil.copytree(BASE, folder.parent / "source")
    reference = load_workbook(to_workbook(source))  # the same data, sheet by sheet (English names)
    book = load_workbook(path)
    from labels_report.data.contract import TABLES

    for table in TABLES.values():
        target = book[table.sheet_name(lang)]
        for row in reference[table.name].iter_rows(min_row=2, values_only=True):
            target.append(list(row))
    town = book["Commune" if lang == "fr" else "town"]
    values = {"nom": "Testville", "name": "Testville", "code INSEE": "02722", "insee_code": "02722",
              "adresse": "1 place de la Mairie", "address": "1 place de la Mairie"}
    for row in town.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    texts = book["Textes" if lang == "fr" else "texts"]
    texts.append([2017, "avant-propos", "Camille Martin, maire", "Un avant-propos tapé dans le classeur."])
    book.save(path)
    shutil.rmtree(source)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_workbook_from_template_filled_in_builds(tmp_path, lang):
    folder = filled_template(tmp_path / "data" / "testville", lang)
    out = tmp_path / "out"
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(out), "--engine", "pandoc")
    assert result.returncode == 0, result.stderr + result.stdout
    text = pdf_text(out / "testville" / "2017" / "conseil" / "rapport-labels-testville-2017.pdf")
    assert "Testville" in text and "Un avant-propos tapé dans le classeur." in text
    assert "Camille Martin, maire" in text and "1 place de la Mairie" in text


def test_a_mistyped_command_or_value_gets_a_suggestion_and_a_plain_word():
    command = cli("buil")
    assert command.returncode == 2
    assert "choix invalide : 'buil'" in command.stderr and "vouliez-vous dire « build » ?" in command.stderr
    year = cli("build", "--year", "deux")
    assert "argument --year : année invalide : 'deux'" in year.stderr and " int " not in year.stderr
    english = cli("build", "--edition", "publc", env=ENGLISH)
    assert "invalid choice: 'publc'" in english.stderr and 'did you mean "public"?' in english.stderr
    help_text = cli("--help").stdout
    assert "\n  build " in help_text and "COMMANDE\n" not in help_text, "the commands, without a placeholder line"


def test_a_reference_to_an_unknown_label_names_the_columns_as_the_workbook_does(tmp_path):
    """In a French workbook, an event, an action, a year of an action and a text that point to
    what the data do not hold are told with the sheets' own French column names."""
    from openpyxl import load_workbook

    folder = filled_template(tmp_path / "data" / "testville", "fr")
    book = load_workbook(folder / "saisie.xlsx")
    events, actions, years = book["Événements"], book["Actions"], book["Actions par année"]
    events.cell(2, 1).value = "ville-fleurrie"
    actions.append(["A99", "Action sans label", None, "ville-inconnue"])
    years.cell(2, 1).value = "Z99"
    book["Textes"].append([2017, "label-inconnu", None, "Un texte."])
    book.save(folder / "saisie.xlsx")
    result = cli("check", "--data", str(folder), "--year", "2017")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    said = result.stdout + result.stderr
    labels_id = book["Labels"].cell(1, 1).value
    actions_id = actions.cell(1, 1).value
    assert f"label inconnu « ville-fleurrie » : absent de la colonne {labels_id} dans saisie.xlsx [Labels]" in said
    assert f"label inconnu « ville-inconnue » : absent de la colonne {labels_id}" in said
    assert f"action inconnue « Z99 » : absente de la colonne {actions_id} dans saisie.xlsx [Actions]" in said
    assert f"attendu l’identifiant d’un label (colonne {labels_id} dans saisie.xlsx [Labels])" in said
    assert "label_id" not in said and "action_id" not in said
