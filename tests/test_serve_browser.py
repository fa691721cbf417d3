"""The staff's page in a real browser (headless Debian Chromium, Playwright): a clerk's whole path.

A workbook from ``labels-report template``, filled in with two mistakes, is
dropped on the page: the errors show as a table, with the messages the command
prints. The corrected workbook is dropped, the report built, its PDF
downloaded and its text read. axe-core finds no violation in any state of the
page, on a phone and a desktop; the page never scrolls sideways on a phone.

``LABELS_REPORT_SCREENSHOTS=docs`` also keeps there the two screenshots the
README shows (``make screenshots``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_accessibility import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, describe
from test_build_sample import pdf_text
from test_clerk import filled_template

from paths import ROOT, need

AXE_EXTRA = ["best-practice"]
README_SHOTS = ("page-erreurs-375.png", "page-publie-1280.png")
"""The screenshots the README shows (``make screenshots`` takes them again)."""
BUILD_SECONDS = 600


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium speaking French, as a clerk's browser does (its file picker too)."""
    need(CHROMIUM.exists(), "Headless Chromium is needed: install the Debian package chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--lang=fr-FR"])
        try:
            yield launched
        finally:
            launched.close()


def plain(text: str) -> str:
    """Text as the command prints it: the page sets French typography (no-break spaces, the
    typographic apostrophe), the terminal does not."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2019", "'")).strip()


def broken_copy(good: Path, target: Path) -> Path:
    """The workbook with two mistakes a clerk makes: a label id misspelt, a date that does not exist."""
    from openpyxl import load_workbook

    book = load_workbook(good)
    events = book["Événements"]
    rows = [row for row in events.iter_rows(min_row=2) if row[0].value == "ville-amie-des-enfants"]
    rows[0][0].value = "ville-amie-enfants"
    rows[1][1].value = "31/02/2016"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


@pytest.fixture
def workbooks(tmp_path) -> tuple[Path, Path]:
    folder = filled_template(tmp_path / "data" / "testville", "fr")
    good = tmp_path / "depot" / "saisie-testville.xlsx"
    good.parent.mkdir()
    shutil.copy(folder / "saisie.xlsx", good)
    broken = broken_copy(good, tmp_path / "depot-faux" / "saisie-testville.xlsx")
    broken_folder = tmp_path / "faux" / "testville"
    broken_folder.mkdir(parents=True)
    shutil.copy(broken, broken_folder / broken.name)
    return good, broken


@pytest.fixture
def page_url(tmp_path):
    """``labels-report serve`` as a clerk starts it (without opening a browser: the test is the browser)."""
    process = subprocess.Popen([sys.executable, "-m", "labels_report.cli", "serve", "--no-browser",
                                "--out", str(tmp_path / "out"), "--engine", "pandoc"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""})
    first = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert match, first + process.stderr.read()
    try:
        yield match[0], tmp_path / "out"
    finally:
        process.terminate()
        process.wait(timeout=30)


def accessible(page, state: str) -> None:
    """axe-core: no violation (WCAG 2.1 A and AA, and axe's best practices), on a phone and a desktop;
    no sideways scrolling on the phone."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        violations = axe_violations_with(page, AXE_EXTRA)
        assert violations == [], f"{state} at {viewport['width']} px:\n{describe(violations)}"
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], state


def axe_violations_with(page, extra: list[str]) -> list[dict]:
    from test_accessibility import AXE, AXE_TAGS, NPM_TOOLS

    need(AXE.is_file(), f"axe-core is needed: run `{NPM_TOOLS}` (.ci/run does it)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                         resultTypes: ['violations']})""", AXE_TAGS + extra)
    return result["violations"]


def shoot(page, name: str, tmp_path: Path) -> None:
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        path = tmp_path / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        keep = os.environ.get("LABELS_REPORT_SCREENSHOTS")
        if keep and path.name in README_SHOTS:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)


def cli_check(folder: Path) -> str:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", "check", "--data", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""},
                          check=False).stdout


@pytest.mark.browser
@pytest.mark.slow
def test_a_clerk_drops_a_workbook_corrects_it_builds_and_downloads_the_pdf(browser, workbooks, page_url, tmp_path):
    good, broken = workbooks
    url, out = page_url
    # bypass_csp: only so that axe-core can be injected; the page itself runs under its policy
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, bypass_csp=True,
                                  locale="fr-FR")
    page = context.new_page()
    page.goto(url)
    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Rapport annuel des labels"
    accessible(page, "empty page")
    shoot(page, "page-depot", tmp_path)

    # 1. the workbook with mistakes: the errors, as a table, worded as the command words them
    page.get_by_label("Classeur de la commune").set_input_files(str(broken))
    page.get_by_role("button", name="Déposer et contrôler").click()
    page.wait_for_selector("#controle")
    page.wait_for_function("document.activeElement.id === 'controle-titre'", timeout=5000)  # the check is read first
    summary = plain(page.locator("#controle .bilan").inner_text())
    assert "« saisie-testville.xlsx »" in summary and re.search(r"\b2 erreurs\b", summary), summary
    rows = page.locator("#constats tbody tr")
    problems = [plain(rows.nth(i).locator("td").nth(5).inner_text()) for i in range(rows.count())]
    assert any("vouliez-vous dire « ville-amie-des-enfants » ?" in p for p in problems), problems
    assert rows.nth(0).locator("td").nth(0).inner_text() == "erreur"
    printed = plain(cli_check(tmp_path / "faux" / "testville"))
    for problem in problems:
        assert problem in printed, problem
    assert page.locator("#choix").count() == 0, "nothing can be built while an error is left"
    accessible(page, "errors")
    shoot(page, "page-erreurs", tmp_path)

    # 2. the corrected workbook: no error, the choices, "Construire"
    page.get_by_label("Classeur de la commune").set_input_files(str(good))
    page.get_by_role("button", name="Déposer et contrôler").click()
    page.wait_for_selector("#choix")
    assert re.search(r"\b0 erreur\b", plain(page.locator("#controle .bilan").inner_text()))
    assert page.get_by_role("heading", name="3. Construire le rapport de Testville").is_visible()
    year = page.get_by_label("Année du rapport")
    assert year.input_value() == "2018", "the last complete year that has data is proposed"
    year.select_option("2017")
    page.get_by_label("Édition").select_option("conseil")
    accessible(page, "ready to build")
    page.get_by_role("button", name="Construire").click()
    page.wait_for_selector("#construction")
    status = page.locator("#etat")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    accessible(page, "building")
    page.wait_for_function("document.getElementById('etat') && document.getElementById('etat').dataset.finished === '1'",
                           timeout=BUILD_SECONDS * 1000)
    text = plain(status.inner_text())
    assert "Le rapport est publié." in text, text + page.locator("#etapes").text_content()
    steps = plain(page.locator("#etapes").text_content())
    assert "Chapitre 2/6 : Les labels" in steps and "Mise en page : PDF" in steps
    # the focus goes to the result
    page.wait_for_function("document.activeElement.id === 'construction-titre'", timeout=5000)
    accessible(page, "built")
    shoot(page, "page-publie", tmp_path)

    # 3. the PDF, downloaded, holds the town's report of 2017
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger Rapport PDF").click()
    pdf = tmp_path / "telecharge.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "rapport-labels-testville-2017.pdf"
    text = pdf_text(pdf)
    assert "Testville" in text and "2017" in text and "Un avant-propos tapé dans le classeur." in text
    assert pdf.read_bytes() == (out / "testville" / "2017" / "conseil" / "rapport-labels-testville-2017.pdf").read_bytes()

    # the web page opens apart from the staff's page, and the data are there to download
    with context.expect_page() as opened:
        page.get_by_role("link", name="Ouvrir Page web").click()
    report = opened.value
    report.wait_for_load_state()
    assert "Testville" in report.title()
    report.close()
    assert page.get_by_role("link", name="Télécharger Données du rapport (classeur Excel)").is_visible()
    tables = page.get_by_role("link", name=re.compile(r"^[a-z-]+\.csv$"), include_hidden=True)
    assert tables.count() >= 5
    # the check shown is the built year's, and the result says how many warnings it holds
    count = re.search(r"0 erreur, (\d+) avertissements?", plain(page.locator("#controle .bilan").inner_text()))
    warnings = int(count[1])
    if warnings:
        assert "pour le rapport 2017" in plain(page.locator("#constats-legende").inner_text())
    ending = plain(page.locator("#construction > p").last.inner_text())
    assert (f"{warnings} avertissement" in ending) if warnings else ("Aucun avertissement" in ending), ending

    # what the page refuses, asked from the browser: a file outside the output, a form without its token,
    # a request naming another host
    for path in ("rapports/..%2F..%2F..%2Fpyproject.toml", "rapports/testville/2017/../../../secret",
                 "rapports/.build/x"):
        assert page.request.get(url + path).status in (403, 404), path
    refused = page.request.post(url + "construire", form={"annee": "2017", "edition": "conseil", "langue": "fr"})
    assert refused.status == 403 and "Formulaire refusé" in refused.text()
    assert page.request.get(url, headers={"Host": "evil.example"}).status == 400

    # the same page in English, when asked
    page.get_by_role("link", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("heading", name="2. Check of the data").is_visible()
    accessible(page, "built, in English")
    context.close()
