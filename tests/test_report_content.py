"""The report's content: figures recomputed independently from the input CSV files,
sentences that agree with the tables, shared actions counted once, every table
exported, every figure described and backed by a CSV, all chapters in both
languages and for every year of the sample.

The independent computations below use plain pandas on the clerk's CSV files,
not the package's functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from paths import RICH, ROOT, SAMPLE
from labels_report.chapters.registry import CHAPTERS, render_chapter
from labels_report.data.load import load_dataset
from labels_report.model.compute import ComputedReport, compute
from labels_report.model.params import ReportParams
from labels_report.model.tables import TABLES
from labels_report.publish.calendar import write_ics

HELD_EVENTS = {"awarded", "renewed", "level_changed"}
ENDING_EVENTS = {"suspended", "withdrawn", "expired"}


# -- an independent reading of the CSV files ----------------------------------------

def parse(text: str, end: bool = False) -> dt.date | None:
    """``2016``, ``2016-12`` or ``2016-12-14``; a partial end date is its last day."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:])
        first = dt.date(year, month, 1)
        if not end:
            return first
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date.fromisoformat(text)


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def label_state(events: list[dict], label_id: str, day: dt.date) -> tuple[str, int | None, dt.date | None]:
    state, level, until = "none", None, None
    mine = [e for e in events if e["label_id"] == label_id and parse(e["date"]) <= day]
    for e in sorted(mine, key=lambda e: parse(e["date"])):  # sorted() is stable: file order on ties
        if e["event"] in HELD_EVENTS:
            state = "held"
            level = int(e["level"]) if e["level"] else level
            if e["event"] in ("awarded", "renewed") or e["valid_until"]:
                until = parse(e["valid_until"], end=True)
        elif e["event"] in ENDING_EVENTS:
            state, until = e["event"], None
        elif e["event"] == "applied":
            state = "applied"
    if state == "held" and until is not None and until < day:
        state = "expired"
    return state, level, until


def horizon_end(as_of: dt.date, months: int) -> dt.date:
    month = as_of.month - 1 + months
    year, month = as_of.year + month // 12, month % 12 + 1
    for day in (as_of.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError


def independent_figures(folder: Path, year: int, public: bool = False, months: int = 24) -> dict[str, float | None]:
    """The key figures of the report of ``year``, from what was known on 31 December of that year:
    later events are left out (a jury visit already scheduled aside), and so are the labels whose
    first event is later (a label with no event at all stays: "non renseigné")."""
    labels = read(folder, "labels.csv")
    as_of = dt.date(year, 12, 31)
    start, eve, end = dt.date(year, 1, 1), dt.date(year - 1, 12, 31), horizon_end(as_of, months)
    every_event = read(folder, "label_events.csv")
    happened = {e["label_id"] for e in every_event if parse(e["date"]) <= as_of}
    ids = [row["label_id"] for row in labels
           if row["label_id"] in happened or not any(e["label_id"] == row["label_id"] for e in every_event)]
    events = [e for e in every_event if e["label_id"] in ids
              and (parse(e["date"]) <= as_of or e["event"] == "jury_visit")]
    held_now = {i for i in ids if label_state(events, i, as_of)[0] == "held"}
    in_year = [e for e in events if start <= parse(e["date"]) <= as_of]
    upgraded, downgraded = set(), set()
    for e in in_year:
        if e["event"] in HELD_EVENTS and e["level"]:
            state, level, _ = label_state(events, e["label_id"], parse(e["date"]) - dt.timedelta(days=1))
            if state == "held" and level is not None and int(e["level"]) > level:
                upgraded.add(e["label_id"])
            if state == "held" and level is not None and int(e["level"]) < level:
                downgraded.add(e["label_id"])
    deadlines = [e for e in events if as_of < parse(e["date"]) <= end]
    validity_ends = [i for i in held_now if (u := label_state(events, i, as_of)[2]) and as_of < u <= end]

    actions = pd.read_csv(folder / "actions.csv", dtype=str, keep_default_na=False)
    years = pd.read_csv(folder / "action_years.csv", dtype=str, keep_default_na=False)
    if public:
        actions = actions[actions["public"].str.lower().isin(["yes", "oui"])]
    rows = years[(years["year"] == str(year)) & years["action_id"].isin(actions["action_id"])]
    shared = actions[actions["labels"].str.contains(";")]["action_id"]

    def amount(column: str) -> float | None:
        known = [float(v) for v in rows[column] if v]
        return sum(known) if known else None

    # The share spent, over the actions whose two amounts are both known: never over a guess.
    both = [(float(p), float(s)) for p, s in zip(rows["budget_planned"], rows["budget_spent"]) if p and s]
    planned_known = sum(p for p, _ in both)

    return {
        "labels_total": len(ids),
        "labels_held": len(held_now),
        "labels_unknown": len([i for i in ids if not any(e["label_id"] == i for e in events)]),
        "obtained": len({e["label_id"] for e in in_year if e["event"] == "awarded"}),
        "renewed": len({e["label_id"] for e in in_year if e["event"] == "renewed"}),
        "upgraded": len(upgraded),
        "downgraded": len(downgraded),
        "lost": len({i for i in ids if label_state(events, i, eve)[0] == "held"} - held_now),
        "renewals_due": len(validity_ends) + len([e for e in deadlines if e["event"] == "renewed"]),
        "deadlines": len(deadlines) + len(validity_ends),
        "actions_total": len(rows),
        **{f"actions_{s}": int((rows["status"] == s).sum())
           for s in ("done", "in_progress", "planned", "paused", "abandoned")},
        "actions_shared": int(rows["action_id"].isin(shared).sum()),
        "budget_planned": amount("budget_planned"),
        "budget_planned_unknown": int((rows["budget_planned"] == "").sum()),
        "budget_spent": amount("budget_spent"),
        "budget_spent_unknown": int((rows["budget_spent"] == "").sum()),
        "spending_rate": 100 * sum(s for _, s in both) / planned_known if planned_known else None,
        "spending_rate_actions": len(both),
    }


def report_for(folder: Path, year: int, edition: str = "conseil", lang: str = "fr") -> ComputedReport:
    return compute(load_dataset(folder), ReportParams(year=year, edition=edition, lang=lang))


def number_in(text: str) -> float | None:
    """A number as the French report writes it (``500 000 €``, ``54 %``); None for "non renseigné"."""
    digits = re.sub(r"[^\d,\-]", "", text.replace("\u202f", "").replace("\u00a0", "")).replace(",", ".")
    return float(digits) if digits else None


def html_table(soup: BeautifulSoup, ident: str) -> list[list[str]]:
    table = soup.find(id=ident)
    assert table is not None, ident
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])] for row in table.find_all("tr")]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- figures recomputed independently -----------------------------------------------

@pytest.mark.parametrize("year", [2016, 2017, 2018])
@pytest.mark.parametrize("folder", [SAMPLE, RICH], ids=["sample", "rich"])
@pytest.mark.parametrize("edition", ["conseil", "public"])
def test_key_figures_equal_an_independent_count(folder, year, edition):
    expected = independent_figures(folder, year, public=edition == "public")
    assert report_for(folder, year, edition).report.key_figures == expected


def test_rich_2017_figures_by_hand():
    """The rich fixture's 2017, counted by hand from its CSV files."""
    k = report_for(RICH, 2017).report.key_figures
    assert (k["labels_held"], k["upgraded"], k["lost"], k["obtained"], k["renewed"]) == (3, 1, 1, 0, 0)
    # Pavillon Bleu's award (May 2018) was not known on 31 December 2017: not a deadline of 2017.
    assert (k["deadlines"], k["renewals_due"]) == (2, 1)
    assert (k["actions_total"], k["actions_done"], k["actions_in_progress"], k["actions_planned"],
            k["actions_abandoned"], k["actions_shared"]) == (6, 1, 3, 1, 1, 1)
    assert (k["budget_planned"], k["budget_spent"]) == (49000, 26500)
    public = report_for(RICH, 2017, "public").report.key_figures
    assert (public["actions_total"], public["budget_planned"], public["budget_spent"]) == (5, 47000, 25000)
    k2016 = report_for(RICH, 2016).report.key_figures
    assert (k2016["renewed"], k2016["upgraded"], k2016["labels_held"]) == (2, 1, 4)


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["conseil", "public"])
def test_summary_of_the_sample_equals_the_csv_files(sample_build, edition):
    """The published key figures (CSV and HTML table) equal those recomputed from the input CSV files."""
    folder = sample_build[edition].folder
    expected = independent_figures(SAMPLE, 2017, public=edition == "public")
    exported = {row["figure"]: (float(row["value"]) if row["value"] else None)
                for row in csv_rows(folder / "donnees" / "chiffres-cles.csv")}
    assert exported == expected
    soup = BeautifulSoup((folder / "rapport-labels-soissons-2017.html").read_text("utf-8"), "html.parser")
    # The table shows the figures that are not zero (and the budgets, however they are known); the
    # zeros are said in one sentence under it.
    from labels_report.chapters.summary import FOLDED, SHOWN_FIGURES

    rows = html_table(soup, "tbl-key-figures")[1:]
    wanted = [f for f in SHOWN_FIGURES if f not in FOLDED or expected[f]]
    assert [number_in(row[1]) for row in rows] == [expected[f] for f in wanted]
    assert rows[-2][1] == "au moins 500\u202f000\u00a0€" and rows[-1][1] == "non renseigné"
    essentials = soup.find(id="summary-essentials").get_text(" ", strip=True)
    assert f"détient {expected['labels_held']} labels sur les {expected['labels_total']}" in essentials
    assert f"{expected['actions_total']} actions sont suivies en 2017 : 1 réalisée et 14 en cours" \
        in essentials.replace("\u00a0", " ")
    assert "au moins 500\u202f000\u00a0€\u00a0; il n’est pas renseigné pour 14 actions sur 15" in essentials
    assert "(s)" not in soup.get_text()
    # the other tables tell the same: labels held, actions by status, budget total
    status_rows = html_table(soup, "tbl-label-status")[1:]
    assert sum(row[1] == "détenu" for row in status_rows) == expected["labels_held"]
    axis_total = html_table(soup, "tbl-budget-axis")[-1]
    assert number_in(axis_total[1]) == expected["actions_total"]
    assert number_in(axis_total[2]) == expected["actions_done"]
    assert number_in(axis_total[-2]) == expected["budget_planned"]


@pytest.mark.parametrize("lang,expected", [
    ("fr", ["6 actions sont suivies en 2017\u00a0: 1 réalisée, 3 en cours, 1 prévue et 1 abandonnée.",
            "Au 31\u00a0décembre\u00a02017, Valbourg détient 3 labels sur les 5 suivis",
            "1 label dont le niveau a progressé (Villes et Villages Fleuris) et 1 label perdu ou arrivé "
            "à échéance (Ville Internet)",
            "Une action sert plusieurs labels\u00a0; elle n'est comptée qu'une fois.",
            "2 échéances tombent dans les 24 prochains mois, la première\u00a0: visite du jury de Villes et "
            "Villages Fleuris, 10\u00a0juillet\u00a02019.",
            "Un renouvellement est à préparer"]),
    ("en", ["6 actions are followed in 2017: 1 done, 3 in progress, 1 planned and 1 abandoned.",
            "On 31\u00a0December\u00a02017, Valbourg holds 3 labels out of the 5 followed",
            "1 label moved up a level (Villes et Villages Fleuris) and 1 label lost or expired (Ville Internet)",
            "One action serves several labels; it is counted once.",
            "One renewal is to be prepared"]),
])
def test_summary_sentences_are_grammatical(lang, expected, tmp_path):
    text = plain_text(render_chapter("summary", report_for(RICH, 2017, lang=lang), tmp_path))
    for sentence in expected:
        assert sentence in text
    assert "(s)" not in text


def test_singular_forms(tmp_path):
    """One action, one label: singular words, no "1 actions"."""
    text = plain_text(render_chapter("summary", report_for(SAMPLE, 2016), tmp_path))
    assert "Une seule action est suivie en 2016\u00a0; elle est en cours." in text
    assert "1 label obtenu (Territoire à énergie positive pour la croissance verte) et 1 label renouvelé " \
           "(Ville amie des enfants)" in text
    english = plain_text(render_chapter("summary", report_for(SAMPLE, 2016, lang="en"), tmp_path))
    assert "A single action is followed in 2016; it is in progress." in english
    assert "1 labels" not in english and "1 actions" not in english


def plain_text(markdown: str) -> str:
    """The Markdown as a reader sees it: escapes undone, emphasis marks dropped; the typographic
    apostrophe read as a plain one (tests/test_wording.py checks the typography itself)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("**", "")).replace("\u2019", "'")


# -- shared actions ---------------------------------------------------------------------

def test_shared_action_listed_under_each_label_counted_once(tmp_path):
    report = report_for(RICH, 2017)
    links = report.tables["actions-par-label"]
    assert sorted(links[links["action_id"] == "A1"]["label_id"]) == ["ville-amie-des-enfants", "ville-fleurie"]
    by_label = report.tables["budget-par-label"]
    rows, total = by_label[~by_label["total"]], by_label[by_label["total"]].iloc[0]
    assert total["budget_planned"] == 49000 and total["actions"] == 6
    assert rows["budget_planned"].sum() == 49000 + 30000  # A1 (30 000) sits in two rows
    assert rows["actions"].sum() == 7
    by_axis = report.tables["budget-par-axe"]
    assert by_axis[by_axis["total"]].iloc[0]["budget_planned"] == 49000
    assert by_axis[~by_axis["total"]]["budget_planned"].sum() == 49000
    markdown = plain_text(render_chapter("actions", report, tmp_path))
    assert markdown.count("| Jardins partagés | Cadre de vie |") == 2  # in the table of each of its labels
    assert "Une action sert plusieurs labels\u00a0: elle apparaît sous chacun d'eux" in markdown
    # A2's spending of 2017 is known but A3 (abandoned) and A6 have none: the totals are lower bounds.
    assert "| Total (chaque action comptée une fois) | 6 | au moins 49\u202f000\u00a0€ | au moins 26\u202f500\u00a0€ |" \
        in markdown


# -- chapters' substance ------------------------------------------------------------------

def test_labels_status_levels_and_timeline(tmp_path):
    report = report_for(RICH, 2017)
    status = report.tables["statut-des-labels"].set_index("label_id")
    assert status.loc["ville-fleurie", "state"] == "held" and status.loc["ville-fleurie", "level"] == 4
    assert status.loc["ville-internet", "state"] == "withdrawn"
    assert status.loc["ville-internet", "since"] == "2017-05-15"
    assert status.loc["pavillon-bleu", "state"] == "applied"
    timeline = report.tables["chronologie-des-labels"]
    fleurie = timeline[timeline["label_id"] == "ville-fleurie"]
    assert list(fleurie["level"]) == [3, 3, 4]
    assert list(fleurie["start"]) == ["2013", "2017", "2017-10-05"]
    text = plain_text(render_chapter("labels", report, tmp_path))
    assert "| Villes et Villages Fleuris | détenu | 4 fleurs | 20\u00a0juin\u00a02013 | 2019 |" in text
    assert "4 fleurs sur 4" in text
    assert "| Guide Vert Michelin | détenu | 1 étoile |" in text
    assert "titre (sans niveau)" in text
    assert "réf.\u00a0Palmarès 2017" in text  # evidence references
    assert "quatrième fleur" in text  # the service's narrative
    assert "3 fleurs) et 5\u00a0octobre\u00a02017 – 2019 (4 fleurs)" in text  # the alt text tells the level change
    assert (tmp_path / "figures" / "label-timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_actions_by_axis_kind_and_indicators(tmp_path):
    report = report_for(RICH, 2017)
    kinds = report.tables["budget-par-nature"]
    kinds = kinds[~kinds["total"]].set_index("budget_kind")["budget_planned"]
    assert kinds["investment"] == 42000  # A1 30 000, A5 8 000, A6 4 000
    assert kinds["operating"] == 7000  # A2 5 000, A4 2 000
    indicators = report.tables["indicateurs"].set_index("action_id")
    assert indicators.loc["A1", "achievement"] == 50.0 and indicators.loc["A5", "achievement"] == 100.0
    text = plain_text(render_chapter("actions", report, tmp_path))
    assert "en cours (50\u00a0%)" in text
    assert "Association Les Jardiniers, Centre social" in text
    assert "Jardins ouverts\u00a0: 2 pour une cible de 4 jardins" in text


def test_year_over_year_with_and_without_a_previous_year(tmp_path):
    sample = report_for(SAMPLE, 2016)
    text = plain_text(render_chapter("year_over_year", sample, tmp_path))
    # The labels' position at the end of 2015 is known (events since 2008), though nothing happened
    # in 2015; the action data begin in 2016, so the actions and budgets are not compared.
    assert "Ce chapitre compare la situation des labels au 31\u00a0décembre\u00a02015 et au 31\u00a0décembre" \
           "\u00a02016." in text
    assert "| Ville amie des enfants | expiré | détenu | obtenu |" in text
    assert "Les données des actions commencent en 2016\u00a0: les actions et les budgets de 2016 ne peuvent pas " \
           "être comparés avec ceux de 2015." in text
    assert sample.tables["comparaison-actions"].empty and sample.tables["comparaison-budget"].empty
    assert "Budget par axe" not in text
    assert "2017" not in text and "2018" not in text  # a report of 2016 tells nothing of the years after
    first = plain_text(render_chapter("year_over_year", report_for(SAMPLE, 2008), tmp_path))
    assert "Les données commencent en 2008\u00a0: aucune comparaison avec l'année précédente n'est possible." \
           in first
    report = report_for(RICH, 2017)
    changes = report.tables["comparaison-labels"].set_index("label_id")["change"]
    assert dict(changes) == {"ville-fleurie": "level_up", "ville-amie-des-enfants": "unchanged",
                             "ville-internet": "ended", "guide-vert": "unchanged",
                             "pavillon-bleu": "state_changed"}
    actions = report.tables["comparaison-actions"].set_index("action_id")["change"]
    assert actions["A3"] == "status_changed" and actions["A5"] == "new"
    budget = report.tables["comparaison-budget"]
    total = budget[budget["total"]].iloc[0]
    # A3's planned budget of 2017 is not known: 49 000 € is a lower bound, and no change can be told.
    assert total["budget_planned"] == 49000 and total["budget_planned_unknown"] == 1
    assert pd.isna(total["budget_planned_change"])
    text = plain_text(render_chapter("year_over_year", report, tmp_path))
    assert "Budget prévu\u00a0: 40\u202f000\u00a0€ en 2016, au moins 49\u202f000\u00a0€ en 2017\u00a0; l'écart ne peut " \
           "pas être calculé." in text
    assert "| Total | 40\u202f000\u00a0€ | ≥\u00a049\u202f000\u00a0€ | – |" in text


def test_annexes_for_their_readers(tmp_path):
    """Council: data quality grouped by kind of problem in plain words, one provenance line, no hash,
    no file or column name; public: no technical annex, one sentence on what is not available."""
    council = report_for(SAMPLE, 2017)
    text = plain_text(render_chapter("annexes", council, tmp_path))
    assert "Budget (prévu et dépensé) non renseigné pour 14 actions\u00a0: Structure d'accueil petite enfance" in text
    assert "Aucun événement (obtention, niveau, validité) n'est enregistré pour 2 labels" in text
    assert text.count("labels-report 0.1.0") == 1 and "manifest.json" in text
    assert "la dépense de 15 actions" in text
    public = report_for(SAMPLE, 2017, "public")
    public_text = plain_text(render_chapter("annexes", public, tmp_path))
    for technical in ("labels-report", "manifest.json", "empreinte", "controle-donnees", "Qualité des données"):
        assert technical not in public_text, technical
    assert public_text.count("Certaines informations ne sont pas disponibles") == 1
    for raw in ("action_years.csv", "budget_planned", "label_events", "sha256", "SHA-256", "pandas", "papermill"):
        assert raw not in text and raw not in public_text, raw
    assert not re.search(r"\b[0-9a-f]{40,64}\b", text)
    for word in ("détenu", "retiré", "visite du jury", "changement de niveau", "abandonnée", "fonctionnement"):
        assert f"\n{word}\n:   " in text  # each word of the vocabulary has its definition


# -- exports and figures ----------------------------------------------------------------

@pytest.mark.slow
def test_every_table_and_figure_has_its_csv(sample_build):
    result = sample_build["conseil"]
    folder = result.folder / "donnees"
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(TABLES)
    workbook = load_workbook(next(folder.glob("*.xlsx")), read_only=True)
    assert sorted(workbook.sheetnames) == sorted(name[:31] for name in TABLES)
    soup = BeautifulSoup(result.files["html"].read_text("utf-8"), "html.parser")
    images = soup.find_all("img")
    # The timeline and the years chart; the budget by axis has one known amount: no chart of it.
    assert len(images) == 2 and not (result.folder / "figures").exists()
    for image in images:
        assert len(image.get("alt", "")) > 80  # generated from the data, not a placeholder
        figure = image.find_parent("figure")
        link = figure.find_next("a", href=re.compile(r"^donnees/.+\.csv$"))
        assert (result.folder / link["href"]).is_file()
    assert "500\u202f000\u00a0€" in images[1]["alt"]  # the years chart's alt text holds its numbers
    tables = soup.find_all("table")
    assert len(tables) >= 12
    for name, frame in TABLES.items():
        assert soup.find("a", href=f"donnees/{name}.csv"), name
    status = csv_rows(folder / "statut-des-labels.csv")
    assert [r["state"] for r in status] == ["held", "held", "held", "unknown", "unknown"]


def test_same_inputs_same_bytes(tmp_path):
    """No wall-clock time, no random identifier: two runs give the same Markdown, figures and calendar."""
    def run(out: Path) -> dict[str, bytes]:
        report = report_for(RICH, 2017)
        markdown = "".join(render_chapter(name, report, out) for name in CHAPTERS)
        write_ics(report.report, out / "echeances.ics")
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        return {"markdown": markdown.encode(), **files}

    first, second = run(tmp_path / "a"), run(tmp_path / "b")
    assert first == second
    assert {"figures/label-timeline.png", "figures/budget-by-axis.png", "figures/years-overview.png",
            "echeances.ics"} <= set(first)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_every_chapter_in_every_language_and_year(lang, year, tmp_path):
    """No message missing, nothing left in the other language, and each chapter has content."""
    for folder in (SAMPLE, RICH):
        report = report_for(folder, year, lang=lang)
        for name in CHAPTERS:
            text = render_chapter(name, report, tmp_path)
            assert text.count("\n\n") >= 2, (folder.name, name)
            if lang == "en":
                # Words only the French catalogue holds (the data themselves are French).
                for french in ("non renseigné", "Statut", "détenu", "Aucune ", "Échéance", "prévu "):
                    assert french not in plain_text(text), (name, french)


# -- whole reports for the other years of the sample ---------------------------------

@pytest.fixture(scope="module", params=[2016, 2018])
def year_builds(request, tmp_path_factory, engine):
    """The sample's report of ``year`` in both editions and both languages (one build, in parallel)."""
    from labels_report.publish.build import build

    results = build(SAMPLE, request.param, editions=["conseil", "public"], langs=["fr", "en"], engine=engine,
                    out=tmp_path_factory.mktemp(f"out-{request.param}"), project=ROOT)
    return request.param, {(r.params.edition, r.params.lang): r for r in results}


@pytest.mark.slow
def test_other_years_build_with_every_chapter(year_builds):
    from labels_report.core.i18n import catalogue
    from pypdf import PdfReader

    year, results = year_builds
    assert set(results) == {(e, lang) for e in ("conseil", "public") for lang in ("fr", "en")}
    for (edition, lang), result in results.items():
        cat = catalogue(lang)
        titles = [cat.text(f"chapter.{name}").replace("\u2019", "'") for name in CHAPTERS]
        soup = BeautifulSoup(result.files["html"].read_text("utf-8"), "html.parser")
        headings = [h.get_text(" ", strip=True).replace("\u2019", "'") for h in soup.find_all(["h2"])]
        for title in titles:
            assert any(title in h for h in headings), (edition, lang, title)
        pdf = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(result.files["pdf"]).pages)
        pdf = pdf.replace("\u2019", "'")
        for title in titles:
            assert title in pdf, (edition, lang, title)
        exported = {row["figure"]: (float(row["value"]) if row["value"] else None)
                    for row in csv_rows(result.folder / "donnees" / "chiffres-cles.csv")}
        assert exported == independent_figures(SAMPLE, year, public=edition == "public")
        assert sorted(p.stem for p in (result.folder / "donnees").glob("*.csv")) == sorted(TABLES)
    html = results[("conseil", "fr")].files["html"].read_text("utf-8")
    if year == 2016:
        assert "Les données des actions commencent en 2016" in html
    else:
        assert "Ville amie des enfants" in (results[("public", "en")].folder / "echeances.ics").read_text("utf-8")


def test_exports_are_reproducible_and_keep_text_as_text(tmp_path):
    from labels_report.publish.exports import write_exports

    tables = dict(report_for(RICH, 2017).tables)
    tables["actions"] = tables["actions"].assign(title=["=1+1", *tables["actions"]["title"][1:]])
    first = write_exports(tables, tmp_path / "a", "donnees.xlsx")
    second = write_exports(tables, tmp_path / "b", "donnees.xlsx")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    sheet = load_workbook(tmp_path / "a" / "donnees.xlsx")["actions"]
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"  # text, not a formula
    figures = {row["figure"]: row["value"] for row in csv_rows(tmp_path / "a" / "chiffres-cles.csv")}
    assert (figures["budget_planned"], figures["budget_planned_unknown"]) == ("49000", "1")


def test_a_year_with_no_event_is_still_compared_with(tmp_path):
    """A town listed by its network in 2014, 2015 and 2016 has no event in 2015 (its level did not
    move): its 2016 report still compares with the end of 2015, and shows the flower it gained."""
    from labels_report.model.palmares import import_palmares

    table = tmp_path / "palmares.csv"
    table.write_text("année;commune;code_insee;fleurs\n2014;Laon;02408;2\n2015;Laon;02408;2\n2016;Laon;02408;3\n",
                     "utf-8")
    import_palmares(table, "villes-villages-fleuris", tmp_path / "data")
    report = report_for(tmp_path / "data" / "laon", 2016)
    changes = report.tables["comparaison-labels"]
    assert changes[["level_before", "level_after", "change"]].values.tolist() == [[2, 3, "level_up"]]
    text = plain_text(render_chapter("year_over_year", report, tmp_path))
    assert "| Villes et Villages Fleuris | détenu (2 fleurs) | détenu (3 fleurs) | niveau en hausse |" in text
    assert "Ce chapitre compare la situation des labels au 31\u00a0décembre\u00a02015 et au 31\u00a0décembre" \
           "\u00a02016." in text
    assert "Aucune action n'est enregistrée ni en 2015 ni en 2016." in text
    assert "Budget par axe" not in text  # no action at all: no budget to compare
    assert report.tables["comparaison-actions"].empty and report.tables["comparaison-budget"].empty
