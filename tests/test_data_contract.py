"""The data contract: reading what staff produce, checking it, and saying what is wrong.

The broken-data corpus (``tests/broken/<case>/``, ``tests/warnings/<case>/``)
is built by ``tests/make_broken_corpus.py`` from ``tests/fixtures/minimal/``;
each case's ``expected.txt`` holds the exact lines ``check`` must report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from make_broken_corpus import BASE, BROKEN, WARNINGS, YEAR, to_french_excel, to_workbook

from paths import ROOT
from labels_report.data.contract import TABLES, VOCABULARIES
from labels_report.core.errors import DataError, Issue, ParameterError
from labels_report.core.i18n import catalogue
from labels_report.data.issues import count_line, format_issues, issue_line, issues_frame, location, message
from labels_report.data.load import load_dataset
from labels_report.data.checks import raw_html
from labels_report.model.quality import check
from labels_report.core.text import slugify
from labels_report.data.newtown import init_town
from labels_report.data.reading import CellError, XlCell, parse_bool, parse_date, parse_number, parse_vocab
from labels_report.data.workbook import write_template

BROKEN_CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
WARNING_CASES = sorted(p.name for p in WARNINGS.iterdir() if p.is_dir())


def lines_of(folder: Path, lang: str = "fr") -> list[str]:
    return [issue_line(i, lang) for i in check(folder, year=YEAR)]


def expected_lines(folder: Path) -> list[str]:
    return (folder / "expected.txt").read_text("utf-8").splitlines()


# -- the corpus ------------------------------------------------------------------------


def test_the_corpus_on_disk_is_the_one_the_generator_declares():
    """Every mistake make_broken_corpus.py declares has its folder (errors under broken/,
    warnings under warnings/) with its expected messages, and no folder is left from a removed case."""
    from make_broken_corpus import CASES, E

    declared_errors = {name for name, (kind, _, _) in CASES.items() if kind == E}
    assert set(BROKEN_CASES) == declared_errors
    assert set(WARNING_CASES) == set(CASES) - declared_errors
    for name in CASES:
        folder = (BROKEN if name in declared_errors else WARNINGS) / name
        assert (folder / "expected.txt").read_text("utf-8").strip(), name


def test_minimal_data_set_is_clean():
    assert check(BASE, year=YEAR) == []
    assert load_dataset(BASE).warnings == ()


@pytest.mark.parametrize("case", BROKEN_CASES)
def test_broken_case_reports_its_mistake(case):
    folder = BROKEN / case
    issues = check(folder, year=YEAR)
    assert any(i.severity == "error" for i in issues)
    assert [issue_line(i) for i in issues] == expected_lines(folder)
    with pytest.raises(DataError) as raised:
        load_dataset(folder)
    assert [issue_line(i) for i in raised.value.issues] == expected_lines(folder)
    english = check(folder, year=YEAR, lang="en")
    assert [(i.code, i.row, i.column) for i in english] == [(i.code, i.row, i.column) for i in issues]
    assert format_issues(english, "en").splitlines()[-1].endswith(("1 warning", "warnings"))


@pytest.mark.parametrize("case", WARNING_CASES)
def test_warning_case_reports_a_warning_only(case):
    folder = WARNINGS / case
    issues = check(folder, year=YEAR)
    assert issues and all(i.severity == "warning" for i in issues)
    assert [issue_line(i) for i in issues] == expected_lines(folder)
    load_dataset(folder)  # warnings never stop a build


def test_messages_say_file_row_column_value():
    line = expected_lines(BROKEN / "date-impossible")[0]
    assert line == (
        "erreur | label_events.csv | 3 | date | 31/02/2017 | date invalide « 31/02/2017 » : attendu une date "
        "réelle, le jour d'abord, par exemple 14/03/2016, 14.03.2016, 14 mars 2016 ou 2016-03-14 (ou 03/2016, 2016 "
        "quand le jour ou le mois n'est pas connu)"
    )
    (issue,) = check(BROKEN / "date-impossible", year=YEAR)
    assert location(issue) == "label_events.csv, ligne 3, colonne date"
    assert location(issue, "en") == "label_events.csv, row 3, column date"
    assert message(issue, "en").startswith('invalid date "31/02/2017": expected a real date, day first')


def test_vocabulary_error_lists_the_accepted_words_in_the_users_language():
    (fr,) = check(BROKEN / "status-unknown", year=YEAR)
    assert "prévue, en cours, réalisée, en pause, abandonnée" in message(fr, "fr")
    (en,) = check(BROKEN / "status-unknown", year=YEAR, lang="en")
    assert "planned (prévue), in_progress (en cours), done (réalisée)" in message(en, "en")


def test_a_misspelt_label_or_word_gets_the_closest_known_one_in_both_languages():
    (label,) = check(BROKEN / "event-label-misspelt", year=YEAR)
    assert label.params["suggestion"] == "ville-amie-des-enfants"
    assert message(label, "fr").endswith(" ; vouliez-vous dire « ville-amie-des-enfants » ?")
    assert message(label, "en").endswith('; did you mean "ville-amie-des-enfants"?')
    (word,) = check(BROKEN / "event-misspelt", year=YEAR, lang="en")
    assert message(word, "en").endswith('; did you mean "renouvellement"?')
    # a label that is another one, or a word far from every word, gets no guess
    for case in ("event-unknown-label", "action-unknown-label", "status-unknown", "event-unknown"):
        (issue,) = check(BROKEN / case, year=YEAR)
        assert not issue.params.get("suggestion") and "vouliez-vous" not in message(issue), case


def test_suggestions_for_actions_texts_and_typed_words(tmp_path):
    folder = shutil.copytree(BASE, tmp_path / "testville")
    years = folder / "action_years.csv"
    years.write_text(years.read_text("utf-8").replace("A02,2017,done", "A2,2017,terminé."), "utf-8")
    (folder / "texts" / "2017" / "ville-amie-des-enfant.md").write_text("Texte.\n", "utf-8")
    found = {(i.code, i.column or i.file): i.params.get("suggestion") for i in check(folder, year=YEAR)
             if i.severity == "error"}
    assert found == {("action_unknown", "action_id"): "A02", ("vocab_unknown", "status"): "terminé",
                     ("text_label_unknown", "texts/2017/ville-amie-des-enfant.md"): "ville-amie-des-enfants"}


def test_every_issue_code_has_a_message_in_every_language():
    keys = {lang: {k for k in catalogue(lang).messages if k.startswith(("issue.", "template.", "contract."))}
            for lang in ("fr", "en")}
    assert keys["fr"] == keys["en"]
    codes = {i.code for folder in [*BROKEN.iterdir(), *WARNINGS.iterdir()] for i in check(folder, year=YEAR)}
    for lang in ("fr", "en"):
        assert {f"issue.{c}" for c in codes} <= keys[lang]
    for table in TABLES.values():
        for column in table.columns:
            assert f"contract.column.{table.name}.{column.name}" in keys["fr"]


def test_check_does_not_raise_on_a_missing_folder(tmp_path):
    (issue,) = check(tmp_path / "nowhere")
    assert (issue.severity, issue.code) == ("error", "folder_missing")


def test_load_dataset_reports_every_error_in_one_pass(tmp_path):
    folder = shutil.copytree(BASE, tmp_path / "deux-erreurs")
    text = (folder / "action_years.csv").read_text("utf-8")
    text = text.replace("A01,2016,in_progress,40,500000", "A01,2016,en attente,40,cinq cents")
    (folder / "action_years.csv").write_text(text, "utf-8")
    labels = (folder / "labels.csv").read_text("utf-8")
    (folder / "labels.csv").write_text(labels.replace(",fleur,4,", ",fleur,quatre,"), "utf-8")
    with pytest.raises(DataError) as raised:
        load_dataset(folder)
    found = [(i.file, i.row, i.column, i.code) for i in raised.value.errors]
    assert found == [
        ("action_years.csv", 2, "budget_planned", "amount_invalid"),
        ("action_years.csv", 2, "status", "vocab_unknown"),
        ("labels.csv", 3, "level_max", "int_invalid"),
    ]


# -- cells -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, bound, expected", [
    ("14/12/2016", "start", (dt.date(2016, 12, 14), "day")),
    ("2016-12-14", "start", (dt.date(2016, 12, 14), "day")),
    ("1/2/2017", "start", (dt.date(2017, 2, 1), "day")),
    ("12/01/2017", "start", (dt.date(2017, 1, 12), "day")),  # always dd/mm/yyyy
    (" 2014 ", "start", (dt.date(2014, 1, 1), "year")),
    ("2014", "end", (dt.date(2014, 12, 31), "year")),
    ("2014-02", "end", (dt.date(2014, 2, 28), "month")),
    ("02/2016", "end", (dt.date(2016, 2, 29), "month")),
    ("05/2014", "start", (dt.date(2014, 5, 1), "month")),
    ("2016-12-14 00:00:00", "start", (dt.date(2016, 12, 14), "day")),
    # the same date spelled another way that can only mean it: the day first unless the year is
    ("14.03.2016", "start", (dt.date(2016, 3, 14), "day")),
    ("14-03-2016", "start", (dt.date(2016, 3, 14), "day")),
    ("2016.03.14", "start", (dt.date(2016, 3, 14), "day")),
    ("2016/03/14", "start", (dt.date(2016, 3, 14), "day")),
    ("03.2016", "end", (dt.date(2016, 3, 31), "month")),
    ("2016/03", "start", (dt.date(2016, 3, 1), "month")),
])
def test_dates(text, bound, expected):
    assert parse_date(text, bound) == expected


@pytest.mark.parametrize("text", ["31/02/2017", "2017-02-31", "2017-13", "13/2017", "17", "mai-14",
                                  "2016/14/12", "14/03-2016", "03/14/2016", "demain", "31 févr. 2017",
                                  "14 décembrier 2016", "14 déc. 16", "lundi 2016"])
def test_impossible_or_unreadable_dates(text):
    with pytest.raises(CellError) as raised:
        parse_date(text)
    assert raised.value.code == "date_invalid"


@pytest.mark.parametrize("text", ["14/12/16", "14.12.16", "14-12-16", "12/16"])
def test_a_two_digit_year_is_refused_and_said_so(text):
    """14/12/16 could be 1916 or 2016: never a guess, and the message says why."""
    with pytest.raises(CellError) as raised:
        parse_date(text)
    assert raised.value.code == "date_two_digit_year"


@pytest.mark.parametrize(("text", "bound", "expected"), [
    ("14 déc. 2016", "start", (dt.date(2016, 12, 14), "day")),
    ("14 décembre 2016", "start", (dt.date(2016, 12, 14), "day")),
    ("1er mars 2020", "start", (dt.date(2020, 3, 1), "day")),
    ("14-DEC-2016", "start", (dt.date(2016, 12, 14), "day")),
    ("3 Août 2015", "start", (dt.date(2015, 8, 3), "day")),
    ("février 2016", "end", (dt.date(2016, 2, 29), "month")),
    ("Sept. 2014", "start", (dt.date(2014, 9, 1), "month")),
    ("May 2014", "start", (dt.date(2014, 5, 1), "month")),
    ("14 mars 2016", "start", (dt.date(2016, 3, 14), "day")),
    ("14 March 2016", "start", (dt.date(2016, 3, 14), "day")),
    ("March 14, 2016", "start", (dt.date(2016, 3, 14), "day")),
    ("Mar 14 2016", "start", (dt.date(2016, 3, 14), "day")),
    ("lundi 14 mars 2016", "start", (dt.date(2016, 3, 14), "day")),
    ("Monday, 14th March 2016", "start", (dt.date(2016, 3, 14), "day")),
])
def test_dates_with_the_month_in_words(text, bound, expected):
    """A month written in words, French or English, full or abbreviated, is unambiguous."""
    assert parse_date(text, bound) == expected


def test_workbook_dates():
    assert parse_date(XlCell(dt.datetime(2016, 12, 14))) == (dt.date(2016, 12, 14), "day")
    assert parse_date(XlCell(2014), "end") == (dt.date(2014, 12, 31), "year")
    with pytest.raises(CellError) as raised:  # 2014 typed into a date cell: 06/07/1905
        parse_date(XlCell(dt.datetime(1905, 7, 6)))
    assert raised.value.code == "date_excel_year" and raised.value.params == {"year": 2014}


@pytest.mark.parametrize("text, mark, expected", [
    ("500000", None, 500000), ("500 000", None, 500000), ("500\u00a0000 €", None, 500000),
    ("500\u202f000,50 €", None, 500000.5), ("500 000,50", None, 500000.5), ("EUR 1 200", None, 1200),
    ("12,5", None, 12.5), ("12.5", None, 12.5), ("1 234.5", None, 1234.5), ("0,500", None, 0.5),
    ("1.234.567", None, 1234567), ("1,234,567.89", None, 1234567.89), ("1.234,56 €", None, 1234.56),
    ("1.234", ",", 1234), ("1,234", ",", 1.234), ("1,234", ".", 1234), ("-500", None, -500),
])
def test_amounts(text, mark, expected):
    assert parse_number(text, mark, "amount") == expected


@pytest.mark.parametrize("text", ["1.234", "1,234", "12,345 €"])
def test_ambiguous_amounts_are_errors_when_the_file_does_not_tell(text):
    with pytest.raises(CellError) as raised:
        parse_number(text, None, "amount")
    assert raised.value.code == "number_ambiguous"


@pytest.mark.parametrize("text", ["cinq cents", "500 000 000 0", "5 00", "12,5,3", "€", "1.2.3,4,5", "500 $"])
def test_unreadable_amounts(text):
    with pytest.raises(CellError) as raised:
        parse_number(text, ",", "amount")
    assert raised.value.code == "amount_invalid"


def test_percentages():
    assert parse_number("50 %", None, "percent") == 50
    assert parse_number(XlCell(0.4, "0%"), None, "percent") == 40
    assert parse_number(XlCell(40, "General"), None, "percent") == 40
    with pytest.raises(CellError):
        parse_number("50 €", None, "percent")


def test_vocabulary_matching_ignores_case_accents_and_spaces():
    assert parse_vocab("  RÉALISÉE ", "status") == "done"
    assert parse_vocab("realisee", "status") == "done"
    assert parse_vocab("En cours", "status") == "in_progress"
    assert parse_vocab("in_progress", "status") == "in_progress"
    assert parse_vocab("Changement de niveau", "event") == "level_changed"
    assert parse_vocab("visite du jury", "event") == "jury_visit"
    assert parse_vocab("Fonctionnement", "budget_kind") == "operating"
    for word in ("prévue", "prévu", "planifiée"):
        assert parse_vocab(word, "status") == "planned"
    for word in ("obtention", "attribution"):
        assert parse_vocab(word, "event") == "awarded"
    assert parse_bool("Oui") is True and parse_bool("non") is False and parse_bool("0") is False
    assert parse_bool(XlCell(True)) is True
    assert set(VOCABULARIES["event"].values) == {
        "applied", "awarded", "renewed", "level_changed", "jury_visit", "suspended", "withdrawn", "expired"}


def test_raw_html_is_found_outside_code_only():
    text = "Un lien <https://www.unicef.fr> et `<b>` en code.\n\n```\n<div>\n```\nFin <br/> ici\n3 < 4 et 5 > 2\n"
    assert raw_html(text) == [(6, "<br/>")]


# -- dialects: the same data in UTF-8 CSV, French Excel CSV and a workbook --------------


def _frames(folder: Path):
    data = load_dataset(folder)
    tables = {name: getattr(data, attr).drop(columns=["_file", "_sheet"])
              for name, attr in (("labels", "labels"), ("label_events", "events"), ("actions", "actions"),
                                 ("action_years", "action_years"))}
    return data, tables


def _variants(tmp_path: Path) -> dict[str, Path]:
    folders = {}
    for variant in ("utf8", "french-excel", "xlsx"):
        folder = shutil.copytree(BASE, tmp_path / variant / "testville")
        if variant == "french-excel":
            to_french_excel(folder)
        elif variant == "xlsx":
            to_workbook(folder)
        folders[variant] = folder
    return folders


def test_french_excel_csv_and_workbook_load_to_the_same_data(tmp_path):
    folders = _variants(tmp_path)
    raw = (folders["french-excel"] / "action_years.csv").read_bytes()
    assert b"A01;2016;En cours;40;500 000 \x80;" in raw and b"\xa0" in raw  # cp1252 "500 000 €", no-break spaces
    assert b"14/12/2016" in (folders["french-excel"] / "label_events.csv").read_bytes()
    reference, expected = _frames(folders["utf8"])
    for variant in ("french-excel", "xlsx"):
        data, tables = _frames(folders[variant])
        for name, frame in expected.items():
            pd.testing.assert_frame_equal(tables[name], frame, obj=f"{variant}: {name}")
        assert data.town == reference.town
        assert data.texts == reference.texts
    years = expected["action_years"]
    assert years["budget_spent"].tolist()[:1] == [450000.5]
    assert years["budget_spent"].iloc[3] == 7999.99
    assert years["progress"].tolist() == [40, 80, 50, 100]
    events = expected["label_events"]
    assert events["date"].tolist()[:2] == [dt.date(2008, 1, 1), dt.date(2016, 12, 14)]
    assert events["valid_until"].tolist()[:3] == [dt.date(2014, 12, 31), dt.date(2020, 12, 31), dt.date(2018, 6, 30)]
    assert events["valid_until_precision"].tolist()[:3] == ["year", "year", "month"]
    actions = expected["actions"]
    assert actions["labels"].tolist() == [("ville-amie-des-enfants",), ("ville-fleurie", "ville-amie-des-enfants")]
    assert actions["partners"].tolist() == [("CAF", "Éducation nationale"), ()]
    assert actions["public"].tolist() == [True, False]


def test_typed_columns_follow_the_model():
    data = load_dataset(BASE)
    labels, events, actions, years = data.labels, data.events, data.actions, data.action_years
    assert str(labels["level_max"].dtype) == "Int64" and str(years["year"].dtype) == "Int64"
    assert str(years["budget_planned"].dtype) == "Float64" and str(actions["indicator_target"].dtype) == "Float64"
    assert labels["url"].tolist() == ["https://www.unicef.fr", ""]
    assert pd.isna(labels["level_max"].iloc[0]) and labels["level_max"].iloc[1] == 4
    assert events["valid_from"].iloc[3] is None and events["valid_from_precision"].iloc[3] == ""
    assert all(isinstance(d, dt.date) for d in events["date"])
    assert actions["end_date"].tolist() == [None, dt.date(2017, 12, 31)]
    assert actions["public"].dtype == bool
    assert labels["_row"].tolist() == [2, 3] and set(labels["_file"]) == {"labels.csv"}
    assert data.town.slug == "minimal" and data.town.insee_code == "02722"
    assert list(data.texts) == [(2017, "ville-amie-des-enfants")]


def test_sources_are_hashed_with_forward_slashes():
    data = load_dataset(BASE)
    assert sorted(data.sources) == ["action_years.csv", "actions.csv", "label_events.csv", "labels.csv",
                                    "texts/2017/ville-amie-des-enfants.md", "town.yml"]
    assert data.sources["labels.csv"] == hashlib.sha256((BASE / "labels.csv").read_bytes()).hexdigest()


def test_utf8_bom_and_tab_separated_files(tmp_path):
    folder = shutil.copytree(BASE, tmp_path / "bom")
    labels = folder / "labels.csv"
    labels.write_bytes(b"\xef\xbb\xbf" + labels.read_bytes())
    rows = (folder / "actions.csv").read_text("utf-8")
    import csv
    import io

    table = list(csv.reader(io.StringIO(rows)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t").writerows(table)
    (folder / "actions.csv").write_text(buffer.getvalue(), "utf-8")
    data = load_dataset(folder)
    assert data.labels["label_id"].tolist() == ["ville-amie-des-enfants", "ville-fleurie"]
    assert data.actions["title"].iloc[0] == "Plan « écoles 3.0 »"


def test_the_sample_loads_every_row_and_records_every_file_it_read():
    """Every data row of every CSV file becomes a row of the data set (counted here with the csv
    module), and every file read is recorded with its SHA-256. How fast it loads is measured in
    benchmarks/, never asserted here."""
    import csv

    sample = ROOT / "data" / "soissons"
    data = load_dataset(sample)
    frames = {"labels": data.labels, "label_events": data.events, "actions": data.actions,
              "action_years": data.action_years}
    for name, table in TABLES.items():
        with (sample / table.file).open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if any(value.strip() for value in row.values())]
        assert len(frames[name]) == len(rows) > 0, name
        assert list(frames[name][table.key[0] if table.key else "label_id"]) == \
            [row[table.key[0] if table.key else "label_id"] for row in rows], name
    on_disk = {p.name for p in sample.glob("*.csv")} | {"town.yml"} | \
        {p.relative_to(sample).as_posix() for p in (sample / "texts").rglob("*.md")}
    assert set(data.sources) == on_disk
    for name, digest in data.sources.items():
        assert digest == hashlib.sha256((sample / name).read_bytes()).hexdigest(), name


# -- the workbook template ---------------------------------------------------------------


def test_template_structure(tmp_path):
    from openpyxl import load_workbook

    path = write_template(tmp_path / "modele.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Notice", "Labels", "Événements", "Actions", "Actions par année", "Commune", "Textes"]
    notice = " ".join(str(c.value) for row in book["Notice"].iter_rows() for c in row if c.value)
    assert "JJ/MM/AAAA" in notice and "Identifiant du label" in notice and "Obligatoire" in notice
    # where the workbook goes, and the commands that check it and build the report
    assert "data/chateau-thierry/saisie.xlsx" in notice
    assert "labels-report check --data data/chateau-thierry" in notice
    assert "labels-report build --data data/chateau-thierry" in notice and "labels-report serve" in notice
    events = book["Événements"]
    assert [c.value for c in events[1]] == ["label", "date", "événement", "niveau", "début de validité",
                                            "fin de validité", "référence", "source", "remarque"]
    assert [c.value for c in book["Actions par année"][1]][:6] == ["action", "année", "statut", "avancement",
                                                                   "budget prévu", "budget dépensé"]
    assert events["A1"].font.b and events.freeze_panes == "A2" and events.auto_filter.ref.startswith("A1:")
    rules = {str(r.sqref).split(":")[0]: r.formula1 for r in events.data_validations.dataValidation}
    assert rules["A2"] == "'Labels'!$A$2:$A$1001"
    assert "obtention" in rules["C2"] and "visite du jury" in rules["C2"]
    years = {str(r.sqref).split(":")[0]: r.formula1 for r in book["Actions par année"].data_validations.dataValidation}
    assert years["A2"] == "'Actions'!$A$2:$A$1001" and "en cours" in years["C2"] and "fonctionnement" in years["G2"]
    assert events.column_dimensions["B"].number_format == "DD/MM/YYYY"
    assert "€" in book["Actions par année"].column_dimensions["E"].number_format
    assert [c.value for c in book["Commune"]["A"]][:4] == ["clé", "nom", "code INSEE", "département"]
    english = load_workbook(write_template(tmp_path / "template.xlsx", lang="en"))
    assert english.sheetnames == ["Notice", "labels", "label_events", "actions", "action_years", "town", "texts"]
    assert [c.value for c in english["label_events"][1]] == list(TABLES["label_events"].column_names)
    assert "in_progress" in {str(r.sqref).split(":")[0]: r.formula1 for r in
                             english["action_years"].data_validations.dataValidation}["C2"]


def test_every_table_names_each_header_once():
    """A French header never names another column in English (the reader could not tell them apart)."""
    from labels_report.data.contract import TEXTS, header_key

    for table in [*TABLES.values(), TEXTS]:
        owners: dict[str, set[str]] = {}
        for column in table.columns:
            assert column.french, f"{table.name}.{column.name} has no French header"
            for header in (column.name, column.french):
                owners.setdefault(header_key(header), set()).add(column.name)
        assert all(len(names) == 1 for names in owners.values()), table.name
        assert all(table.column_for(c.french.upper()) == c.name for c in table.columns)


def _fill_like_a_clerk(book, lang: str = "fr") -> None:
    """Rows typed the way a clerk types them, in the template's sheets (French or English names)."""
    sheet = {name: TABLES[name].sheet_name(lang) for name in TABLES}
    book[sheet["labels"]].append(["ville-fleurie", "Villes et Villages Fleuris", "CNVVF", "Cadre de vie", "fleur", 4])
    book[sheet["labels"]].append(["ville-amie-des-enfants", "Ville amie des enfants", "UNICEF France"])
    events = book[sheet["label_events"]]
    events.append(["ville-fleurie", dt.datetime(2015, 6, 1), "obtention", 2, None, "2018"])
    events["B2"].number_format = "DD/MM/YYYY"
    events.append(["ville-amie-des-enfants", "14.12.2016", "Renouvellement", None, "2014", "2020"])
    book[sheet["actions"]].append(["A01", "Plan « écoles 3.0 »", None, "ville-amie-des-enfants; ville-fleurie",
                                   None, "01/09/2016", None, None, None, None, None, None, None, "oui"])
    years = book[sheet["action_years"]]
    years.append(["A01", 2016, "en cours", 30, 500000, "450 000,50 €", "investissement"])
    years.append(["A01", "2017", "Réalisée", 100, "500 000 €", 480000.25, "Investissement"])
    town = book["Commune" if lang == "fr" else "town"]
    values = {"nom": "Soissons", "code INSEE": "02722", "couleur": "#1f5fa8", "adresse": "Place de l'Hôtel de Ville",
              "name": "Soissons", "insee_code": "02722", "accent_color": "#1f5fa8"}
    for row in town.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_template_filled_by_a_clerk_loads(tmp_path, lang):
    """The French workbook, and the English one of earlier versions, read to the same data."""
    from openpyxl import load_workbook

    folder = tmp_path / "soissons"
    folder.mkdir()
    path = write_template(folder / "labels-soissons.xlsx", lang=lang)
    book = load_workbook(path)
    _fill_like_a_clerk(book, lang)
    book.save(path)
    data = load_dataset(folder)
    assert data.town.name == "Soissons" and data.town.insee_code == "02722" and data.town.slug == "soissons"
    assert data.labels["label_id"].tolist() == ["ville-fleurie", "ville-amie-des-enfants"]
    assert data.events["event"].tolist() == ["awarded", "renewed"]
    assert data.events["date"].tolist() == [dt.date(2015, 6, 1), dt.date(2016, 12, 14)]
    assert data.events["valid_until"].tolist() == [dt.date(2018, 12, 31), dt.date(2020, 12, 31)]
    assert data.actions["labels"].iloc[0] == ("ville-amie-des-enfants", "ville-fleurie")
    assert data.action_years["budget_spent"].tolist() == [450000.5, 480000.25]
    assert data.action_years["status"].tolist() == ["in_progress", "done"]
    assert set(data.events["_sheet"]) == {TABLES["label_events"].sheet_name(lang)}
    assert data.events["_row"].tolist() == [2, 3]
    assert list(data.sources) == ["labels-soissons.xlsx"]


def test_errors_name_sheets_and_columns_as_the_clerk_typed_them(tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "soissons"
    folder.mkdir()
    path = write_template(folder / "saisie.xlsx")
    book = load_workbook(path)
    _fill_like_a_clerk(book)
    book["Actions"]["F1"] = "Date de Début"  # the clerk retyped a header
    book["Actions"]["F2"] = "31/02/2017"
    book["Actions par année"]["C3"] = "réalisé!"
    book["Labels"]["K1"] = "Couleur"
    book.save(path)
    found = {(i.code, i.sheet, i.row, i.column) for i in check(folder, year=2017) if i.severity == "error"}
    assert found == {("date_invalid", "Actions", 2, "Date de Début"), ("vocab_unknown", "Actions par année", 3, "statut"),
                     ("column_unknown", "Labels", 1, "Couleur")}
    (unknown,) = [i for i in check(folder, year=2017) if i.code == "column_unknown"]
    assert "identifiant, nom, organisme" in message(unknown)
    del book["Événements"]
    book.save(path)
    (missing,) = [i for i in check(folder) if i.code == "sheet_missing"]
    assert missing.sheet == "Événements" and "Labels, Événements, Actions, Actions par année" in message(missing)


def test_empty_template_says_the_town_name_is_missing(tmp_path):
    folder = tmp_path / "vide"
    write_template(folder / "modele.xlsx")
    issues = check(folder)
    assert [(i.code, i.sheet, i.column) for i in issues] == [("value_required", "Commune", "nom")]


# -- a new town --------------------------------------------------------------------------


def test_init_town_creates_a_valid_empty_folder(tmp_path):
    folder = init_town("Villers-Cotterêts", tmp_path / "data" / slugify("Villers-Cotterêts"))
    assert folder == tmp_path / "data" / "villers-cotterets"
    assert sorted(p.name for p in folder.iterdir()) == ["action_years.csv", "actions.csv", "label_events.csv",
                                                        "labels.csv", "texts", "town.yml"]
    assert (folder / "labels.csv").read_text("utf-8").startswith("label_id,name,")
    assert 'slug: "villers-cotterets"' in (folder / "town.yml").read_text("utf-8")
    data = load_dataset(folder)
    assert data.town.name == "Villers-Cotterêts" and data.town.slug == "villers-cotterets"
    assert data.labels.empty and data.actions.empty and data.warnings == ()
    assert check(folder) == []
    with pytest.raises(ParameterError):
        init_town("Villers-Cotterêts", folder)  # never overwrites
    assert (folder / "labels.csv").read_text("utf-8").startswith("label_id,name,")
    assert slugify("L'Isle-Adam") == "l-isle-adam" and slugify("Château-Thierry") == "chateau-thierry"


# -- the issues table -----------------------------------------------------------------------


def test_issues_table_in_french_and_english():
    issues = [
        Issue("warning", "label_no_event", "labels.csv", row=4, column="label_id", value="ville-internet",
              params={"events_file": "label_events.csv"}),
        Issue("error", "date_invalid", "label_events.csv", row=3, column="date", value="31/02/2017"),
        Issue("error", "year_invalid", "donnees.xlsx", "action_years", 5, "year", "17"),
        Issue("error", "file_missing", "actions.csv", value="actions.csv", params={"expected": "action_id, title"}),
    ]
    text = format_issues(issues)
    lines = text.splitlines()
    assert lines[0].split() == ["Gravité", "Fichier", "Ligne", "Colonne", "Valeur", "Problème"]
    assert lines[2].startswith("erreur ") and "actions.csv" in lines[2]
    assert "donnees.xlsx [action_years]" in lines[3] and "31/02/2017" in lines[4]
    assert lines[5].startswith("avertissement") and "ville-internet" in lines[5]
    assert lines[-1] == "3 erreurs, 1 avertissement"
    english = format_issues(issues, "en").splitlines()[0].split()
    assert english == ["Severity", "File", "Row", "Column", "Value", "Problem"]
    assert count_line(issues[:2], "en") == "1 error, 1 warning"
    assert count_line([]) == "0 erreur, 0 avertissement"
    frame = issues_frame(issues)
    assert list(frame.columns) == ["Gravité", "Fichier", "Ligne", "Colonne", "Valeur", "Problème"]
    assert frame["Ligne"].tolist()[:1] == [pd.NA] or pd.isna(frame["Ligne"].iloc[0])
    assert frame["Gravité"].tolist() == ["erreur", "erreur", "erreur", "avertissement"]


def test_town_yml_and_the_town_sheet_must_agree(tmp_path):
    """init writes town.yml, the clerk fills the workbook's town sheet: a key given in one only is
    taken from it, the same value in both is fine, two values are an error naming both."""
    folder = shutil.copytree(BASE, tmp_path / "testville")
    town = (folder / "town.yml").read_text("utf-8")
    to_workbook(folder)
    (folder / "town.yml").write_text(town, "utf-8")
    assert check(folder, year=YEAR) == []
    from openpyxl import load_workbook

    (folder / "town.yml").write_text('name: Testville\naddress: ""\n', "utf-8")
    book = load_workbook(folder / "donnees.xlsx")
    address_row = next(row for row in range(1, book["town"].max_row + 1) if book["town"].cell(row, 1).value == "address")
    book["town"].cell(address_row, 2).value = "1 place de la Mairie"  # the address, typed in the sheet only
    book.save(folder / "donnees.xlsx")
    assert [i for i in check(folder, year=YEAR) if i.severity == "error"] == []
    assert load_dataset(folder).town.address == "1 place de la Mairie"
    (folder / "town.yml").write_text('name: Testville-sur-Aisne\n', "utf-8")
    issues = check(folder, year=YEAR)
    assert [(i.code, i.file, i.sheet, i.row, i.column, i.value) for i in issues] == [
        ("town_sources_disagree", "donnees.xlsx", "town", 2, "name", "Testville")]
    assert message(issues[0]) == ("« Testville » ici, mais « Testville-sur-Aisne » dans town.yml (ligne 1) : la commune "
                                  "est décrite à deux endroits qui ne s'accordent pas ; gardez la bonne valeur aux "
                                  "deux endroits, ou ne la donnez qu'à un seul")


# -- what a clerk's tools produce: accepted when it can only mean one thing ---------------

def _rewrite_csv(folder: Path, file: str, *, delimiter: str = ",", encoding: str = "utf-8", prefix: bytes = b"",
                 header=None, line_end: str = "\n", trailing: str = "", extra_lines: dict[int, str] | None = None,
                 cells: dict[tuple[int, str], str] | None = None) -> None:
    """Write ``file`` again from the minimal data: another dialect, a header typed differently,
    a trailing separator on every line, extra lines (blank, titles) as line N, changed cells."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((BASE / file).read_text("utf-8"), newline="")))
    for (row, column), value in (cells or {}).items():
        rows[row - 1][rows[0].index(column)] = value
    if header is not None:
        rows[0] = [header(name) for name in rows[0]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    lines = [line + trailing for line in buffer.getvalue().split(line_end)[:-1]]
    for number, text in sorted((extra_lines or {}).items()):  # the line numbers they end up at
        lines.insert(number - 1, text)
    (folder / file).write_bytes(prefix + (line_end.join(lines) + line_end).encode(encoding))


def _all_csv(folder: Path, **options) -> None:
    for table in TABLES.values():
        _rewrite_csv(folder, table.file, **options)


ACCEPTED: dict[str, object] = {
    "tab-separated": lambda d: _all_csv(d, delimiter="\t"),
    "utf16-bom-tab (Excel 'Unicode text')": lambda d: _all_csv(d, delimiter="\t", encoding="utf-16"),
    "utf16-le-without-bom": lambda d: _all_csv(d, delimiter="\t", encoding="utf-16-le"),
    "utf16-be-without-bom": lambda d: _rewrite_csv(d, "labels.csv", encoding="utf-16-be"),
    "semicolon-utf8-bom": lambda d: _all_csv(d, delimiter=";", prefix=b"\xef\xbb\xbf", line_end="\r\n"),
    "header-case-and-spaces": lambda d: _rewrite_csv(d, "labels.csv", header=lambda n: n.upper() + " "),
    "header-words": lambda d: _rewrite_csv(d, "labels.csv", header=lambda n: " " + n.replace("_", " ").title()),
    "header-hyphens": lambda d: _rewrite_csv(d, "action_years.csv", header=lambda n: n.replace("_", "-")),
    "trailing-separator (Excel)": lambda d: _all_csv(d, delimiter=";", trailing=";", line_end="\r\n"),
    "blank-lines-in-the-middle": lambda d: _rewrite_csv(d, "label_events.csv", extra_lines={3: "", 4: ",,,,,,,,",
                                                                                          5: "   "}),
    "excel-sep-line": lambda d: _rewrite_csv(d, "labels.csv", delimiter=";", extra_lines={1: "sep=;"}),
    "title-above-the-header": lambda d: _rewrite_csv(d, "actions.csv", extra_lines={1: "Actions de la ville,,,",
                                                                                   2: ""}),
    "amounts-french-and-dotted-thousands": lambda d: _rewrite_csv(
        d, "action_years.csv", delimiter=";",
        cells={(2, "budget_spent"): "450 000,50 €", (2, "budget_planned"): "500.000,00", (5, "budget_spent"): "7 999,99"}),
    "percent-sign": lambda d: _rewrite_csv(d, "action_years.csv", cells={(2, "progress"): "40 %",
                                                                         (3, "progress"): "80%"}),
    "oui-non-in-capitals": lambda d: _rewrite_csv(d, "actions.csv", cells={(2, "public"): "Oui", (3, "public"): "NON"}),
    "month-in-words": lambda d: _rewrite_csv(d, "label_events.csv", cells={(3, "date"): "14 déc. 2016",
                                                                           (4, "date"): "juin 2015"}),
}


@pytest.mark.parametrize("variant", ACCEPTED)
def test_unambiguous_variants_load_to_the_same_data(variant, tmp_path):
    """What Excel and clerks produce that can only mean one thing is read as the minimal data set,
    with no error and no warning."""
    folder = shutil.copytree(BASE, tmp_path / "testville")
    ACCEPTED[variant](folder)
    assert check(folder, year=YEAR) == []
    _, expected = _frames(BASE)
    _, tables = _frames(folder)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name].drop(columns=["_row"]), frame.drop(columns=["_row"]),
                                      obj=f"{variant}: {name}")


def test_row_numbers_stay_the_spreadsheets_after_skipped_lines(tmp_path):
    """Blank lines, a title and Excel's "sep=" line are skipped, and rows keep the numbers the clerk sees."""
    folder = shutil.copytree(BASE, tmp_path / "testville")
    _rewrite_csv(folder, "labels.csv", delimiter=";", extra_lines={1: "sep=;", 2: "Nos labels", 3: ""})
    _rewrite_csv(folder, "label_events.csv", extra_lines={3: ""}, cells={(4, "date"): "31/02/2015"})
    issues = check(folder, year=YEAR)
    assert [(i.code, i.file, i.row, i.column) for i in issues] == [("date_invalid", "label_events.csv", 5, "date")]
    data = load_dataset(BASE)
    _rewrite_csv(folder, "label_events.csv", extra_lines={3: ""})
    assert load_dataset(folder).labels["_row"].tolist() == [r + 3 for r in data.labels["_row"]]


def _workbook_variant(folder: Path, edit) -> None:
    from openpyxl import load_workbook

    path = to_workbook(folder)
    book = load_workbook(path)
    edit(book)
    book.save(path)


WORKBOOK_ACCEPTED = {
    "empty-first-row": lambda b: b["labels"].insert_rows(1),
    "title-then-header-on-row-2": lambda b: (b["actions"].insert_rows(1), b["actions"].__setitem__("A1", "Actions")),
    "merged-title-above-the-header": lambda b: (b["actions"].insert_rows(1), b["actions"].__setitem__("A1", "Actions"),
                                                b["actions"].merge_cells("A1:F1")),
    "header-case-and-spaces": lambda b: b["labels"].__setitem__("A1", " Label ID "),
}


@pytest.mark.parametrize("variant", WORKBOOK_ACCEPTED)
def test_workbook_variants_load_to_the_same_data(variant, tmp_path):
    reference = shutil.copytree(BASE, tmp_path / "reference" / "testville")
    to_workbook(reference)
    folder = shutil.copytree(BASE, tmp_path / "variant" / "testville")
    _workbook_variant(folder, WORKBOOK_ACCEPTED[variant])
    assert check(folder, year=YEAR) == []
    _, expected = _frames(reference)
    _, tables = _frames(folder)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name].drop(columns=["_row"]), frame.drop(columns=["_row"]),
                                      obj=f"{variant}: {name}")


def test_texts_typed_in_the_workbook_are_read_like_text_files(tmp_path):
    """The workbook's texts sheet: a label's account and the framing texts, one per row; a label
    the data do not know, HTML, and a text given twice are errors naming the sheet's row."""
    folder = tmp_path / "commune"
    shutil.copytree(BASE, folder)
    shutil.rmtree(folder / "texts")
    book = to_workbook(folder)
    from openpyxl import load_workbook as open_book

    wb = open_book(book)
    sheet = wb.create_sheet("Texts")
    sheet.append(["year", "label_or_section", "signatory", "text"])
    sheet.append([2017, "Avant-propos", "Camille Martin, maire", "Un **rapport** pour le conseil."])
    sheet.append([2017, "ville-fleurie", None, "Le bilan du fleurissement."])
    wb.save(book)
    data = load_dataset(folder)
    assert data.texts[(2017, "_avant-propos")] == "Un **rapport** pour le conseil.\n"
    assert data.signatories[(2017, "_avant-propos")] == "Camille Martin, maire"
    assert data.texts[(2017, "ville-fleurie")] == "Le bilan du fleurissement.\n"
    sheet.append([2017, "ville-fleurie", None, "Encore."])
    sheet.append([2017, "ville-inconnue", None, "x"])
    sheet.append([2017, "perspectives", None, "<script>x</script>"])
    wb.save(book)
    found = {(i.code, i.sheet, i.row, i.column) for i in check(folder, year=YEAR) if i.severity == "error"}
    assert found == {("text_duplicate_row", "Texts", 4, "label_or_section"),
                     ("text_row_label_unknown", "Texts", 5, "label_or_section"),
                     ("text_raw_html", "Texts", 6, "text")}


def test_the_template_has_a_sheet_for_the_texts(tmp_path):
    from openpyxl import load_workbook as open_book

    wb = open_book(write_template(tmp_path / "saisie.xlsx"))
    assert [c.value for c in wb["Textes"][1]] == ["année", "label ou section", "signataire", "texte"]
    notice = " ".join(str(c.value) for row in wb["Notice"].iter_rows() for c in row if c.value)
    assert "avant-propos, faits-marquants, perspectives" in notice
