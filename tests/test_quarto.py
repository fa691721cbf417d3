"""The Quarto engine, with real Quarto: it reads the project as the built-in engine does, makes
the same report, keeps Quarto's syntax away from the data, and explains its failures briefly.

The content, edition, escaping, accessibility and PDF-quality tests run for both engines
(the ``engine`` fixture, conftest.py); this module holds what concerns Quarto itself. Tests
that need Quarto fail under CI when it is missing or too old, and are skipped elsewhere.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pypdf
import pytest
from bs4 import BeautifulSoup

from paths import ROOT, need_quarto
from labels_report.core.project import Project

BUILDS = [("conseil", "fr"), ("conseil", "en"), ("public", "fr"), ("public", "en")]


# The project, as Quarto reads it ------------------------------------------------------------


@pytest.mark.parametrize("edition,lang", BUILDS)
def test_quarto_reads_the_project_and_its_profiles_as_the_built_in_engine_does(edition, lang):
    """`quarto inspect` with the build's profiles: the options of every format, the filters, the reader,
    the title and the chapters are those the built-in engine uses (profiles merged the way Quarto does)."""
    need_quarto()
    run = subprocess.run(["quarto", "inspect", "--profile", f"{edition},{lang}", str(ROOT)], capture_output=True,
                         text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    quarto = json.loads(run.stdout)["config"]
    ours = Project(ROOT).config(edition, lang)
    for key in ("format", "filters", "from", "lang", "execute"):
        assert quarto[key] == ours[key], key
    assert quarto["book"]["title"] == ours["book"]["title"]
    assert quarto["book"]["chapters"] == ours["book"]["chapters"]
    typst, html = quarto["format"]["typst"], quarto["format"]["html"]
    assert typst["papersize"] == "a4" and typst["toc"] is True and typst["number-sections"] is True
    assert typst["template-partials"] and html["template"] and html["toc"] is True


# The same report ------------------------------------------------------------------------------


def pdf_pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(path).pages]


def html_view(path: Path) -> dict[str, list[str]]:
    """What a reader of the page gets: headings, text of the main column, tables, figures, links."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    return {
        "title": [soup.title.get_text(strip=True), soup.html["lang"]],
        "header": [soup.find("header").get_text(" ", strip=True)],
        "contents": [a.get_text(" ", strip=True) for a in soup.find("nav").find_all("a")],
        "headings": [h.get_text(" ", strip=True) for h in main.find_all(re.compile("^h[1-6]$"))],
        "text": " ".join(main.get_text(" ").split()).split(" "),
        "tables": [" | ".join(c.get_text(" ", strip=True) for c in t.find_all(["caption", "th", "td"]))
                   for t in main.find_all("table")],
        "images": [img.get("alt", "") for img in soup.find_all("img")],
        "links": [a["href"] for a in soup.find_all("a", href=True)],
        "footer": [soup.find("footer").get_text(" ", strip=True)],
    }


@pytest.mark.parametrize("edition,lang", BUILDS)
def test_both_engines_make_the_same_report(sample_builds_of, edition, lang):
    """Same PDF text page by page (so the same cover, contents, numbering of chapters, tables and
    figures, footers), same bookmarks; same web page for a reader."""
    built_in, quarto = (sample_builds_of(engine)[(edition, lang)] for engine in ("pandoc", "quarto"))
    expected, got = pdf_pages(built_in.files["pdf"]), pdf_pages(quarto.files["pdf"])
    assert len(got) == len(expected)
    for number, (page, reference) in enumerate(zip(got, expected), 1):
        assert page == reference, f"page {number}"
    outline = [[item.title for item in pypdf.PdfReader(result.files["pdf"]).outline if not isinstance(item, list)]
               for result in (built_in, quarto)]
    assert outline[0] == outline[1] and outline[0][0].startswith("1 ")
    first, second = html_view(built_in.files["html"]), html_view(quarto.files["html"])
    for key in first:
        assert second[key] == first[key], key
    assert len(first["images"]) >= 2 and all(first["images"])


def test_the_quarto_pdf_numbers_chapters_tables_and_figures_through_the_document(sample_builds_of):
    text = " ".join(pdf_pages(sample_builds_of("quarto")[("conseil", "fr")].files["pdf"]))
    assert "Invalid Date" not in text and "Situation au 31 décembre 2017" in text
    assert "Sommaire" in text and "Table des matières" not in text
    tables = [int(n) for n in re.findall(r"Tableau (\d+)\. –", text)]
    figures = [int(n) for n in re.findall(r"Fig\. (\d+)\. –", text)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 10
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 2
    assert re.search(r"1 Synthèse \.", text), "the first chapter is numbered 1 (not the book's index page)"


# Quarto's syntax is not the data's ---------------------------------------------------------------


def test_shortcodes_are_written_in_quartos_escape():
    from labels_report.publish.quarto import escape_shortcodes

    assert escape_shortcodes("a {{< env HOME >}} b") == "a {{{< env HOME >}}} b"
    assert escape_shortcodes("```\n{{< include x.md >}}\n```") == "```\n{{{< include x.md >}}}\n```"
    assert escape_shortcodes('![c](f.png){fig-alt="x {{< meta title >}}"}') == \
        '![c](f.png){fig-alt="x {{{< meta title >}}}"}'
    # already in Quarto's escape: Quarto shows the same text as before
    assert escape_shortcodes("{{{< x >}}}") == "{{{{< x >}}}}"
    # no shortcode: unchanged (Pandoc Markdown escapes and unbalanced braces)
    for text in (r"\{\{\< env HOME \>\}\}", "a {{< b", "c >}} d", "{{x}}"):
        assert escape_shortcodes(text) == text


def test_the_notebook_quarto_renders_holds_the_chapters_markdown_only(tmp_path):
    from labels_report.publish.execute import markdown_outputs
    from labels_report.publish.quarto import merged_notebook

    chapters = []
    for index, texts in enumerate([["# Un {#un}\n\nTexte."], ["# Deux\n", "{{< env HOME >}}"]]):
        cells = [nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output("stream", text="print\n")])]
        cells += [nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/markdown": text, "text/plain": "<IPython.core.display.Markdown>"})])
            for text in texts]
        path = tmp_path / f"0{index}-chapter.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
        chapters.append(path)
    merged = merged_notebook(chapters)
    nbformat.validate(merged)
    assert [cell.source for cell in merged.cells] == ["", "", ""]
    outputs = [cell.outputs[0].data for cell in merged.cells]
    assert outputs == [{"text/markdown": "# Un {#un}\n\nTexte."}, {"text/markdown": "# Deux\n"},
                       {"text/markdown": "{{{< env HOME >}}}"}]
    assert markdown_outputs(chapters[0]) == outputs[0]["text/markdown"], "what the built-in engine renders"


# Failures --------------------------------------------------------------------------------------------


QUARTO_FAILURE = """\
[1/1] rapport.ipynb

pandoc
  to: typst
  output-file: rapport.typ
  standalone: true

metadata
  lang: fr
  toc-title: Sommaire
  title: Rapport annuel des labels 2017

[typst]: Compiling rapport.typ to rapport.pdf...error: expected content, found array
ERROR: error: expected content, found array
ERROR: Typst compilation failed

Stack trace:
    at typstPdfOutputRecipe (file:///opt/quarto/src/command/render/output-typst.ts:180:13)
    at async renderPandoc (file:///opt/quarto/src/command/render/render.ts:200:3)
"""


def test_a_quarto_failure_is_told_by_the_lines_that_explain_it(tmp_path):
    from labels_report.publish.quarto import explain

    log = tmp_path / "quarto.log"
    message = explain(QUARTO_FAILURE, log)
    assert message.splitlines() == [
        "[typst]: Compiling rapport.typ to rapport.pdf...error: expected content, found array",
        "error: expected content, found array",
        "Typst compilation failed",
        f"(full log: {log})",
    ]


def tiny_chapters(folder: Path) -> list[Path]:
    """One executed chapter notebook (a heading, a paragraph), as papermill leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "01-tiny.ipynb"
    cell = nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": "# Premier chapitre {#premier}\n\nTexte.\n"})])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(path))
    return [path]


def render_tiny(project: Path, build_dir: Path):
    from labels_report.publish import quarto
    from labels_report.publish.render import RenderInput

    config = Project(project).config("conseil", "fr")
    doc = RenderInput(build_dir, "", {"title": "Essai", "subtitle": "Ville", "date": "Situation au 1er mai", "lang": "fr"},
                      "essai", report_dir=project / "report", formats=config["format"])
    return quarto.render(project_root=project, build_dir=build_dir, chapters=tiny_chapters(build_dir), config=config,
                         doc=doc, formats=["pdf", "html"], progress=lambda _: None)


@pytest.mark.parametrize("breakage,explained", [
    ("lua", r"report\.lua:\d+: attempt to call a nil value \(field 'labels_report_broken'\)"),
    ("typst", r"error: .*unknown variable: labels-report-broken"),
])
def test_a_broken_look_fails_with_a_short_message_and_the_full_log_kept(project_copy, tmp_path, breakage, explained):
    from labels_report.core.errors import RenderError

    need_quarto()
    if breakage == "lua":
        filter_file = project_copy / "report" / "filters" / "report.lua"
        # A Lua error (Quarto's own `error` only logs a message).
        broken = "local function read_meta(meta)\n  pandoc.labels_report_broken()"
        filter_file.write_text(filter_file.read_text(encoding="utf-8").replace("local function read_meta(meta)", broken),
                               encoding="utf-8")
    else:
        show = project_copy / "report" / "typst" / "typst-show.typ"
        show.write_text(show.read_text(encoding="utf-8").replace("  doc,\n)", "  doc: labels-report-broken,\n  doc,\n)"),
                        encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_tiny(project_copy, tmp_path / "build")
    message = caught.value.detail
    lines = message.splitlines()
    assert re.search(explained, message), message
    assert 2 <= len(lines) <= 14, message
    assert not any(re.match(r"\s*(to|output-file|standalone|toc-title|lang):", line) for line in lines), message
    assert "Stack trace" not in message and not any(line.strip().startswith("at ") for line in lines)
    log = Path(re.search(r"\(full log: (.+)\)$", message).group(1))
    assert log.is_file() and log.parent == tmp_path / "build"
    full = log.read_text(encoding="utf-8")
    assert len(full.splitlines()) > len(lines) and re.search(explained, full)


def test_a_small_document_renders_with_quarto(project_copy, tmp_path):
    """The staged project on its own: one chapter, the same options; PDF/A-2b and PDF/UA-1 together."""
    need_quarto()
    produced = render_tiny(project_copy, tmp_path / "build")
    reader = pypdf.PdfReader(produced["pdf"])
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Situation au 1er mai" in text and "1 Premier chapitre" in text and "Sommaire" in text
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[>=\"']+2", xmp) and re.search(r"pdfuaid:part[>=\"']+1", xmp)
    soup = BeautifulSoup(produced["html"].read_text(encoding="utf-8"), "html.parser")
    assert soup.find("main").find("h2").get_text(" ", strip=True) == "1 Premier chapitre"
    assert soup.find("script") is None and soup.find("link") is None
    log = (tmp_path / "build" / "quarto.log").read_text(encoding="utf-8")
    assert "unknown font family" not in log, "the fallback fonts of report/fonts/ reach Typst"
    staged = (tmp_path / "build" / "_quarto.yml").read_text(encoding="utf-8")
    assert "Ville" not in staged and "Situation" not in staged, "the report's metadata stays out of Quarto's reach"


def test_auto_is_quarto_when_quarto_is_on_the_path():
    from labels_report.publish.versions import engine_name

    need_quarto()
    assert engine_name("auto") == "quarto"


def test_quarto_compiles_with_the_typst_of_the_built_in_engine(tmp_path):
    """`labels-report-typst`, the Typst the engine gives Quarto (QUARTO_TYPST): the built-in engine's
    Typst, both PDF standards at once, only Typst's and the given fonts, the time of SOURCE_DATE_EPOCH."""
    import os
    from importlib.metadata import version

    from labels_report.publish.typst_command import command_path

    command = command_path()
    assert command is not None, "installed with the package (pyproject: [project.scripts])"
    said = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=True).stdout
    assert re.match(rf"typst {re.escape(version('typst'))}\b", said), said
    source = tmp_path / "essai.typ"
    source.write_text('#set document(title: "Essai")\n#set text(lang: "fr", font: ("Liberation Sans",))\n'
                      "= Titre\n\nTexte en Liberation Sans ?\n", encoding="utf-8")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1514764800"}
    subprocess.run([str(command), "compile", "--root", str(tmp_path), "--pdf-standard", "a-2b,ua-1", str(source),
                    "--font-path", str(ROOT / "report" / "fonts"), str(tmp_path / "essai.pdf")],
                   check=True, env=environment, capture_output=True, text=True)
    reader = pypdf.PdfReader(tmp_path / "essai.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[>=\"']+2", xmp) and re.search(r"pdfuaid:part[>=\"']+1", xmp)
    assert reader.metadata["/CreationDate"].startswith("D:20180101000000")
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts and not any("Liberation" in name for name in fonts), fonts
    # the fallback fonts named in LABELS_REPORT_TYPST_FONTS (how the engine gives them to it)
    source.write_text('#set document(title: "Essai")\n#set text(lang: "fr", font: ("Libertinus Serif", "Symbola"))\n'
                      "= Titre\n\nUn arbre 🌳.\n", encoding="utf-8")
    subprocess.run([str(command), "compile", "--root", str(tmp_path), "--pdf-standard", "a-2b,ua-1", str(source)],
                   check=True, capture_output=True, text=True,
                   env={**os.environ, "LABELS_REPORT_TYPST_FONTS": str(ROOT / "report" / "fonts")})
    fonts = {str(font.get_object()["/BaseFont"]) for page in pypdf.PdfReader(tmp_path / "essai.pdf").pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert any("Symbola" in name for name in fonts), fonts
    source.write_text("#read(\"/etc/passwd\")\n", encoding="utf-8")
    failed = subprocess.run([str(command), "compile", "--root", str(tmp_path), str(source)], capture_output=True,
                            text=True, check=False)
    assert failed.returncode == 1 and failed.stderr.startswith("error: ") and "root:" not in failed.stderr
