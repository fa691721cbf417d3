"""The report project file: one source for both engines, and the Quarto engine's wiring."""

from __future__ import annotations

import pytest

import json
import os
import stat
import sys
from pathlib import Path

import yaml

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
    assert (ROOT / config["format"]["html"]["css"]).is_file()
    for partial in config["format"]["typst"]["template-partials"]:
        assert (ROOT / partial).is_file(), partial
    for lua in config["filters"]:
        assert (ROOT / lua).is_file(), lua
    assert config["format"]["typst"]["papersize"] == "a4"
    assert config["execute"]["enabled"] is False, "Quarto renders the notebooks papermill executed"


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


FAKE_QUARTO = """#!{python}
# Stands in for the quarto command: records how it was called and writes what
# `quarto render --to FORMAT` leaves in _book/, so the engine's wiring can be
# tested where Quarto cannot be installed. It checks nothing of Quarto itself.
import json, pathlib, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("0.0-fake"); sys.exit(0)
project = pathlib.Path(args[1])
log = pathlib.Path({log!r})
calls = json.loads(log.read_text()) if log.exists() else []
calls.append({{"args": args, "config": (project / "_quarto.yml").read_text(encoding="utf-8"),
               "files": sorted(p.name for p in project.iterdir()),
               "outputs": sum(len(c.get("outputs", [])) for c in
                              json.loads((project / "01-summary.ipynb").read_text(encoding="utf-8"))["cells"])}})
log.write_text(json.dumps(calls))
book = project / "_book"
book.mkdir(exist_ok=True)
if args[3] == "html":
    (book / "index.html").write_text("<html lang=fr>index</html>")
else:
    (book / "Rapport.pdf").write_bytes(b"%PDF-1.7 fake")
"""


@pytest.mark.slow
def test_quarto_engine_renders_the_executed_notebooks_without_running_them_again(tmp_path, monkeypatch):
    from labels_report.publish.build import build

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.json"
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable, log=str(log)), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    [result] = build(SAMPLE, 2017, editions=["conseil"], engine="auto", out=tmp_path / "out", project=ROOT)
    calls = json.loads(log.read_text())
    assert [c["args"][3] for c in calls] == ["typst", "html"], "council edition: the PDF first"
    config = yaml.safe_load(calls[0]["config"])
    assert config["book"]["chapters"][0] == "index.qmd"
    assert config["book"]["chapters"][1:] == [Path(c).name for c in
                                              Project(ROOT).config()["book"]["chapters"][1:]]
    assert config["book"]["title"] == "Rapport annuel des labels 2017"
    assert config["execute"]["enabled"] is False
    files = set(calls[0]["files"])
    assert {"01-summary.ipynb", "index.qmd", "figures"} <= files, "executed chapters are handed over"
    assert calls[0]["outputs"] > 0, "Quarto gets notebooks with their outputs, not to execute"
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "quarto"
    assert result.files["pdf"].read_bytes() == b"%PDF-1.7 fake"


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
