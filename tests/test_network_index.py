"""The network's index page and summary files, without building reports: content, escaping, inert CSV."""

from __future__ import annotations

import csv
import io

import pandas as pd
from bs4 import BeautifulSoup

from labels_report.data.palmares import town_folders
from labels_report.data.places import commune_key
from labels_report.model.palmares import import_palmares
from labels_report.publish.index import write_index
from networkgen import generate_network

LABEL = "villes-villages-fleuris"
HOSTILE = ['Les <b>Mées</b> & "Vaux"', '=HYPERLINK("http://example.org/x","clic")', "</script><script>alert(1)</script>"]


def imported(tmp_path):
    network = generate_network(seed=5, towns=8, years=range(2015, 2017))
    table = network.write_csv(tmp_path / "palmares.csv", dialect="utf8")
    with table.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for number, name in enumerate(HOSTILE):
            writer.writerow(["2016", "", name, "", "02", str(number + 1)])
    import_palmares(table, LABEL, tmp_path / "data")
    return network


def test_the_index_lists_every_town_with_its_level_and_escapes_every_name(tmp_path):
    network = imported(tmp_path)
    folders = town_folders(tmp_path / "data")
    index = write_index(tmp_path / "data", tmp_path / "out", 2016, folders, "fr")
    page = index.page.read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html["lang"] == "fr" and soup.title.get_text().startswith("Les rapports des labels")
    rows = soup.select("#towns tbody tr")
    assert len(rows) == len(folders) == len({r["insee"] for r in network.rows}) + len(HOSTILE)
    names = [row.find("td").get_text() for row in rows]
    for name in HOSTILE:
        assert name in names  # the name as typed, as text: no element made of it
    shown = {commune_key(row.find("td").get_text()): row.find_all("td")[2].get_text() for row in rows}
    assert not soup.select("#towns b") and len(soup.find_all("script")) == 2 and "alert(1)" not in str(
        soup.find_all("script")[1])
    levels_2016 = {commune_key(r["name"]): r["level"] for r in network.rows if r["year"] == 2016}
    for name, level in levels_2016.items():
        assert shown[name] == str(level), name
    # withdrawn since 2015: shown as such, with its level gone
    left = {commune_key(r["name"]) for r in network.rows if r["year"] == 2015} - set(levels_2016)
    assert left
    for name in left:
        assert shown[name] == "non labellisée"
    # no report was built: every town says so, and nothing links anywhere
    assert {row.find_all("td")[-1].get_text() for row in rows} == {"rapport non disponible"}
    assert not [a["href"] for a in soup.select("#towns a")]
    # self-contained: no stylesheet, script or image fetched from anywhere
    assert not soup.select("link, img, iframe, [src]") and soup.style and soup.find_all("script")[1].string.strip()


def test_the_summary_files_count_what_the_table_says_and_their_cells_are_inert(tmp_path):
    network = imported(tmp_path)
    index = write_index(tmp_path / "data", tmp_path / "out", 2016, town_folders(tmp_path / "data"), "fr")
    towns = pd.read_csv(index.towns_csv, dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(\"http://example.org/x\",\"clic\")" in set(towns["commune"])
    assert not towns["commune"].str.startswith(("=", "+", "-", "@")).any()
    summary = pd.read_csv(index.summary_csv, dtype={"departement": str}, keep_default_na=False)
    raw = pd.DataFrame(network.rows)
    now, before = raw[raw["year"] == 2016], raw[raw["year"] == 2015]
    both = now.merge(before, on="insee", suffixes=("", "_before"))
    total = summary[(summary.indicateur == "labellisees") & (summary.departement == "") & (summary.niveau == "")]
    assert int(total.communes.iloc[0]) == len(now) + len(HOSTILE)
    counts = dict(zip(summary.indicateur, summary.communes))
    assert counts["hausses"] == int((both.level > both.level_before).sum())
    assert counts["baisses"] == int((both.level < both.level_before).sum())
    assert counts["nouvelles"] == len(set(now.insee) - set(before.insee)) + len(HOSTILE)
    assert counts["retirees"] == len(set(before.insee) - set(now.insee))
    aisne = summary[(summary.indicateur == "labellisees") & (summary.departement == "02") & (summary.niveau == "")]
    assert int(aisne.communes.iloc[0]) == int((now.department == "02").sum()) + len(HOSTILE)


def test_an_unchanged_network_keeps_its_page_and_a_change_rewrites_it(tmp_path):
    imported(tmp_path)
    folders = town_folders(tmp_path / "data")
    first = write_index(tmp_path / "data", tmp_path / "out", 2016, folders, "fr")
    assert not first.unchanged
    assert write_index(tmp_path / "data", tmp_path / "out", 2016, folders, "fr").unchanged
    town = folders[0]
    (town / "town.yml").write_text((town / "town.yml").read_text("utf-8").replace('address: ""',
                                                                                   'address: "Mairie"'), "utf-8")
    again = write_index(tmp_path / "data", tmp_path / "out", 2016, folders, "fr")
    assert not again.unchanged
    english = write_index(tmp_path / "data", tmp_path / "out", 2016, folders, "en")
    assert not english.unchanged and '<html lang="en">' in english.page.read_text("utf-8")
    text = io.StringIO(english.summary_csv.read_text("utf-8")).getvalue()
    assert text.startswith("label,annee,indicateur,departement,niveau,communes\n")
