"""The report project file: one source for both engines; what a Quarto too old for it gets."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from paths import ROOT, SAMPLE
from labels_report.core.project import Project, find_project, merge


def test_quarto_yml_is_a_book_whose_files_exist():
    config = Project(ROOT).config()
    assert config["project"]["type"] == "book"
    chapters = config["book"]["chapters"]
    assert chapters[0] == "index.qmd", "a Quarto book starts with its index page"
    for chapter in chapters:
        assert (ROOT / chapter).is_file(), chapter
    assert set(config["format"]) == {"html", "typst"}
    html, typst = config["format"]["html"], config["format"]["typst"]
    for path in [html["template"], *html["template-partials"], *typst["template-partials"], *typst["font-paths"]]:
        assert (ROOT / path).exists(), path
    for entry in config["filters"]:
        assert (ROOT / entry["path"]).is_file(), entry
    assert typst["papersize"] == "a4"
    assert config["execute"]["enabled"] is False, "Quarto renders the notebooks papermill executed"


def test_both_engines_read_the_same_files_and_options():
    """The built-in engine's templates, filter, reader, standards and fonts are those _quarto.yml gives Quarto."""
    from labels_report.core.project import FONTS_FOLDER, REPORT_FOLDER
    from labels_report.publish import render

    config = Project(ROOT).config()
    html, typst = config["format"]["html"], config["format"]["typst"]
    report = Path(REPORT_FOLDER)
    assert html["template"] == (report / render.HTML_TEMPLATE).as_posix()
    assert html["template-partials"] == [(report / render.HTML_TEMPLATE).with_name("report.css").as_posix()]
    built_in = (ROOT / report / render.TYPST_TEMPLATE).read_text(encoding="utf-8")
    for partial in typst["template-partials"]:
        assert Path(partial).parent == (report / render.TYPST_TEMPLATE).parent
        assert f"${Path(partial).name}()$" in built_in, partial
    assert (report / render.LUA_FILTER).as_posix() in [entry["path"] for entry in config["filters"]]
    assert config["from"] == render.MARKDOWN_READER
    assert typst["pdf-standard"] == render.PDF_STANDARDS
    assert typst["font-paths"] == [(report / FONTS_FOLDER).as_posix()]
    assert html["shift-heading-level-by"] == 1, "the title is the page's h1, as in the built-in engine"
    assert html["section-divs"] is True and html["minimal"] is True
    assert html["embed-resources"] is False, "Pandoc's embedding would turn every image's alt into an aria-label"
    for options in (html, typst):
        assert options["pandoc-args"] == ["--sandbox"]
    assert (typst["toc-depth"], html["toc-depth"]) == (2, 3), "chapters and sections (HTML: after the shift)"


def test_profiles_merge_like_quarto():
    project = Project(ROOT)
    assert project.config()["lang"] == "fr"
    english = project.config("public", "en")
    assert english["lang"] == "en"
    assert english["book"]["title"] == "Annual labels report"
    assert english["book"]["chapters"] == project.config()["book"]["chapters"], "profiles keep the chapter order"
    assert merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}}) == {"a": {"b": 1, "c": 3}}


def test_project_is_found_from_a_subfolder():
    assert find_project(ROOT / "notebooks") == ROOT
    assert find_project(SAMPLE) == ROOT


FAKE_OLD_QUARTO = """#!/bin/sh
# Stands in for a Quarto too old for the report (what real Quarto 1.9 cannot show).
if [ "$1" = "--version" ]; then echo "1.7.31"; exit 0; fi
echo "this stand-in only tells its version" >&2; exit 1
"""


@pytest.fixture()
def old_quarto(tmp_path, monkeypatch) -> Path:
    """A `quarto` 1.7.31 first on the PATH."""
    bin_dir = tmp_path / "old-quarto"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_OLD_QUARTO, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return fake


def test_a_quarto_too_old_is_one_clear_sentence(old_quarto, tmp_path):
    from labels_report.cli import describe
    from labels_report.core.errors import EngineUnavailableError
    from labels_report.publish.engines import choose_engine

    with pytest.raises(EngineUnavailableError) as caught:
        choose_engine("quarto")
    for lang, words in (("fr", "mettez Quarto à jour"), ("en", "update Quarto")):
        message = describe(caught.value, lang)
        assert "Quarto 1.7.31" in message and "1.9.18" in message and "--engine pandoc" in message and words in message
        assert len(message.splitlines()) == 1 and message.count(". ") == 0
    result = subprocess.run([sys.executable, "-m", "labels_report.cli", "build", "--data", str(SAMPLE), "--year",
                             "2017", "--engine", "quarto", "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "LANG": "fr_FR.UTF-8"})
    assert result.returncode == 2
    assert describe(caught.value, "fr") in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_auto_passes_over_a_quarto_too_old_and_says_so(old_quarto):
    from labels_report.publish.engines import choose_engine

    heard: list[tuple] = []
    assert choose_engine("auto", notice=lambda code, params: heard.append((code, params))).name == "pandoc"
    assert heard == [("quarto_too_old", {"found": "1.7.31", "needed": "1.9.18"})]


def test_the_quarto_extra_asks_for_the_version_the_engine_needs():
    from labels_report.publish.versions import QUARTO_MINIMUM, version_text

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^quarto = \["quarto-cli>=([0-9.]+)"\]', pyproject, re.M).group(1) == version_text(QUARTO_MINIMUM)


def test_built_in_engine_follows_the_format_options_of_quarto_yml(tmp_path):
    from bs4 import BeautifulSoup
    from pypdf import PdfReader

    from labels_report.publish.render import RenderInput, render_html, render_pdf

    markdown = "# Premier chapitre\n\nTexte.\n\n## Une section\n\nTexte.\n\n# Second chapitre\n\nFin.\n"
    metadata = {"title": "Essai", "subtitle": "Ville", "lang": "fr"}

    def build(formats):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        doc = RenderInput(folder, markdown, metadata, "essai", formats=formats)
        return render_html(doc), render_pdf(doc)

    html, pdf = build(Project(ROOT).config()["format"])
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.select("nav.toc li") and soup.find("main").find("h2").get_text().split() == ["1", "Premier", "chapitre"]
    assert abs(float(PdfReader(pdf).pages[0].mediabox.width) - 595.28) < 1
    assert "1 Premier chapitre" in "".join(p.extract_text() for p in PdfReader(pdf).pages)

    html, pdf = build({"html": {"toc": False, "number-sections": False},
                       "typst": {"papersize": "a5", "toc": False, "number-sections": False}})
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("main").find("h2").get_text(strip=True) == "Premier chapitre"
    assert not soup.select("nav.toc li"), "no table of contents"
    reader = PdfReader(pdf)
    assert abs(float(reader.pages[0].mediabox.width) - 419.53) < 1, "A5"
    text = "".join(p.extract_text() for p in reader.pages)
    assert "1 Premier chapitre" not in text and "Premier chapitre" in text
