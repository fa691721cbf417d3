"""A region's network from its published lists to its reports, with the commands a network's staff types.

The lists are those of five years, each in the format the region used that year
(``networkgen.Network.write_yearly``): names and départements only in the older
years, spelled differently from one year to the next (``St-Quentin``, ``SAINT
QUENTIN``, ``Fère (La)``), then postcodes only, then postcodes in the INSEE code
column, then INSEE codes without their leading zero; towns gain and lose flowers,
join the list, leave it, come back; two communes are called Montreuil. The
generator's rows are the truth every figure is checked against, counted with
pandas, never with the package.

1. ``labels-report import palmares`` of the five files: one folder per town, whose
   events replay to every year's list;
2. ``labels-report batch --year 2016`` on 2 local worker processes: every town's
   report; those that lost a flower say so, in the web page and in the PDF; the
   network's summary counts what the lists say;
3. the same batch again: nothing to build;
4. the same batch on Dask (a ``LocalCluster`` of 2 workers started by the command):
   the same reports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from labels_report.data.load import load_dataset
from labels_report.data.places import commune_key, department_code
from networkgen import generate_network
from paths import ROOT
from test_network_import import levels_by_year

pytestmark = pytest.mark.slow

LABEL = "villes-villages-fleuris"
YEAR = 2016


def command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=900)


def batch(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return command("batch", "--data", str(data), "--year", str(YEAR), "--engine", "pandoc", "--out", str(out),
                   "--workers", "2", *extra)


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The region's lists, imported with the command into a new network folder."""
    base = tmp_path_factory.mktemp("region")
    network = generate_network(seed=19, towns=12, years=range(2012, YEAR + 1), old_until=2013)
    files = network.write_yearly(base / "listes")
    data = base / "data"
    imported = command("import", "palmares", *map(str, files), "--label", LABEL, "--into", str(data))
    return network, data, imported


@pytest.fixture(scope="module")
def truth(region) -> pd.DataFrame:
    """Per town (INSEE code): its name, département, and its level in YEAR - 1 and YEAR (NaN: not listed)."""
    network, _data, _imported = region
    rows = pd.DataFrame(network.rows)
    towns = rows.drop_duplicates("insee").set_index("insee")[["name", "department"]]
    for year in (YEAR - 1, YEAR):
        towns[year] = rows[rows["year"] == year].set_index("insee")["level"]
    return towns


@pytest.fixture(scope="module")
def folders(region) -> dict[str, str]:
    """INSEE code of the truth -> the town's folder, found by its name and département."""
    network, data, _imported = region
    found = {(commune_key(load_dataset(p).town.name), department_code(load_dataset(p).town.department)): p.name
             for p in data.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return {row["insee"]: found[(commune_key(row["name"]), row["department"])] for row in network.rows}


@pytest.fixture(scope="module")
def local(region, tmp_path_factory):
    _network, data, imported = region
    assert imported.returncode == 0, imported.stderr
    out = tmp_path_factory.mktemp("out-local")
    return batch(data, out), out


def page_text(path: Path) -> str:
    return " ".join(BeautifulSoup(path.read_text("utf-8"), "html.parser").main.get_text(" ").split())


def pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def report(out: Path, town: str, suffix: str) -> Path:
    return out / town / str(YEAR) / "conseil" / f"rapport-labels-{town}-{YEAR}.{suffix}"


def flowers(level: float) -> str:
    return f"{int(level)} fleur{'s' if level > 1 else ''}"


def test_the_import_makes_one_folder_per_town_whose_events_replay_to_every_years_list(region, truth):
    network, data, imported = region
    assert imported.returncode == 0, imported.stderr
    assert "Traceback" not in imported.stderr
    assert f"{len(truth)} dossiers de communes créés" in imported.stdout
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith(".")) == sorted(
        ["chantilly", "chateau-thierry", "l-isle-adam", "la-fere", "laon", "montreuil", "montreuil-93",
         "saint-leu-d-esserent", "saint-martin-riviere", "saint-quentin", "sainte-genevieve", "villers-cotterets"])
    assert len(truth) == 12
    replayed = levels_by_year(data, network.years)
    for year in network.years:
        assert replayed[year] == network.levels(year), year
    # names as the official ones are written, whatever the lists abbreviated or capitalised
    assert {load_dataset(data / "saint-quentin").town.name, load_dataset(data / "la-fere").town.name,
            load_dataset(data / "villers-cotterets").town.name} == {"Saint-Quentin", "La Fère", "Villers-Cotterêts"}
    # the 2015 list's code column held postcodes: said, not taken for INSEE codes
    assert "code_insee donne des codes postaux" in imported.stderr
    assert load_dataset(data / "saint-quentin").town.insee_code == "02691"  # from the 2016 list, its 0 put back
    # importing the same lists again changes nothing
    again = command("import", "palmares", *map(str, sorted((data.parent / "listes").iterdir())), "--label", LABEL,
                    "--into", str(data))
    assert again.returncode == 0 and "Rien à importer" in again.stdout, again.stdout + again.stderr


def test_the_batch_builds_the_year_for_every_town(local, folders):
    run, out = local
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    rows = {line.split()[0]: line.split()[2] for line in run.stdout.splitlines()[2:] if line.strip()
            and not line.startswith(("12 ", "Index"))}
    assert rows == dict.fromkeys(sorted(set(folders.values())), "construit")
    assert "12 construits, 0 à jour, 0 en échec" in run.stdout
    for town in set(folders.values()):
        assert report(out, town, "pdf").read_bytes().startswith(b"%PDF"), town
        assert "Villes et Villages Fleuris" in page_text(report(out, town, "html")), town
    # progress: counts and the time left, as each town is done
    progress = [line for line in run.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 12 and progress[-1].startswith("[12/12] ") and "reste environ" in progress[-1]


def test_a_town_that_lost_a_flower_in_the_year_says_so_and_the_others_do_not(local, truth, folders):
    _run, out = local
    both = truth.dropna(subset=[YEAR - 1, YEAR])
    down = both[both[YEAR] < both[YEAR - 1]]
    up = both[both[YEAR] > both[YEAR - 1]]
    assert len(down) >= 2 and len(up) >= 1  # what the generated region holds (seed 19)
    for insee, town in truth.iterrows():
        folder = folders[insee]
        page, pdf = page_text(report(out, folder, "html")), pdf_text(report(out, folder, "pdf"))
        if insee in down.index:
            # in the summary, and among the year's events, with the new level (the old one in the history)
            assert "En 2016 : 1 label dont le niveau a baissé (Villes et Villages Fleuris)." in page, folder
            assert f"{YEAR} Villes et Villages Fleuris changement de niveau {flowers(town[YEAR])}" in page, folder
            assert f"{flowers(town[YEAR - 1])}" in page.split("Historique et pièces justificatives")[1], folder
            assert "En 2016 : 1 label dont le niveau a baissé (Villes et Villages Fleuris)." in pdf, folder
        else:
            assert "niveau a baissé" not in page and "niveau a baissé" not in pdf, folder
        if insee in up.index:
            assert "1 label dont le niveau a progressé" in page and "dont le niveau a progressé" in pdf, folder
        if pd.isna(town[YEAR - 1]) and not pd.isna(town[YEAR]):
            assert "1 label obtenu (Villes et Villages Fleuris)" in page, folder
        if not pd.isna(town[YEAR - 1]) and pd.isna(town[YEAR]):
            assert "1 label perdu ou arrivé à échéance" in page, folder
        held = "détient" if not pd.isna(town[YEAR]) else "ne détient pas"
        assert f"{held} le seul label suivi dans ce rapport : Villes et Villages Fleuris." in page, folder


def test_the_network_summary_counts_what_the_lists_say(local, region, truth, folders):
    _run, out = local
    _network, data, _imported = region
    now, before = truth[YEAR].dropna(), truth[YEAR - 1].dropna()
    both = pd.concat([before.rename("before"), now.rename("now")], axis=1, join="inner")
    expected = {("hausses", ""): int((both["now"] > both["before"]).sum()),
                ("baisses", ""): int((both["now"] < both["before"]).sum()),
                ("nouvelles", ""): len(now.index.difference(before.index)),
                ("retirees", ""): len(before.index.difference(now.index)),
                ("labellisees", ""): len(now)}
    expected |= {("labellisees", code): int(count)
                 for code, count in truth.loc[now.index].groupby("department").size().items()}
    expected |= {("labellisees", f"niveau {int(level)}"): int(count) for level, count in now.value_counts().items()}
    summary = pd.read_csv(out / "_reseau" / str(YEAR) / f"synthese-{YEAR}.csv", dtype=str, keep_default_na=False)
    found = {}
    for row in summary.itertuples():
        if row.niveau == "" or row.departement == "":  # the totals, per département, per level
            found[(row.indicateur, row.departement if row.niveau == "" else f"niveau {row.niveau}")] = int(row.communes)
    assert found == expected
    assert expected[("baisses", "")] >= 2 and expected[("nouvelles", "")] >= 1 and expected[("retirees", "")] >= 1
    # the index page says the same of each town: its level, and how it moved
    soup = BeautifulSoup((out / "_reseau" / str(YEAR) / "index.html").read_text("utf-8"), "html.parser")
    cells = {(row.find("td").get_text(), row.find_all("td")[1].get_text()): [td.get_text() for td in row.find_all("td")]
             for row in soup.select("#towns tbody tr")}
    assert len(cells) == len(truth)
    for insee, town in truth.iterrows():
        name = (load_dataset(data / folders[insee]).town.name, load_dataset(data / folders[insee]).town.department)
        level, change = cells[name][2], cells[name][3]
        assert level == (str(int(town[YEAR])) if not pd.isna(town[YEAR]) else "non labellisée"), name
        if insee in both.index and town[YEAR] < town[YEAR - 1]:
            assert change == f"en baisse ({int(town[YEAR - 1])} → {int(town[YEAR])})", name
        elif insee in both.index and town[YEAR] > town[YEAR - 1]:
            assert change == f"en hausse ({int(town[YEAR - 1])} → {int(town[YEAR])})", name


def test_a_second_run_has_nothing_to_build(local, region):
    _run, out = local
    _network, data, _imported = region
    again = batch(data, out)
    assert again.returncode == 0, again.stderr
    assert "0 construit, 12 à jour, 0 en échec" in again.stdout
    assert "12 rapports à construire : 12 à jour, 0 à construire" in again.stderr
    assert not [line for line in again.stderr.splitlines() if line.startswith("[")]
    assert "Index du réseau à jour" in again.stdout
    # one town's data change: that town only is built again, by one worker
    town = data / "laon" / "town.yml"
    town.write_text(town.read_text("utf-8").replace('address: ""', 'address: "Hôtel de ville"'), "utf-8")
    once = batch(data, out)
    assert once.returncode == 0, once.stderr
    assert "12 rapports à construire : 11 à jour, 1 à construire sur 1 processus." in once.stderr
    assert "1 construit, 11 à jour, 0 en échec" in once.stdout
    assert "Hôtel de ville" in report(out, "laon", "html").read_text("utf-8")  # the page's footer


def test_dask_builds_the_same_reports_as_the_local_workers(local, region, folders, tmp_path):
    _run, local_out = local
    _network, data, _imported = region
    run = batch(data, tmp_path, "--executor", "dask")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "12 construits, 0 à jour, 0 en échec" in run.stdout
    for town in sorted(set(folders.values())):
        ours, theirs = tmp_path / town / str(YEAR) / "conseil", local_out / town / str(YEAR) / "conseil"
        assert report(tmp_path, town, "html").read_bytes() == report(local_out, town, "html").read_bytes(), town
        assert pdf_text(report(tmp_path, town, "pdf")) == pdf_text(report(local_out, town, "pdf")), town
        tables = sorted(p.name for p in (theirs / "donnees").iterdir())
        assert tables and sorted(p.name for p in (ours / "donnees").iterdir()) == tables
        for table in tables:
            if table.endswith(".csv"):
                assert (ours / "donnees" / table).read_bytes() == (theirs / "donnees" / table).read_bytes(), table
    for name in (f"synthese-{YEAR}.csv", f"communes-{YEAR}.csv"):
        assert (tmp_path / "_reseau" / str(YEAR) / name).read_bytes() == \
            (local_out / "_reseau" / str(YEAR) / name).read_bytes(), name
