"""French that reads as written by a person: typography and the sentences a reader flagged.

Every chapter of the sample town, the rich fixture and a generated town is read
as Pandoc reads it (plain text) and searched for the specific bad patterns
found when the reports were read aloud: straight apostrophes, "1er" not in
superscript, a day and its month or the groups of a number that can be broken
across lines, a space that can break before a colon, sentences that said
nothing ("Prochaine étape : fin de validité non renseignée", "si c'était le
cas…"), the same sentence repeated under every label, label names not written
as their awarding bodies write them, and data quality advertised in the summary.
"""

from __future__ import annotations

import re

import pypandoc
import pytest
from datagen import generate

from paths import RICH, SAMPLE
from labels_report.chapters.registry import CHAPTERS, render_chapter
from labels_report.data.load import load_dataset
from labels_report.model.compute import compute
from labels_report.model.params import ReportParams

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
BAD = {
    "straight apostrophe": re.compile(r"\w'\w"),
    "day and month can break": re.compile(rf"\b\d{{1,2}}(?:er)? (?:{MONTHS})\b"),
    "number can break": re.compile(r"\d \d{3}\b|\d [€%]"),
    "breakable space before a colon or semicolon": re.compile(r"\w [:;!?](?:\s|$)"),
    "breakable space inside « »": re.compile(r"« | »"),
    "empty next step": re.compile(r"Prochaine étape\s*: fin de validité non renseignée"),
    "hypothetical sentence": re.compile(r"si c.était le cas|apparaîtrait"),
    "label name not as its body writes it": re.compile(r"Ville d.Art et d.Histoire|Ville Fleurie\b"),
}


def chapters(folder, year: int, edition: str = "conseil", lang: str = "fr", tmp_path=None) -> dict[str, str]:
    computed = compute(load_dataset(folder), ReportParams(year=year, edition=edition, lang=lang))
    return {name: render_chapter(name, computed, tmp_path) for name in CHAPTERS}


def as_read(markdown: str) -> str:
    """The text a reader sees (Pandoc's plain text, superscripts written ^…^ by Pandoc)."""
    return pypandoc.convert_text(markdown, "plain-smart", format="markdown-raw_html-raw_tex-raw_attribute",
                                 sandbox=True, extra_args=["--wrap=none"])


@pytest.mark.parametrize("folder,year", [(SAMPLE, 2016), (SAMPLE, 2017), (SAMPLE, 2018), (RICH, 2017)],
                         ids=["sample-2016", "sample-2017", "sample-2018", "rich-2017"])
@pytest.mark.parametrize("edition", ["conseil", "public"])
def test_no_bad_pattern_in_any_chapter(folder, year, edition, tmp_path):
    for name, markdown in chapters(folder, year, edition, tmp_path=tmp_path).items():
        text = as_read(markdown)
        for what, pattern in BAD.items():
            found = pattern.search(text)
            assert found is None, (name, what, text[max(0, found.start() - 60):found.end() + 40])


def test_a_generated_town_reads_as_french(tmp_path):
    """A town the project has never seen (apostrophes, « », amounts typed by a clerk)."""
    town = generate(tmp_path / "town", seed=5)
    for name, markdown in chapters(town.folder, town.last_year, tmp_path=tmp_path).items():
        text = as_read(markdown)
        for what in ("straight apostrophe", "day and month can break", "breakable space inside « »"):
            found = BAD[what].search(text)
            assert found is None, (name, what, text[max(0, found.start() - 60):found.end() + 40])


def test_first_of_the_month_in_superscript(tmp_path):
    """"1er" is set as 1^er^ (superscript) wherever the report writes it."""
    texts = chapters(SAMPLE, 2017, tmp_path=tmp_path)
    markdown = "\n".join(texts.values())
    assert "1^er^" in markdown  # the method says "du 1er janvier"
    assert not re.search(r"(?<![\w^])1er\b", re.sub(r'fig-alt="[^"]*"', "", markdown))


def test_said_once_not_under_every_label(tmp_path):
    texts = chapters(SAMPLE, 2017, tmp_path=tmp_path)
    labels = as_read(texts["labels"])
    assert labels.count("Aucune référence de délibération ou de convention") == 1
    summary = as_read(texts["summary"])
    assert "avertissement" not in summary
    assert summary.count("Qualité des données") == 1  # once, last, in the council's edition
    public = as_read(chapters(SAMPLE, 2017, "public", tmp_path=tmp_path)["summary"])
    assert "Qualité des données" not in public
    # The labels come first: the summary's first paragraph of substance is about them.
    essentials = summary.split("L’essentiel", 1)[1].strip()
    assert essentials.startswith("Au 31\u00a0décembre\u00a02017, Soissons détient 3 labels")


def test_an_unknown_total_says_so(tmp_path):
    """"au moins", and how many amounts are missing, wherever a sum is partly unknown."""
    summary = as_read(chapters(SAMPLE, 2017, tmp_path=tmp_path)["summary"])
    assert "Le budget prévu s’élève à au moins 500\u202f000\u00a0€\u00a0; il n’est pas renseigné pour 14 actions " \
           "sur 15." in summary
    assert "Les dépenses réalisées ne sont pas renseignées." in summary
    rich = as_read(chapters(RICH, 2017, tmp_path=tmp_path)["summary"])
    assert "Au moins 26\u202f500\u00a0€ ont été dépensés\u00a0; la dépense n’est pas renseignée pour 2 actions sur 6." \
        in rich
    assert "Pour les 4 actions sur 6 dont le budget prévu et la dépense sont connus" in rich


@pytest.mark.parametrize("lang,one_year,span", [
    ("fr", "Labels, actions et budget en 2016", "de 2016 à 2016"),
    ("en", "Labels, actions and budget in 2016", "from 2016 to 2016"),
])
def test_a_town_without_actions_has_one_year_not_a_span_of_one(tmp_path, lang, one_year, span):
    """A town imported from a network's list holds a label and no action: its table over the
    years has the report's year only, and says so rather than "from 2016 to 2016"."""
    from labels_report.model.palmares import import_palmares

    table = tmp_path / "palmares.csv"
    table.write_text("année;commune;code_insee;fleurs\n2015;Laon;02408;2\n2016;Laon;02408;3\n", "utf-8")
    import_palmares(table, "villes-villages-fleuris", tmp_path / "data")
    text = as_read(chapters(tmp_path / "data" / "laon", 2016, lang=lang, tmp_path=tmp_path)["year_over_year"])
    assert one_year in text and span not in text
    assert ("ne compte qu’une année, 2016\u00a0: les données des actions ne contiennent aucune autre année"
            if lang == "fr" else "one year only, 2016: the action data hold no other year") in text
