"""Valid but unusual towns, made by a seeded generator (``tests/datagen.py``), build and say
sensible things: no crash, no formatting leftover (``nan``, ``<NA>``, ``None``, ``{``...), in
every chapter, both languages and both editions, for years before, inside and far after the
data, on a date in the middle of the year, with a horizon of 1 and 120 months.
"""

from __future__ import annotations

import re

import pytest
import yaml
from datagen import SHAPES, generate
from pypdf import PdfReader

from paths import ROOT
from labels_report.chapters.registry import CHAPTERS
from labels_report.data.load import load_dataset
from labels_report.model.quality import check
from labels_report.chapters.notebook import chapter_markdown
from labels_report.model.params import ReportParams
from labels_report.model.compute import compute


CASES = [(shape, seed) for seed, shape in enumerate(SHAPES, start=11)] + [(None, 3), (None, 5)]
"""Every shape of :mod:`datagen`, and two towns the seed alone decides."""

ATTRIBUTES = re.compile(r"\{[#.][^{}\n]*\}")
"""Our own Pandoc attributes (``{#tbl-x}``, ``{.unnumbered}``, ``{#fig-x fig-alt="..."}``)."""
LEFTOVERS = re.compile(r"\bnan\b|\bNaN\b|<NA>|\bNone\b|\bNaT\b|[{}]")


def leftovers(markdown: str) -> list[str]:
    """Pieces of ``markdown`` that come from a value formatted raw, with some context."""
    text = ATTRIBUTES.sub("", markdown)
    return [text[max(0, m.start() - 60):m.end() + 30] for m in LEFTOVERS.finditer(text)]


@pytest.fixture(scope="module")
def towns(tmp_path_factory) -> dict[tuple[str | None, int], object]:
    root = tmp_path_factory.mktemp("generated")
    return {(shape, seed): generate(root / f"{shape or 'random'}-{seed}", seed, shape) for shape, seed in CASES}


def test_the_generator_covers_the_unusual_cases(towns):
    made = list(towns.values())
    assert any(not t.label_ids for t in made) and any(t.label_ids and not t.events for t in made)
    assert any(t.events and not t.actions for t in made) and any(t.actions >= 300 for t in made)
    assert any(t.french for t in made) and any(not t.french for t in made)
    texts = "".join((t.folder / name).read_text("utf-8-sig") for t in made
                    for name in ("labels.csv", "actions.csv", "label_events.csv"))
    for sample in ("’", "'", "🌳", "مدينة", "城市", "€", "%", "/20", "-0"):
        assert sample in texts or sample in "".join((t.folder / "town.yml").read_text("utf-8") for t in made), sample
    assert any(len(word) >= 200 for word in texts.split())  # a URL pasted in a name: 200 characters, no space


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "seed"), CASES, ids=[f"{s or 'random'}-{n}" for s, n in CASES])
def test_generated_town_is_valid_and_every_chapter_renders(shape, seed, towns, tmp_path):
    town = towns[(shape, seed)]
    errors = [i for i in check(town.folder) if i.severity == "error"]
    assert errors == [], [(i.code, i.file, i.row, i.column, i.value) for i in errors]
    # every chapter, both languages and both editions, on the town's last year (a town of 300
    # actions: each language and each edition once, to keep the test quick)
    pairs = [("fr", "conseil"), ("en", "public")] if town.actions > 100 else \
        [(lang, edition) for lang in ("fr", "en") for edition in ("conseil", "public")]
    for lang, edition in pairs:
        for name in CHAPTERS:
            markdown = chapter_markdown(name, data_dir=str(town.folder), year=town.last_year, edition=edition,
                                        lang=lang, output_dir=str(tmp_path))
            assert markdown.strip(), name
            assert leftovers(markdown) == [], (name, lang, edition)
    # the year before any data, a year far after, as_of in the middle of the year, horizons of 1 and 120 months
    for year, as_of, horizon, lang in ((town.first_year - 1, "", 1, "fr"), (town.last_year + 40, "", 120, "en"),
                                       (town.first_year, f"{town.first_year}-06-15", 24, "fr")):
        for name in CHAPTERS:
            markdown = chapter_markdown(name, data_dir=str(town.folder), year=year, edition="conseil", lang=lang,
                                        as_of=as_of, horizon_months=horizon, output_dir=str(tmp_path))
            assert leftovers(markdown) == [], (name, year, as_of, horizon)


def test_a_budget_shared_by_several_labels_is_counted_once(towns):
    town = towns[("shared_budget", 11 + SHAPES.index("shared_budget"))]
    data = load_dataset(town.folder)
    for year in town.years:
        computed = compute(data, ReportParams(year))
        rows = data.action_years[data.action_years["year"] == year]
        expected = rows["budget_planned"].dropna()
        planned = computed.report.key_figures["budget_planned"]
        assert planned == (pytest.approx(float(expected.sum())) if len(expected) else None)
        by_label = computed.tables["budget-par-label"]
        if not by_label.empty:
            total = by_label[by_label["total"]].iloc[0]
            assert total["actions"] == len(rows)
            assert (total["budget_planned"] if not by_label["budget_planned"].isna().all() else None) == \
                (pytest.approx(planned) if planned is not None else None)


def test_a_town_with_no_label_yet_says_so(towns, tmp_path):
    town = towns[("no_labels", 11 + SHAPES.index("no_labels"))]
    for lang, words in (("fr", "Aucun label n’est encore enregistré"), ("en", "No label is recorded yet")):
        summary = chapter_markdown("summary", data_dir=str(town.folder), year=2017, lang=lang, output_dir=str(tmp_path))
        labels = chapter_markdown("labels", data_dir=str(town.folder), year=2017, lang=lang, output_dir=str(tmp_path))
        assert words in summary.replace("\\", "") and words in labels.replace("\\", "")
        assert "tbl-label-status" not in labels and "fig-label-timeline" not in labels  # no empty table or chart


def _nastiest(towns) -> list:
    """The generated towns with the most labels and events, and the one with no label at all."""
    ranked = sorted((t for t in towns.values() if t.label_ids), key=lambda t: (len(t.label_ids) + t.events), reverse=True)
    return [ranked[0], towns[("no_labels", 11 + SHAPES.index("no_labels"))]]


@pytest.mark.slow
def test_real_builds_of_the_nastiest_towns(towns, tmp_path, engine):
    """PDF and HTML are produced, and the PDF's text holds the town's name (typed with an apostrophe,
    Chinese characters and an emoji: the fallback fonts print them)."""
    from labels_report.publish.build import build

    for index, town in enumerate(_nastiest(towns)):
        values = yaml.safe_load((town.folder / "town.yml").read_text("utf-8"))
        values["name"] = ["L’Haÿ-les-Roses 🌳", "Ville d'Avray 城市"][index]
        (town.folder / "town.yml").write_text(yaml.safe_dump(values, allow_unicode=True), "utf-8")
        [result] = build(town.folder, town.last_year, editions=["conseil"], langs=["fr"], engine=engine,
                         out=tmp_path / "out", project=ROOT)
        assert result.files["pdf"].stat().st_size > 0 and result.files["html"].stat().st_size > 0
        text = "".join(page.extract_text() or "" for page in PdfReader(result.files["pdf"]).pages)
        french = values["name"].replace("'", "\u2019")  # the report sets apostrophes the French way
        assert french in text.replace("'", "\u2019")
        assert french in result.files["html"].read_text("utf-8")
