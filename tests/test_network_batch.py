"""A network built in a batch, for real: local worker processes and a Dask LocalCluster of 2 workers,
one warm kernel per worker, one town's bad data failing alone, a second run with nothing to do, the
index page accessible, searchable and sortable offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from labels_report.data.places import commune_key
from labels_report.model.palmares import import_palmares
from labels_report.publish.batch import Outcome, run_batch
from paths import ROOT, need
from pdftools import pdf_text

pytestmark = pytest.mark.slow

LABEL = "villes-villages-fleuris"
YEAR = 2016
PALMARES = """Année;Commune;Code INSEE;Code postal;Département;Fleurs
2015;St-Quentin;;;Aisne;3
2015;Laon;;;02;2
2015;Chantilly;;;Oise (60);4
2015;Abbeville;;;80;1
2016;Saint-Quentin;02691;02100;;2
2016;Laon;02408;02000;02;3
2016;Chantilly;60141;60500;;4
2016;Villers-Cotterêts;02810;02600;02;1
2016;SAINT-VALERY-SUR-SOMME;80721;80230;;2
"""
"""Saint-Quentin loses a flower in 2016, Laon gains one, Chantilly keeps four, Abbeville leaves the
list, Villers-Cotterêts and Saint-Valery-sur-Somme join it (in the Somme, so the 2016 list covers
Abbeville's département: its absence is a withdrawal)."""
TOWNS = ["abbeville", "chantilly", "laon", "saint-quentin", "saint-valery-sur-somme", "villers-cotterets"]


@pytest.fixture(scope="session")
def network(tmp_path_factory) -> Path:
    """The imported network, and one more town whose data hold an error."""
    base = tmp_path_factory.mktemp("network")
    table = base / "palmares.csv"
    table.write_bytes(PALMARES.replace("\n", "\r\n").encode("cp1252"))
    data = base / "data"
    import_palmares(table, LABEL, data)
    broken = data / "soissons"
    shutil.copytree(ROOT / "data" / "soissons", broken)
    events = broken / "label_events.csv"
    events.write_text(events.read_text("utf-8").replace("2016-12-14", "2016-02-31"), "utf-8")
    return data


@pytest.fixture(scope="session")
def local_batch(network, tmp_path_factory):
    out = tmp_path_factory.mktemp("out-local")
    lines: list[str] = []
    result = run_batch(network, YEAR, editions=["conseil"], workers=2, executor="local", engine="pandoc", out=out,
                       project=ROOT, progress=lines.append)
    return result, out, lines


@pytest.fixture(scope="session")
def dask_cluster():
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster
    cluster.close()


def by_town(result) -> dict[str, object]:
    return {r.unit.town: r for r in result.results}


def test_every_town_is_built_but_the_one_with_bad_data_which_fails_alone(local_batch):
    result, out, lines = local_batch
    outcomes = {town: r.outcome for town, r in by_town(result).items()}
    assert outcomes == {**dict.fromkeys(TOWNS, Outcome.BUILT), "soissons": Outcome.FAILED}, \
        {town: r.failure for town, r in by_town(result).items() if r.failure}
    failure = by_town(result)["soissons"].failure
    assert failure.bad_input and failure.errors == 1
    assert (failure.issue.file, failure.issue.row, failure.issue.column, failure.issue.value) == \
        ("label_events.csv", 3, "date", "2016-02-31")
    for town in TOWNS:
        assert (out / town / str(YEAR) / "conseil" / f"rapport-labels-{town}-{YEAR}.pdf").is_file()
    assert not (out / "soissons").exists()
    # progress: counts, the time left, French
    assert lines[0].startswith("7 communes, 7 rapports à construire : 0 à jour, 7 à construire sur 2 processus")
    assert lines[-1].startswith("[7/7] ") and "reste environ" in lines[-1] and "1 échec" in lines[-1]


def test_each_worker_keeps_one_warm_kernel_across_the_towns_it_builds(local_batch):
    result, _out, _lines = local_batch
    built = [r for r in result.results if r.worker]
    workers = {r.worker for r in built}
    kernels = {r.kernel for r in built if r.kernel}
    assert len(workers) == 2 and len(kernels) == 2, (workers, kernels)
    assert len(built) == 7  # seven towns, two kernel starts


def test_a_town_that_lost_a_flower_says_so_in_its_report(local_batch):
    _result, out, _lines = local_batch
    page = out / "saint-quentin" / str(YEAR) / "conseil" / f"rapport-labels-saint-quentin-{YEAR}.html"
    text = " ".join(BeautifulSoup(page.read_text("utf-8"), "html.parser").main.get_text(" ").split())
    assert "détenu (3 fleurs) détenu (2 fleurs) niveau en baisse" in text
    laon = out / "laon" / str(YEAR) / "conseil" / f"rapport-labels-laon-{YEAR}.html"
    assert "niveau en hausse" in BeautifulSoup(laon.read_text("utf-8"), "html.parser").main.get_text(" ")
    pdf = subprocess.run(["pdftotext", "-layout", str(page.with_suffix(".pdf")), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "en baisse" in pdf and "Saint-Quentin" in pdf


def test_the_index_links_every_report_and_counts_the_moves(local_batch):
    result, out, _lines = local_batch
    soup = BeautifulSoup(result.index.page.read_text("utf-8"), "html.parser")
    rows = {row.find("td").get_text(): row.find_all("td") for row in soup.select("#towns tbody tr")}
    # a town whose data hold errors is named by its folder, and said to be corrected
    assert set(rows) == {"Abbeville", "Chantilly", "Laon", "Saint-Quentin", "Saint-Valery-sur-Somme",
                         "Villers-Cotterêts", "soissons"}
    assert [rows[t][2].get_text() for t in ("Saint-Quentin", "Laon", "Chantilly", "Abbeville", "Villers-Cotterêts")] \
        == ["2", "3", "4", "non labellisée", "1"]
    assert [rows[t][3].get_text() for t in ("Saint-Quentin", "Laon", "Chantilly", "Abbeville", "Villers-Cotterêts")] \
        == ["en baisse (3 → 2)", "en hausse (2 → 3)", "inchangée", "retirée", "nouvelle"]
    for town, cells in rows.items():
        links = [a["href"] for a in cells[-1].find_all("a")]
        if town == "soissons":
            assert links == [] and " ".join(cells[-1].get_text().split()) == "données à corriger : rapport non disponible"
            continue
        assert len(links) == 2 and all((result.index.folder / href).resolve().is_file() for href in links), town
    summary = pd.read_csv(result.index.summary_csv, dtype={"departement": str}, keep_default_na=False)
    counts = {(i, d): c for i, d, n, c in zip(summary.indicateur, summary.departement, summary.niveau,
                                              summary.communes) if n == ""}
    assert counts[("hausses", "")] == 1 and counts[("baisses", "")] == 1
    assert counts[("nouvelles", "")] == 2 and counts[("retirees", "")] == 1
    assert counts[("labellisees", "")] == 5 and counts[("labellisees", "02")] == 3
    assert counts[("labellisees", "60")] == 1 and counts[("labellisees", "80")] == 1


def test_a_second_run_finds_everything_up_to_date(local_batch, network):
    _result, out, _lines = local_batch
    again = run_batch(network, YEAR, editions=["conseil"], workers=2, engine="pandoc", out=out, project=ROOT)
    outcomes = {r.unit.town: r.outcome for r in again.results}
    assert outcomes == {**dict.fromkeys(TOWNS, Outcome.UNCHANGED), "soissons": Outcome.FAILED}
    assert again.index.unchanged


def test_the_command_shows_a_table_of_results_and_exits_2_for_bad_data(local_batch, network):
    _result, out, _lines = local_batch
    run = subprocess.run([sys.executable, "-m", "labels_report.cli", "batch", "--data", str(network), "--year",
                          str(YEAR), "--engine", "pandoc", "--out", str(out), "--workers", "1", "--towns", "s*"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    table = run.stdout.splitlines()
    assert table[0].split() == ["Commune", "Édition", "Résultat", "Détail"]
    assert any(line.startswith("saint-quentin") and "à jour" in line for line in table)
    failed = next(line for line in table if line.startswith("soissons"))
    assert "échec" in failed and "label_events.csv, ligne 3, colonne date" in failed and "2016-02-31" in failed
    assert "0 construit, 2 à jour, 1 en échec" in run.stdout  # saint-quentin, saint-valery-sur-somme, soissons
    assert "Index du réseau à jour" in run.stdout  # the index is the whole network's, whatever towns were built


def test_a_worker_does_one_thing_at_a_time_and_builds_what_the_single_command_builds(network, tmp_path,
                                                                                      monkeypatch):
    """A worker keeps to one core: its formats render one after the other and the exports are written
    after the chapters (never beside them); its reports are those of ``labels-report build``."""
    import threading

    from labels_report.publish import build as building
    from labels_report.publish import engines
    from labels_report.publish.build import build

    lock, running, most, chapters_done, exported_after = threading.Lock(), [0], [0], [0], []

    def counted(render):
        def run(doc):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                return render(doc)
            finally:
                with lock:
                    running[0] -= 1
        return run

    def chapters(*args, **kwargs):
        executed = execute(*args, **kwargs)
        chapters_done[0] += 1
        return executed

    def exports(*args, **kwargs):
        exported_after.append(chapters_done[0])  # how many towns' chapters had run by then
        return write(*args, **kwargs)

    execute, write = building.execute_chapters, building._write_files
    monkeypatch.setattr(engines, "render_html", counted(engines.render_html))
    monkeypatch.setattr(engines, "render_pdf", counted(engines.render_pdf))
    monkeypatch.setattr(building, "execute_chapters", chapters)
    monkeypatch.setattr(building, "_write_files", exports)
    batch = run_batch(network, YEAR, editions=["conseil"], towns="[cl]*", workers=1, engine="pandoc",
                      out=tmp_path / "batch", project=ROOT)  # one worker: in this process
    assert [r.outcome for r in batch.results] == [Outcome.BUILT, Outcome.BUILT]
    assert most == [1] and exported_after == [1, 2]  # each town's exports once its chapters have run

    monkeypatch.undo()
    build(network / "laon", YEAR, editions=["conseil"], engine="pandoc", out=tmp_path / "single", project=ROOT)
    ours, theirs = (tmp_path / where / "laon" / str(YEAR) / "conseil" for where in ("batch", "single"))
    names = [f"rapport-labels-laon-{YEAR}.html", "echeances.ics",
             *(f"donnees/{table.name}" for table in sorted((theirs / "donnees").glob("*.csv")))]
    assert len(names) > 4
    for name in names:
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    assert pdf_text(ours / f"rapport-labels-laon-{YEAR}.pdf") == pdf_text(theirs / f"rapport-labels-laon-{YEAR}.pdf")


def test_dask_builds_the_same_reports_as_the_local_workers(local_batch, network, dask_cluster, tmp_path):
    local, local_out, _lines = local_batch
    result = run_batch(network, YEAR, editions=["conseil"], workers=2, executor="dask",
                       scheduler=dask_cluster.scheduler_address, engine="pandoc", out=tmp_path, project=ROOT)
    assert {r.unit.town: r.outcome for r in result.results} == {r.unit.town: r.outcome for r in local.results}
    built = [r for r in result.results if r.outcome == Outcome.BUILT]
    assert len({r.worker for r in built}) == 2 and len({r.kernel for r in built}) == 2
    assert all(r.timings["render"] > 0 and r.timings["execute"] > 0 for r in built)
    for town in TOWNS:
        ours = tmp_path / town / str(YEAR) / "conseil"
        theirs = local_out / town / str(YEAR) / "conseil"
        assert (ours / f"rapport-labels-{town}-{YEAR}.html").read_bytes() == \
            (theirs / f"rapport-labels-{town}-{YEAR}.html").read_bytes(), town
        for table in sorted((theirs / "donnees").glob("*.csv")):
            assert (ours / "donnees" / table.name).read_bytes() == table.read_bytes(), (town, table.name)
    assert result.index.summary_csv.read_bytes() == local.index.summary_csv.read_bytes()


# -- the index page in a browser -------------------------------------------------------------


@pytest.mark.browser
def test_the_index_is_accessible_searchable_and_sortable_offline(local_batch):
    from test_accessibility import CHROMIUM, CHROMIUM_ARGS, OfflinePage, axe_violations, describe

    need(CHROMIUM.exists(), "Headless Chromium is needed: `sudo apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    result, _out, _lines = local_batch
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport in ({"width": 375, "height": 812}, {"width": 1280, "height": 900}):
                view = OfflinePage(browser, viewport)
                page = view.open(result.index.page)
                violations = axe_violations(page)
                assert violations == [], describe(violations)
                view.close()
            view = OfflinePage(browser, {"width": 1280, "height": 900})
            page = view.open(result.index.page)

            def visible() -> list[str]:
                return page.eval_on_selector_all("#towns tbody tr:not([hidden]) td:first-child",
                                                 "cells => cells.map(c => c.textContent)")

            page.fill("#search", "st quentin")
            assert visible() == ["Saint-Quentin"]
            assert page.text_content("#count") == "1 commune affichée"
            page.fill("#search", "aisne")
            assert sorted(visible()) == ["Laon", "Saint-Quentin", "Villers-Cotterêts"]
            page.fill("#search", "villers cotterets")
            assert visible() == ["Villers-Cotterêts"]
            page.fill("#search", "")
            assert len(visible()) == 7
            page.click("#towns thead th:nth-child(3) button")  # by level, ascending: the unlabelled first
            assert visible()[-1] == "Chantilly" and page.get_attribute("#towns thead th:nth-child(3)",
                                                                       "aria-sort") == "ascending"
            page.click("#towns thead th:nth-child(3) button")
            assert visible()[0] == "Chantilly" and page.get_attribute("#towns thead th:nth-child(3)",
                                                                      "aria-sort") == "descending"
            assert page.get_attribute("#towns thead th:nth-child(1)", "aria-sort") is None
            def departments() -> list[str]:
                return page.eval_on_selector_all("#towns tbody tr td:nth-child(2)",
                                                 "cells => cells.map(c => c.textContent)")

            page.click("#towns thead th:nth-child(2) button")  # by département's code; not known: first
            assert departments() == ["non renseigné", *["Aisne (02)"] * 3, "Oise (60)", *["Somme (80)"] * 2]
            assert page.get_attribute("#towns thead th:nth-child(2)", "aria-sort") == "ascending"
            page.click("#towns thead th:nth-child(2) button")
            assert departments() == [*["Somme (80)"] * 2, "Oise (60)", *["Aisne (02)"] * 3, "non renseigné"]
            assert page.get_attribute("#towns thead th:nth-child(2)", "aria-sort") == "descending"
            page.click("#towns thead th:nth-child(1) button")
            assert visible() == sorted(visible(), key=commune_key) != sorted(visible(), key=commune_key, reverse=True)
            assert view.foreign_requests() == []
            view.close()
        finally:
            browser.close()


def test_the_index_passes_the_nu_html_checker(local_batch):
    from test_accessibility import VNU

    java = shutil.which("java")
    need(java is not None and VNU.is_file(), "Java and the Nu HTML Checker are needed (see tests/test_accessibility.py)")
    result, _out, _lines = local_batch
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", str(result.index.page)], capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr


def our_kernels() -> set[int]:
    """Chapter kernels running in this project's folder (other projects' are not ours to count)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ipykernel" in (entry / "cmdline").read_bytes() \
                    and Path(entry / "cwd").resolve() == ROOT:
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def test_a_batch_asked_to_stop_stops_keeps_what_it_published_and_leaves_no_kernel(network, tmp_path):
    import signal
    import time

    before = our_kernels()
    process = subprocess.Popen([sys.executable, "-m", "labels_report.cli", "batch", "--data", str(network), "--year",
                                str(YEAR), "--engine", "pandoc", "--out", str(tmp_path), "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while True:  # the first town is built: stop the batch
        line = process.stderr.readline()
        assert line, "".join(lines)
        lines.append(line)
        if line.startswith("[1/"):
            break
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 130, "".join(lines) + err
    assert "construction interrompue" in err and "restent publiés" in err and "Traceback" not in err
    published = sorted(p.parent.parent.parent.name for p in tmp_path.glob(f"*/{YEAR}/conseil/manifest.json"))
    assert 1 <= len(published) < 7
    for town in published:  # each published report is whole
        assert (tmp_path / town / str(YEAR) / "conseil" / f"rapport-labels-{town}-{YEAR}.pdf").is_file()
    assert not [p for kind in (".build", ".staging") for p in (tmp_path / kind).glob("*")]
    deadline = time.monotonic() + 20
    while our_kernels() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert our_kernels() - before == set()


def test_the_command_starts_a_local_dask_cluster_when_no_scheduler_is_given(network, tmp_path):
    run = subprocess.run([sys.executable, "-m", "labels_report.cli", "batch", "--data", str(network), "--year",
                          str(YEAR), "--engine", "pandoc", "--out", str(tmp_path), "--executor", "dask",
                          "--workers", "1", "--towns", "laon"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "1 construit, 0 à jour, 0 en échec" in run.stdout
    assert "[1/1] laon (conseil) : construit" in run.stderr
    assert (tmp_path / "laon" / str(YEAR) / "conseil" / f"rapport-labels-laon-{YEAR}.pdf").is_file()
