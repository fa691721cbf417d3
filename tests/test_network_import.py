"""Importing a network's table: one folder per town, dated events that replay to the table, idempotent,
every error at once and nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from labels_report.core.errors import DataError, ParameterError
from labels_report.data.load import load_dataset
from labels_report.data.newtown import init_town
from labels_report.data.palmares import NETWORK_LABELS, parse_column_map
from labels_report.data.places import commune_key, department_code, department_of_postcode
from labels_report.model.network import Change, network_summary
from labels_report.model.palmares import import_palmares
from labels_report.model.status import histories, status_on
from networkgen import generate_network
from paths import ROOT

LABEL = "villes-villages-fleuris"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def levels_by_year(folder: Path, years, label_id: str = LABEL) -> dict[int, dict[tuple[str, str | None], int | None]]:
    """Year -> (name folded, département) -> level held at the end of the year, replayed from the folders' events."""
    found: dict[int, dict] = {year: {} for year in years}
    for town in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        data = load_dataset(town)
        events = histories(data.events[data.events["label_id"] == label_id]).get(label_id, ())
        for year in years:
            status = status_on(label_id, events, dt.date(year, 12, 31))
            if status.held:
                found[year][(commune_key(data.town.name), department_code(data.town.department))] = status.level
    return found


def levels_on(folder: Path, year: int, label_id: str = LABEL) -> dict[tuple[str, str | None], int | None]:
    return levels_by_year(folder, [year], label_id)[year]


@pytest.fixture()
def network():
    return generate_network(seed=3, towns=10, years=range(2013, 2017))


def test_places_are_read_the_ways_lists_write_them():
    assert {department_code(t) for t in ("02", "2", "Aisne", "Aisne (02)", "02 - Aisne", "aisne")} == {"02"}
    assert department_code("Corse-du-Sud") == "2A" and department_code("Val-d’Oise") == "95"
    assert department_code("Atlantide") is None and department_code("99") is None
    assert department_of_postcode("20200") == "2B" and department_of_postcode("97400") == "974"
    same = {"Saint-Rémy-de-Provence", "ST REMY DE PROVENCE", "St-Rémy de Provence", "saint remy de  provence"}
    assert len({commune_key(name) for name in same}) == 1
    assert commune_key("Fère (La)") == commune_key("La Fère") != commune_key("Fère")
    assert commune_key("Sainte-Geneviève") == commune_key("STE GENEVIEVE") != commune_key("Saint-Geneviève")


def test_an_import_makes_one_folder_per_town_whose_events_replay_to_every_years_list(tmp_path, network):
    table = network.write_csv(tmp_path / "palmares.csv", dialect="excel-fr")
    result = import_palmares(table, LABEL, tmp_path / "data")
    towns = {row["insee"] for row in network.rows}
    assert result.created == len(towns) and result.updated == 0
    folders = [p for p in (tmp_path / "data").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(folders) == len(towns)
    # older lists give no INSEE code: a town listed only then has none in its folder
    codes = sorted(truth["insee"] if any(w["insee"] for w, t in zip(network.written, network.rows)
                                         if t["insee"] == truth["insee"]) else ""
                   for truth in {row["insee"]: row for row in network.rows}.values())
    identities = [load_dataset(folder).town for folder in folders]  # valid town folders, with their identity
    assert sorted(town.insee_code for town in identities) == codes
    assert all(town.department.endswith(")") and town.name != town.name.upper() for town in identities)
    for folder in folders:
        labels = load_dataset(folder).labels
        assert list(labels["label_id"]) == [LABEL] and int(labels["level_max"][0]) == 4
    # The oracle is the table itself: listed at L in a year <=> level L at the end of that year.
    replayed = levels_by_year(tmp_path / "data", network.years)
    for year in network.years:
        assert replayed[year] == network.levels(year), year
    # the two Montreuil are two towns, in two folders
    assert {"montreuil", "montreuil-93"} <= {f.name for f in folders} or {"montreuil", "montreuil-62"} <= {
        f.name for f in folders}


def test_importing_the_same_table_again_changes_nothing_whatever_its_format(tmp_path, network):
    data = tmp_path / "data"
    import_palmares(network.write_csv(tmp_path / "palmares.csv"), LABEL, data)
    before = snapshot(data)
    again = import_palmares(network.write_xlsx(tmp_path / "palmares.xlsx"), LABEL, data)
    assert again.changes == () and sum(again.events().values()) == 0
    again = import_palmares(network.write_csv(tmp_path / "palmares-utf8.csv", dialect="utf8"), LABEL, data)
    assert again.changes == ()
    assert snapshot(data) == before


def test_next_years_list_adds_that_year_only_and_withdraws_who_it_leaves_out(tmp_path, network):
    data = tmp_path / "data"
    import_palmares(network.write_csv(tmp_path / "palmares.csv"), LABEL, data)
    later = generate_network(seed=3, towns=10, years=range(2013, 2018))
    assert [r for r in later.rows if r["year"] < 2017] == network.rows  # the same history, one year more
    only_2017 = tmp_path / "palmares-2017.csv"
    later.written = [row for row in later.written if row["year"] == 2017]
    later.write_csv(only_2017)
    result = import_palmares(only_2017, LABEL, data)
    assert {event.year for change in result.changes for event in change.events} == {2017}
    replayed = levels_by_year(data, (2016, 2017))
    for year in (2016, 2017):
        assert replayed[year] == later.levels(year), year
    # independent count of the withdrawals: listed in 2016, not in 2017 (all départements are in both lists)
    left = set(later.levels(2016)) - set(later.levels(2017))
    assert result.events()["withdrawn"] == len(left)


def test_an_existing_folder_is_found_by_name_and_département_and_written_in_its_own_dialect(tmp_path):
    data = tmp_path / "data"
    town = init_town("Saint-Quentin", data / "saint-quentin", {"department": "Aisne (02)"})
    # its tables as French Excel saves them: Windows-1252, ";", CRLF
    (town / "labels.csv").write_bytes("label_id;name;level_unit;level_max\r\nville-fleurie;Villes et Villages "
                                      "Fleuris;fleur;4\r\nvah;Ville d'art et d'histoire;;\r\n".encode("cp1252"))
    (town / "label_events.csv").write_bytes("label_id;date;event;level;note\r\nville-fleurie;12/06/2009;"
                                            "obtention;1;Première fleur, décernée en séance\r\n".encode("cp1252"))
    table = tmp_path / "p.csv"
    table.write_text("annee,commune,dep,fleurs\n2014,ST QUENTIN,02,2\n2015,Saint Quentin,Aisne,2\n", "utf-8")
    result = import_palmares(table, LABEL, data)
    assert result.created == 0 and [c.folder for c in result.changes] == [town]
    [change] = result.changes
    assert change.label_id == "ville-fleurie" and not change.add_label  # the town's own id for the label
    raw = (town / "label_events.csv").read_bytes()
    assert raw.decode("cp1252").splitlines()[-1] == "ville-fleurie;2014;level_changed;2;Palmarès Villes et Villages " \
        "Fleuris 2014" if False else raw.endswith(b"\r\n") and b"\xe9" in raw  # still Windows-1252, CRLF
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[-2].startswith("ville-fleurie;2014;level_changed;2;") and "Première fleur" in lines[1]
    assert levels_on(data, 2015, "ville-fleurie") == {("saint quentin", "02"): 2}
    assert levels_on(data, 2013, "ville-fleurie") == {("saint quentin", "02"): 1}


def test_bad_rows_are_all_reported_with_row_column_value_and_nothing_is_written(tmp_path):
    data = tmp_path / "data"
    init_town("Laon", data / "laon", {"department": "Aisne (02)"})
    before = snapshot(data)
    table = tmp_path / "palmares.csv"
    table.write_bytes("Année;Commune;Code INSEE;Code postal;Département;Fleurs\r\n"
                      "2016;Laon;02408;02000;02;5\r\n"            # above the label's maximum
                      "16;Soissons;02722;02200;02;2\r\n"          # a year of two digits
                      "2016;Chauny;0216;02300;02;1\r\n"           # an INSEE code a digit short
                      "2016;Guise;02361;02120;Atlantide;1\r\n"   # no such département
                      "2016;Hirson;02381;02500;60;2\r\n"          # the postcode says 02
                      "2016;Vervins;;;02;3\r\n2016;VERVINS;;;Aisne;3\r\n"  # twice in one year
                      "2016;Bohain;;;02;trois\r\n".encode("cp1252"))
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, data)
    found = {(i.code, i.row, i.column, i.value) for i in raised.value.errors}
    assert found == {
        ("level_out_of_range", 2, "niveau", "5"), ("year_invalid", 3, "année", "16"),
        ("palmares_insee_invalid", 4, "code_insee", "0216"), ("palmares_department_unknown", 5, "département", "Atlantide"),
        ("palmares_department_mismatch", 6, "département", "60"), ("palmares_duplicate", 8, "commune", "VERVINS"),
        ("int_invalid", 9, "niveau", "trois")}, found
    assert all(i.file == "palmares.csv" for i in raised.value.errors)
    assert snapshot(data) == before and sorted(p.name for p in data.iterdir() if not p.name.startswith(".")) == ["laon"]


def test_ambiguous_matches_are_errors(tmp_path):
    data = tmp_path / "data"
    init_town("Montreuil", data / "montreuil", {"department": "Pas-de-Calais (62)"})
    init_town("Montreuil", data / "montreuil-93", {"department": "Seine-Saint-Denis (93)"})
    table = tmp_path / "p.csv"
    table.write_text("année,commune,département,niveau\n2016,Montreuil,,2\n2016,Montreuil,93,1\n", "utf-8")
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, data)
    [error] = raised.value.errors
    assert (error.code, error.row, error.column, error.value) == ("palmares_ambiguous_commune", 2, "commune",
                                                                  "Montreuil")
    assert error.params["candidates"] == "Montreuil (62), Montreuil (93)"
    table.write_text("année,commune,département,niveau\n2016,Montreuil,,2\n", "utf-8")
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, data)
    assert [i.code for i in raised.value.errors] == ["palmares_ambiguous_commune"]
    table.write_text("année,commune,département,niveau\n2016,Montreuil,62,2\n2016,Montreuil,93,1\n", "utf-8")
    result = import_palmares(table, LABEL, data)
    assert sorted(c.folder.name for c in result.changes) == ["montreuil", "montreuil-93"] and result.created == 0


def test_a_level_typed_by_the_town_that_the_list_contradicts_is_an_error_naming_both(tmp_path):
    data = tmp_path / "data"
    town = init_town("Laon", data / "laon", {"department": "Aisne (02)", "insee_code": "02408"})
    (town / "labels.csv").write_text("label_id,name,level_unit,level_max\nvillages-fleuris,Villes et villages "
                                     "fleuris,fleur,4\n", "utf-8")
    (town / "label_events.csv").write_text("label_id,date,event,level\nvillages-fleuris,2010,awarded,2\n"
                                           "villages-fleuris,2016-09-14,level_changed,3\n", "utf-8")
    table = tmp_path / "p.csv"
    table.write_text("year,insee,town,level\n2016,02408,Laon,2\n", "utf-8")
    before = snapshot(data)
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, data)
    [error] = raised.value.errors
    assert (error.code, error.file, error.row, error.value) == ("palmares_conflict_level", "laon/label_events.csv",
                                                                3, "level_changed")
    assert error.params["level"] == 2 and error.params["own_level"] == 3 and error.params["row"] == 2
    assert snapshot(data) == before


def test_columns_can_be_mapped_and_unknown_ones_are_said(tmp_path):
    assert parse_column_map("année=Annee,niveau=Nb_fleurs") == {"year": "Annee", "level": "Nb_fleurs"}
    with pytest.raises(ParameterError):
        parse_column_map("couleur=Couleur")
    table = tmp_path / "p.csv"
    table.write_text("Annee;Ville;Dpt;Nb_fleurs;Remarque\n2016;Laon;02;3;belle\n", "utf-8")
    result = import_palmares(table, LABEL, tmp_path / "data", "année=Annee,niveau=Nb_fleurs")
    assert result.created == 1 and levels_on(tmp_path / "data", 2016) == {("laon", "02"): 3}
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, tmp_path / "other", "niveau=Fleurs")
    assert [(i.code, i.value) for i in raised.value.errors] == [("palmares_mapped_column_missing", "Fleurs")]
    table.write_text("année;commune;fleurs;niveau\n2016;Laon;3;3\n", "utf-8")
    with pytest.raises(DataError) as raised:
        import_palmares(table, LABEL, tmp_path / "other")
    assert [i.code for i in raised.value.errors] == ["palmares_column_twice"]
    assert not (tmp_path / "other").exists()


def test_the_network_summary_counts_what_an_independent_count_of_the_table_finds(tmp_path, network):
    data = tmp_path / "data"
    import_palmares(network.write_csv(tmp_path / "palmares.csv"), LABEL, data)
    towns = [load_dataset(p) for p in sorted(data.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    raw = pd.DataFrame(network.rows)
    for year in network.years[1:]:
        summary = network_summary(towns, NETWORK_LABELS[LABEL], year)
        now = raw[raw["year"] == year].set_index("insee")["level"]
        before = raw[raw["year"] == year - 1].set_index("insee")["level"]
        both = now.to_frame("now").join(before.to_frame("before"), how="inner")
        expected = {Change.UP: int((both["now"] > both["before"]).sum()),
                    Change.DOWN: int((both["now"] < both["before"]).sum()),
                    Change.NEW: len(set(now.index) - set(before.index)),
                    Change.WITHDRAWN: len(set(before.index) - set(now.index))}
        changes = summary.changes()
        assert {kind: changes[kind] for kind in expected} == expected, year
        assert dict(summary.by_level()) == now.value_counts().to_dict()
        by_department = raw[raw["year"] == year].groupby("department").size().to_dict()
        assert {code: sum(c.values()) for code, c in summary.by_department().items()} == by_department


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_the_command_says_what_it_did_and_refuses_bad_input_in_one_table(tmp_path):
    table = tmp_path / "palmares.csv"
    table.write_bytes("Année;Commune;Département;Fleurs\r\n2015;Laon;02;2\r\n2015;Chauny;02;1\r\n"
                      "2016;Laon;02;3\r\n".encode("cp1252"))
    data = tmp_path / "data"
    first = run("import", "palmares", str(table), "--label", LABEL, "--into", str(data))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "palmares.csv : 2 communes, palmarès 2015, 2016.",
        "2 dossiers de communes créés, 0 dossier complété, 4 événements ajoutés (2 obtentions, "
        "1 changement de niveau, 1 retrait).",
        f"Ensuite : labels-report batch --data {data} --year 2016"]
    bad = tmp_path / "bad.csv"
    bad.write_text("année,commune,niveau\n2016,Laon,7\n2016,,2\n", "utf-8")
    refused = run("import", "palmares", str(bad), "--label", LABEL, "--into", str(data))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "bad.csv" in refused.stderr and "« 7 »" in refused.stderr and "Rien n'a été écrit de bad.csv." in refused.stderr
    assert "2 erreurs" in refused.stderr
    with pytest.raises(ParameterError) as unknown:
        import_palmares(table, "plus-beaux-villages", data)
    assert "villes-villages-fleuris" in unknown.value.params["expected"]


def test_network_messages_exist_in_both_languages():
    from labels_report.core.i18n import catalogue

    prefixes = ("import.", "batch.", "index.", "issue.palmares", "error.palmares")
    fr = {k for k in catalogue("fr").messages if k.startswith(prefixes)}
    en = {k for k in catalogue("en").messages if k.startswith(prefixes)}
    assert fr == en and len(fr) > 60


def test_a_build_folder_of_another_machine_sharing_the_output_is_left_to_it(tmp_path):
    """On a cluster, workers of several machines share the output folder: a process id is only
    meaningful on its own machine."""
    from labels_report.publish.publication import BUILDS, private_name, remove_abandoned

    mine = private_name("abcdef12")
    pid, _, host = mine.split("-", 1)[0].partition(".")
    assert pid == str(os.getpid()) and len(host) == 8
    gone_here = tmp_path / BUILDS / f"999999999.{host}-abcdef12"      # a dead process of this machine
    elsewhere = tmp_path / BUILDS / "999999999.0badcafe-abcdef12"     # a process of another machine
    running = tmp_path / BUILDS / mine
    for folder in (gone_here, elsewhere, running):
        folder.mkdir(parents=True)
    remove_abandoned(tmp_path)
    assert not gone_here.exists() and elsewhere.is_dir() and running.is_dir()


def test_only_the_towns_of_the_tables_départements_can_be_withdrawn(tmp_path):
    data = tmp_path / "data"
    first = tmp_path / "aisne-oise.csv"
    first.write_text("année,commune,dép,fleurs\n2015,Laon,02,2\n2015,Chantilly,60,3\n2015,Paris,75,1\n", "utf-8")
    import_palmares(first, LABEL, data)
    # the next list is the Aisne's only: Laon leaves it; Chantilly and Paris are not its towns
    later = tmp_path / "aisne.csv"
    later.write_text("année,commune,dép,fleurs\n2016,Soissons,02,1\n", "utf-8")
    result = import_palmares(later, LABEL, data)
    assert {(c.folder.name, e.event) for c in result.changes for e in c.events} == {
        ("laon", "withdrawn"), ("soissons", "awarded")}
    assert levels_on(data, 2016) == {("chantilly", "60"): 3, ("paris", "75"): 1, ("soissons", "02"): 1}
    # the towns it leaves as they are, it says
    [warning] = [w for w in result.warnings if w.code == "palmares_outside_scope"]
    assert (warning.value, warning.params["count"]) == ("Chantilly, Paris", 2)


def test_headers_named_otherwise_are_found_by_a_word_and_a_sheet_per_year_gives_the_year(tmp_path):
    from openpyxl import Workbook

    table = tmp_path / "p.csv"
    table.write_text("Région;Nom de la commune;Code INSEE de la commune;Département de la commune;Niveau obtenu\n"
                     "Hauts-de-France;Laon;02408;Aisne;2\n", "utf-8")
    with pytest.raises(DataError) as raised:  # no year anywhere: said, with the way to give it
        import_palmares(table, LABEL, tmp_path / "data")
    assert [(i.code, i.value) for i in raised.value.errors] == [("palmares_year_missing", "année")]
    book = Workbook()
    book.remove(book.active)
    book.create_sheet("Notes").append(["Palmarès transmis par la région"])
    for year, rows in ((2015, [("Laon", "02408", "Aisne", 2), ("Chauny", "02173", "Aisne", 1)]),
                       (2016, [("Laon", "02408", "Aisne", 3)])):
        sheet = book.create_sheet(f"Palmarès {year}")
        sheet.append(["Nom de la commune", "Code INSEE de la commune", "Département de la commune", "Niveau obtenu"])
        for row in rows:
            sheet.append(list(row))
    book.save(tmp_path / "p.xlsx")
    result = import_palmares(tmp_path / "p.xlsx", LABEL, tmp_path / "data")
    assert result.years == (2015, 2016) and result.created == 2
    assert levels_on(tmp_path / "data", 2015) == {("laon", "02"): 2, ("chauny", "02"): 1}
    assert levels_on(tmp_path / "data", 2016) == {("laon", "02"): 3}
    # an error names the sheet it is on
    book["Palmarès 2016"].append(["Soissons", "02722", "Aisne", 9])
    book.save(tmp_path / "p.xlsx")
    with pytest.raises(DataError) as raised:
        import_palmares(tmp_path / "p.xlsx", LABEL, tmp_path / "data")
    assert [(i.sheet, i.row, i.column, i.value) for i in raised.value.errors] == [("Palmarès 2016", 3, "niveau", "9")]


def test_a_regions_lists_of_five_years_each_in_its_own_format_import_together(tmp_path):
    """As a region publishes them: name and département only in the older years (no year column:
    the file's name gives it), then name and postcode in a workbook with levels written ``1ère
    fleur``, then the postcode in the INSEE code column, then INSEE codes that lost their leading
    zero. Imported together, they are one table: a département whose only town leaves the list of
    a later year is still covered."""
    network = generate_network(seed=19, towns=12, years=range(2012, 2017), old_until=2013)
    files = network.write_yearly(tmp_path / "listes")
    assert [f.name for f in files] == ["palmares-2012.csv", "palmares-2013.csv", "palmares-2014.xlsx",
                                       "palmares-2015.csv", "palmares-2016.csv"]
    montreuil_93 = {row["year"] for row in network.rows if row["insee"] == "93048"}
    assert 2015 in montreuil_93 and 2016 not in montreuil_93  # the Seine-Saint-Denis's one town leaves in 2016
    data = tmp_path / "data"
    result = import_palmares(files, LABEL, data)
    assert result.years == (2012, 2013, 2014, 2015, 2016)
    towns = {row["insee"] for row in network.rows}
    folders = [p for p in data.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert result.created == len(folders) == len(towns) == result.communes
    replayed = levels_by_year(data, network.years)
    for year in network.years:
        assert replayed[year] == network.levels(year), year
    # the INSEE code is known of the towns of the latest list (given there without its leading zero)
    latest = {row["insee"] for row in network.rows if row["year"] == 2016}
    assert {load_dataset(f).town.insee_code for f in folders} - {""} == latest
    assert "02691" in latest
    # the postcodes of the 2015 list's code column are said to be postcodes
    [moved] = [w for w in result.warnings if w.code == "palmares_insee_is_postcode"]
    assert (moved.file, moved.params["year"]) == ("palmares-2015.csv", 2015)
    assert moved.params["count"] == sum(1 for row in network.rows if row["year"] == 2015)
    # the two Montreuil are kept apart by their postcode in 2014, their département before
    montreuils = sorted(load_dataset(f).town.department for f in folders if f.name.startswith("montreuil"))
    assert montreuils == ["Pas-de-Calais (62)", "Seine-Saint-Denis (93)"]
    # again, in any order of the files: nothing to do
    before = snapshot(data)
    again = import_palmares(list(reversed(files)), LABEL, data)
    assert again.changes == () and snapshot(data) == before


def test_codes_a_spreadsheet_wrote_as_numbers_get_their_leading_zero_back(tmp_path):
    table = tmp_path / "palmares-2016.csv"
    table.write_bytes("Commune;Code INSEE;Code postal;Fleurs\r\nChauny;2173;2300;2\r\nLaon;02408;02000;3\r\n"
                      .encode("cp1252"))
    result = import_palmares(table, LABEL, tmp_path / "data")
    assert result.years == (2016,) and not result.warnings
    towns = {load_dataset(p).town.name: load_dataset(p).town for p in (tmp_path / "data").iterdir()
             if p.is_dir() and not p.name.startswith(".")}
    assert (towns["Chauny"].insee_code, towns["Chauny"].postcode, towns["Chauny"].department) == \
        ("02173", "02300", "Aisne (02)")


def test_a_code_column_that_repeats_the_postcode_is_read_as_the_postcode(tmp_path):
    data = tmp_path / "data"
    init_town("Laon", data / "laon", {"department": "Aisne (02)", "insee_code": "02408"})
    table = tmp_path / "p.csv"
    # one row: too few to judge the column, but its code is its postcode
    table.write_text("année,commune,code commune,code postal,fleurs\n2016,Laon,02000,02000,2\n", "utf-8")
    result = import_palmares(table, LABEL, data)
    assert [c.folder.name for c in result.changes] == ["laon"] and result.created == 0
    assert [(w.code, w.row, w.value) for w in result.warnings] == [("palmares_insee_is_postcode", 2, "02000")]
    assert levels_on(data, 2016) == {("laon", "02"): 2}


def test_a_commune_in_two_files_of_the_same_year_is_an_error_naming_both(tmp_path):
    first = tmp_path / "aisne-2016.csv"
    first.write_text("commune,dép,fleurs\nLaon,02,2\nChauny,02,1\n", "utf-8")
    second = tmp_path / "oise-2016.csv"
    second.write_text("commune,dép,fleurs\nChantilly,60,3\nLAON,Aisne,3\n", "utf-8")
    with pytest.raises(DataError) as raised:
        import_palmares([first, second], LABEL, tmp_path / "data")
    [error] = raised.value.errors
    assert (error.code, error.file, error.row, error.value) == ("palmares_duplicate", "oise-2016.csv", 3, "LAON")
    assert error.params["first_row"] == "2 (aisne-2016.csv)"
    assert not (tmp_path / "data").exists()
    # a département's list each: one table, nobody withdrawn
    second.write_text("commune,dép,fleurs\nChantilly,60,3\n", "utf-8")
    result = import_palmares([first, second], LABEL, tmp_path / "data")
    assert result.created == 3 and result.events() == {"awarded": 3}


def test_levels_are_read_as_lists_write_them():
    from labels_report.data.palmares import _level

    label = NETWORK_LABELS[LABEL]
    assert [_level(text, label) for text in ("3", "3 fleurs", "1ère fleur", "1re Fleur", "2e fleur", "4ème fleur",
                                             "2 FLEURS")] == [3, 3, 1, 1, 2, 4, 2]
