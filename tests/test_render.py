"""The built-in render engine (Pandoc + Typst), on purpose-built Markdown.

Every test runs the real Pandoc (pypandoc-binary) and the real Typst
compiler and asserts on what they produced: parsed HTML (BeautifulSoup) and
the PDF's text, pages, outline and structure tree (pypdf, pdfplumber).
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import pdfplumber
import pypandoc
import pypdf
import pytest
import typst
from bs4 import BeautifulSoup

from paths import REPORT_DIR, need
from pdftools import structure_nodes

from labels_report.core.errors import ParameterError, RenderError
from labels_report.core.text import typographic
from labels_report.chapters.escape import md_attr, md_text
from labels_report.publish.render import (
    RenderInput,
    contrast_ratio,
    readable_text_colour,
    render_html,
    render_pdf,
)

A4 = (595.28, 841.89)
MONEY = "500\u202f000\u00a0€"
TITLE = "Rapport annuel des labels 2017"
TOWN = "Soissons"
FIG_ALT = "Diagramme en barres : budget prévu 500 000 euros, budget réalisé 420 000 euros"
CHAPTERS = ["Chiffres clés", "Les labels", "Les actions de l'année"]
# What the report prints for them: French typography is applied to every string it writes.
SHOWN_ALT = typographic(FIG_ALT)
SHOWN_CHAPTERS = [typographic(c) for c in CHAPTERS]
HOSTILE = [
    "<script>alert(1)</script>",
    "![x](/etc/hostname)",
    '`#read("/etc/passwd")`{=typst}',
    "|",
    "*",
    "#",
    "$",
    "@",
    '"quotes"',
    "Coût -? à voir",  # Typst reads "-?" as a soft hyphen
    "a-?b-?",
]


def png(width: int = 60, height: int = 30, rgb: tuple[int, int, int] = (31, 78, 121)) -> bytes:
    """A valid RGB PNG, written by hand."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def make_build_dir(path: Path) -> Path:
    (path / "figures").mkdir(parents=True)
    (path / "figures" / "budget.png").write_bytes(png())
    (path / "figures" / "fake.png").write_text("not a picture", encoding="utf-8")
    (path / "logo.png").write_bytes(png(20, 20, (120, 30, 40)))
    return path


def metadata(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": md_text(TITLE),
        "subtitle": md_text(TOWN),
        "edition": md_text("Édition du conseil municipal"),
        "date": md_text("Situation au 31 décembre 2017"),
        "lang": "fr",
        "toc-title": md_text("Sommaire"),
        "skip-label": md_text("Aller au contenu"),
        "page-label": md_text("Page"),
        "nav-label": md_text("Sommaire du rapport"),
        "footer": md_text("Hôtel de ville, 2 place de l'Hôtel de ville, 02200 Soissons"),
        "logo": "logo.png",
        "accent": "#1f4e79",
        "downloads": [
            {"href": md_text("donnees/budget.csv"), "label": md_text("Budget (CSV)")},
            {"href": md_text("rapport-labels-soissons-2017.xlsx"), "label": md_text("Toutes les données (XLSX)")},
        ],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def report_markdown() -> str:
    wide_header = "| " + " | ".join(md_text(f"Colonne {i} assez longue") for i in range(1, 9)) + " |"
    wide_rule = "|" + "|".join(["---"] * 8) + "|"
    wide_rows = "\n".join(
        "| " + " | ".join(md_text(f"Valeur {r}.{c} avec du texte") for c in range(1, 9)) + " |" for r in range(1, 4)
    )
    long_rows = "\n".join(f"| {md_text(f'Label numéro {i}')} | {md_text('UNICEF France')} | {i} |" for i in range(1, 60))
    return f"""# {md_text(CHAPTERS[0])}

Le budget prévu est de {md_text(MONEY)} pour l'année.

## {md_text("Budget")}

| {md_text("Label")} | {md_text("Budget prévu")} |
|:---|---:|
| {md_text("Ville amie des enfants")} | {md_text(MONEY)} |

Table: {md_text("Budgets par label")}

![{md_text("Budget prévu et réalisé")}](figures/budget.png){{#fig-budget fig-alt="{md_attr(FIG_ALT)}"}}

[{md_text("Données de la figure (CSV)")}](donnees/budget.csv)

# {md_text(CHAPTERS[1])}

## {md_text("Tous les labels")}

| {md_text("Label")} | {md_text("Organisme")} | {md_text("Niveau")} |
|:---|:---|---:|
{long_rows}

Table: {md_text("Labels détenus")}

# {md_text(CHAPTERS[2])}

{wide_header}
{wide_rule}
{wide_rows}

Table: {md_text("Un tableau très large")}

{md_text("Référence : TEPCV" + "0123456789" * 8 + " et https://www.example.org/" + "chemin/" * 15 + "fin")}
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> RenderInput:
    build_dir = make_build_dir(tmp_path_factory.mktemp("build"))
    return RenderInput(build_dir=build_dir, markdown=report_markdown(), metadata=metadata(),
                       basename="rapport-labels-soissons-2017", source_date_epoch=1514764800)


@pytest.fixture(scope="module")
def html_path(report: RenderInput) -> Path:
    return render_html(report)


@pytest.fixture(scope="module")
def soup(html_path: Path) -> BeautifulSoup:
    return BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pdf_path(report: RenderInput) -> Path:
    return render_pdf(report)


@pytest.fixture(scope="module")
def pdf(pdf_path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(pdf_path)


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return found


def structure_alts(reader: pypdf.PdfReader) -> list[str]:
    return [str(node["/Alt"]) for node in structure_nodes(reader) if "/Alt" in node]


# HTML ------------------------------------------------------------------------


def test_html_is_written_beside_the_build(report: RenderInput, html_path: Path) -> None:
    assert html_path == report.build_dir.resolve() / "rapport-labels-soissons-2017.html"
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_html_language_viewport_and_title(soup: BeautifulSoup) -> None:
    assert soup.html["lang"] == "fr"
    assert soup.find("meta", attrs={"name": "viewport"})["content"].startswith("width=device-width")
    assert soup.title.get_text() == f"{TITLE} – {TOWN}"


def test_html_landmarks_and_skip_link(soup: BeautifulSoup) -> None:
    assert soup.find("header") and soup.find("main") and soup.find("footer")
    nav = soup.find("nav")
    assert nav["aria-label"] == "Sommaire du rapport"
    first_focusable = soup.body.find(["a", "button", "input", "select", "textarea"])
    assert "skip-link" in first_focusable["class"]
    assert first_focusable.get_text() == "Aller au contenu"
    assert soup.find(id=first_focusable["href"].lstrip("#")).name == "main"


def test_html_one_h1_and_no_skipped_heading_level(soup: BeautifulSoup) -> None:
    headings = soup.find_all(re.compile(r"^h[1-6]$"))
    levels = [int(h.name[1]) for h in headings]
    assert levels.count(1) == 1
    assert soup.find("h1").get_text() == TITLE
    assert soup.find("header").find("h1") is not None
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_html_chapters_are_numbered_h2_with_a_table_of_contents(soup: BeautifulSoup) -> None:
    chapters = [h.get_text(" ", strip=True) for h in soup.find("main").find_all("h2")]
    assert chapters[:3] == [f"{n} {title}" for n, title in enumerate(SHOWN_CHAPTERS, 1)]
    assert soup.find("main").find("h3").find(class_="header-section-number").get_text() == "1.1"
    toc_links = [a.get_text(" ", strip=True) for a in soup.find("nav").find_all("a")]
    assert "1 Chiffres clés" in toc_links and "1.1 Budget" in toc_links


def test_html_tables_have_captions_scoped_headers_and_a_scroll_region(soup: BeautifulSoup) -> None:
    tables = soup.find_all("table")
    assert [t.caption.get_text() for t in tables] == ["Budgets par label", "Labels détenus", "Un tableau très large"]
    for table in tables:
        headers = table.find("thead").find_all("th")
        assert headers and all(th.get("scope") == "col" for th in headers)
        region = table.parent
        assert region.name == "div" and "table-scroll" in region["class"]
        assert region["role"] == "region" and region["tabindex"] == "0"
        assert region["aria-label"] == table.caption.get_text()


def test_html_figure_is_embedded_with_its_long_alt_text(soup: BeautifulSoup) -> None:
    figure = soup.find("figure", id="fig-budget")
    img = figure.find("img")
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == SHOWN_ALT
    assert "fig-alt" not in img.attrs and "data-fig-alt" not in img.attrs
    assert figure.figcaption.get_text() == "Budget prévu et réalisé"
    assert all(i.get("alt") is not None for i in soup.find_all("img"))


def test_html_is_self_contained(soup: BeautifulSoup) -> None:
    assert soup.find("script") is None
    assert soup.find("link") is None
    assert "@media print" in soup.find("style").get_text()
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag
    for tag in soup.find_all(["link", "img", "script", "iframe", "source", "object", "embed"]):
        assert not re.match(r"(?i)(https?:)?//", tag.get("href", "") + tag.get("src", ""))
    assert "http" not in soup.find("style").get_text()


def test_html_downloads_and_footer(soup: BeautifulSoup) -> None:
    section = soup.find("section", class_="downloads")
    links = {a.get_text(): a["href"] for a in section.find_all("a")}
    assert links == {"Budget (CSV)": "donnees/budget.csv",
                     "Toutes les données (XLSX)": "rapport-labels-soissons-2017.xlsx"}
    assert section.find("h2").get_text() == "Télécharger les données"
    assert "02200 Soissons" in soup.find("footer").get_text()
    assert soup.find("header").find("img", class_="logo")["alt"] == ""


def test_html_keeps_french_number_spaces(soup: BeautifulSoup) -> None:
    assert MONEY in soup.find("main").get_text()


def test_html_accent_is_readable(soup: BeautifulSoup) -> None:
    css = soup.find("style").get_text()
    assert "--accent: #1f4e79;" in css and "--accent-text: #1f4e79;" in css


def test_html_is_byte_identical_for_identical_inputs(report: RenderInput, html_path: Path,
                                                    tmp_path: Path) -> None:
    first = html_path.read_bytes()
    again = render_html(report).read_bytes()
    assert again == first
    elsewhere = make_build_dir(tmp_path / "other")
    moved = RenderInput(elsewhere, report.markdown, report.metadata, report.basename)
    assert render_html(moved).read_bytes() == first


def test_light_accent_is_darkened_for_text() -> None:
    colour = readable_text_colour("#ffd700")
    assert contrast_ratio(colour, "#ffffff") >= 4.5 and contrast_ratio(colour, "#f6f6f6") >= 4.5
    assert readable_text_colour("#1f4e79") == "#1f4e79"


# PDF -------------------------------------------------------------------------


def test_pdf_is_a4_with_cover_toc_and_chapters(report: RenderInput, pdf_path: Path, pdf: pypdf.PdfReader) -> None:
    assert pdf_path == report.build_dir.resolve() / "rapport-labels-soissons-2017.pdf"
    assert (report.build_dir / "rapport-labels-soissons-2017.typ").is_file()
    assert len(pdf.pages) >= 5  # cover, contents, three chapters
    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1
    texts = page_texts(pdf)
    cover = texts[0]
    assert TITLE in cover and TOWN.upper() in cover and "Édition du conseil municipal" in cover
    assert typographic("Situation au 31 décembre 2017") in cover
    assert "Sommaire" in texts[1] and all(chapter in texts[1] for chapter in SHOWN_CHAPTERS)


def test_pdf_chapters_start_on_new_pages(pdf: pypdf.PdfReader) -> None:
    pages = outline_pages(pdf)
    # PDF bookmarks carry the titles' plain text (a straight apostrophe).
    pages = {title.replace("\u2019", "'"): page for title, page in pages.items()}
    starts = [pages[f"{n} {title}"] for n, title in enumerate(CHAPTERS, 1)]
    assert starts[0] >= 2  # after the cover and the contents
    assert starts == sorted(set(starts))
    assert pages["1.1 Budget"] == starts[0]


def test_pdf_running_header_and_page_footer(pdf: pypdf.PdfReader) -> None:
    texts = page_texts(pdf)
    total = len(pdf.pages)
    assert f"Page 1 / {total}" not in texts[0]  # no footer on the cover
    for number, text in enumerate(texts[1:], 2):
        assert f"Page {number} / {total}" in text
        assert TITLE in text and TOWN in text
        assert "02200 Soissons" in text


def test_pdf_metadata_title_language_and_standards(pdf_path: Path, pdf: pypdf.PdfReader) -> None:
    assert pdf.metadata.title == TITLE
    assert pdf.trailer["/Root"]["/Lang"] == "fr"
    assert "/StructTreeRoot" in pdf.trailer["/Root"]
    xmp = pdf.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and b"pdfuaid" in xmp


def test_pdf_figure_has_its_alt_text(pdf: pypdf.PdfReader) -> None:
    assert SHOWN_ALT in structure_alts(pdf)


def test_pdf_keeps_french_number_spaces(pdf: pypdf.PdfReader) -> None:
    assert MONEY in "".join(page_texts(pdf))


def test_pdf_long_table_repeats_its_header(pdf: pypdf.PdfReader) -> None:
    pages_with_rows = [t for t in page_texts(pdf) if "Label numéro" in t]
    assert len(pages_with_rows) >= 2
    assert all("Organisme" in t for t in pages_with_rows)


def test_pdf_nothing_outside_the_text_area(pdf_path: Path) -> None:
    margin = 2.4 / 2.54 * 72  # the template's side margins
    with pdfplumber.open(pdf_path) as document:
        for page in document.pages:
            for char in page.chars:
                assert char["x0"] >= margin - 1 and char["x1"] <= page.width - margin + 1, (page.page_number, char["text"])


def test_pdf_is_reproducible_with_source_date_epoch(report: RenderInput, pdf_path: Path, tmp_path: Path) -> None:
    first = pdf_path.read_bytes()
    elsewhere = make_build_dir(tmp_path / "other")
    again = render_pdf(RenderInput(elsewhere, report.markdown, report.metadata, report.basename,
                                   report.source_date_epoch))
    assert again.read_bytes() == first


def test_pdf_without_title_fails(tmp_path: Path) -> None:
    build_dir = make_build_dir(tmp_path / "b")
    with pytest.raises(RenderError) as caught:
        render_pdf(RenderInput(build_dir, "# Chapitre\n\nTexte.\n", metadata(title=None), "r"))
    assert caught.value.engine == "typst"
    assert "title" in str(caught.value)
    assert not (build_dir / "r.pdf").exists()


def test_pdf_image_without_alt_text_fails(tmp_path: Path) -> None:
    build_dir = make_build_dir(tmp_path / "b")
    with pytest.raises(RenderError) as caught:
        render_pdf(RenderInput(build_dir, "# Chapitre\n\nVoir ![](figures/budget.png) ici.\n", metadata(), "r"))
    assert caught.value.engine == "typst"
    assert "alt" in str(caught.value)


def test_html_without_title_fails(tmp_path: Path) -> None:
    build_dir = make_build_dir(tmp_path / "b")
    with pytest.raises(RenderError):
        render_html(RenderInput(build_dir, "# Chapitre\n", metadata(title=None), "r"))


def test_english_defaults(tmp_path: Path) -> None:
    build_dir = make_build_dir(tmp_path / "b")
    given = {"title": md_text("Annual labels report 2017"), "subtitle": TOWN, "lang": "en"}
    page = BeautifulSoup(render_html(RenderInput(build_dir, "# One\n\nText.\n", given, "r")).read_text(), "html.parser")
    assert page.html["lang"] == "en"
    assert page.find("a", class_="skip-link").get_text() == "Skip to content"
    assert page.find("nav")["aria-label"] == "Contents"
    reader = pypdf.PdfReader(render_pdf(RenderInput(build_dir, "# One\n\nText.\n", given, "r")))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Page 2 / 3" in reader.pages[1].extract_text()


@pytest.mark.parametrize("changes", [
    {"accent": "red"},
    {"accent": "#12345"},
    {"lang": 'fr" onload="x'},
    {"logo": "../logo.png"},
    {"logo": "/etc/hostname"},
    {"logo": "missing.png"},
    {"downloads": [{"href": "javascript:alert(1)", "label": "x"}]},
    {"downloads": [{"href": "https://example.org/x.csv", "label": "x"}]},
    {"downloads": [{"href": "../secret.csv", "label": "x"}]},
])
def test_invalid_metadata_is_refused(tmp_path: Path, changes: dict[str, object]) -> None:
    build_dir = make_build_dir(tmp_path / "b")
    with pytest.raises(ParameterError):
        render_html(RenderInput(build_dir, "# A\n", metadata(**changes), "r"))


def test_pandoc_failure_is_a_render_error(tmp_path: Path) -> None:
    report_dir = tmp_path / "report"
    shutil.copytree(REPORT_DIR, report_dir)
    (report_dir / "html" / "template.html").write_text("$missing-partial.html()$\n$body$\n", encoding="utf-8")
    build_dir = make_build_dir(tmp_path / "b")
    with pytest.raises(RenderError) as caught:
        render_html(RenderInput(build_dir, "# A\n", metadata(), "r", report_dir=report_dir))
    assert caught.value.engine == "pandoc"
    assert not (build_dir / "r.html").exists()


def test_report_dir_can_be_given(tmp_path: Path) -> None:
    report_dir = tmp_path / "report"
    shutil.copytree(REPORT_DIR, report_dir)
    css = report_dir / "html" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* copy-marker */\n", encoding="utf-8")
    out = render_html(RenderInput(make_build_dir(tmp_path / "b"), "# A\n", metadata(), "r", report_dir=report_dir))
    assert "/* copy-marker */" in out.read_text(encoding="utf-8")
    with pytest.raises(RenderError):
        render_html(RenderInput(make_build_dir(tmp_path / "c"), "# A\n", metadata(), "r", report_dir=tmp_path))


# Hostile strings ---------------------------------------------------------------


def hostile_markdown() -> str:
    rows = "\n".join(f"| {md_text(s)} | {md_text('cellule ' + s)} |" for s in HOSTILE)
    paragraphs = "\n\n".join(f"Donnée : {md_text(s)}" for s in HOSTILE)
    joined = " ".join(HOSTILE)
    return f"""# {md_text("Chapitre " + HOSTILE[0])}

{paragraphs}

| {md_text("Valeur")} | {md_text("Autre")} |
|:---|:---|
{rows}

Table: {md_text("Légende " + HOSTILE[1])}

![{md_text("Légende " + HOSTILE[2])}](figures/budget.png){{#fig-h fig-alt="{md_attr(joined)}"}}

# {md_text("Deux")}

Non échappé : ![x](/etc/hostname) et ![y](figures/fake.png) et ![z](figures/../logo.png) et [lien](javascript:alert(1)).

`#read("/etc/passwd")`{{=typst}}

<script>alert(2)</script>

# {md_text("Trois")}

Fin.
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> RenderInput:
    build_dir = make_build_dir(tmp_path_factory.mktemp("hostile"))
    given = metadata(subtitle=md_text(TOWN + ' <script>alert(3)</script> `#read("/etc/passwd")`{=typst}'))
    return RenderInput(build_dir, hostile_markdown(), given, "hostile", 0)


def test_hostile_strings_are_literal_in_html(hostile: RenderInput) -> None:
    page = BeautifulSoup(render_html(hostile).read_text(encoding="utf-8"), "html.parser")
    assert page.find("script") is None
    paragraphs = [p.get_text() for p in page.find("main").find_all("p")]
    cells = [td.get_text() for td in page.find("main").find_all("td")]
    for s in HOSTILE:
        assert f"Donnée : {s}" in paragraphs, s
        assert s in cells and f"cellule {s}" in cells, s
    assert page.find("table").caption.get_text() == "Légende " + HOSTILE[1]
    figure = page.find("figure", id="fig-h")
    assert figure.img["alt"] == " ".join(HOSTILE)
    assert figure.figcaption.get_text() == "Légende " + HOSTILE[2]
    assert page.find("main").find("h2").get_text(" ", strip=True) == "1 Chapitre " + HOSTILE[0]
    town = page.find("p", class_="town").get_text()
    assert town == TOWN + ' <script>alert(3)</script> `#read("/etc/passwd")`{=typst}'


def test_unescaped_markdown_cannot_embed_files_or_run_code_in_html(hostile: RenderInput) -> None:
    html = render_html(hostile).read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    srcs = [img["src"] for img in page.find_all("img")]
    assert all(src.startswith("data:image/png;base64,") for src in srcs)
    assert len(srcs) == 2  # the logo and the one real figure
    text = page.find("main").get_text()
    assert "Non échappé : x et y et z et lien." in text
    assert "javascript" not in html
    assert page.find("code").get_text() == '#read("/etc/passwd")'
    assert "<script>alert(2)</script>" in text
    hostname = Path("/etc/hostname")
    if hostname.is_file() and hostname.read_text().strip():
        import base64

        assert base64.b64encode(hostname.read_bytes()).decode() not in html


def test_hostile_strings_are_literal_in_pdf(hostile: RenderInput) -> None:
    reader = pypdf.PdfReader(render_pdf(hostile))
    text = squeeze("".join(page_texts(reader)))
    for s in HOSTILE:
        assert squeeze(f"Donnée : {s}") in text, s
        assert squeeze(f"cellule {s}") in text, s
    assert squeeze("Non échappé : x et y et z et lien.") in text
    assert squeeze('#read("/etc/passwd")') in text
    assert squeeze("<script>alert(2)</script>") in text
    assert "root:" not in text
    assert " ".join(HOSTILE) in structure_alts(reader)
    source = (hostile.build_dir / "hostile.typ").read_text(encoding="utf-8")
    # Outside the alt strings (Typst string literals) and the code spans (Typst
    # raw text, shown as is), every "#" is escaped: no Typst code runs.
    markup = re.sub(r'alt: "(?:[^"\\]|\\.)*"', 'alt: ""', source)
    markup = re.sub(r"(?<!\\)`[^`]*(?<!\\)`", "``", markup)
    assert re.search(r"(?<!\\)#read", markup) is None
    assert re.findall(r"image\(\"([^\"]*)\"", source) == ["figures/budget.png"]


# Quarto ---------------------------------------------------------------------------


def test_typst_partials_work_as_quarto_template_partials(tmp_path: Path) -> None:
    """Quarto's template includes its own definitions and page setup, then our
    typst-template.typ and typst-show.typ; metadata come straight from YAML."""
    for name in ("typst-template.typ", "typst-show.typ"):
        shutil.copy(REPORT_DIR / "typst" / name, tmp_path / name)
    (tmp_path / "definitions.typ").write_text("#let horizontalrule = line(start: (25%,0%), end: (75%,0%))\n")
    (tmp_path / "page.typ").write_text('#set page(paper: "us-letter", margin: (x: 1.25in, y: 1.25in))\n')
    (tmp_path / "template.typ").write_text(
        "$definitions.typ()$\n\n$page.typ()$\n\n$typst-template.typ()$\n\n$typst-show.typ()$\n\n$body$\n")
    source = f"""---
title: "{TITLE}"
subtitle: "{TOWN}"
edition: "Édition publique"
lang: fr
toc: true
toc-title: Sommaire
section-numbering: 1.1.a
page-label: Page
accent: "#2a6f3e"
papersize: a4
---

# Un

Texte.

# Deux

Texte.
"""
    typ = pypandoc.convert_text(source, "typst", format="markdown", sandbox=True,
                                extra_args=[f"--template={tmp_path / 'template.typ'}", "--toc", "--toc-depth=2"])
    reader = pypdf.PdfReader(__import__("io").BytesIO(
        typst.compile(typ.encode("utf-8"), ignore_system_fonts=True, pdf_standards=["a-2b", "ua-1"])))
    assert len(reader.pages) == 4
    assert TITLE in reader.pages[0].extract_text()
    assert "Page 3 / 4" in reader.pages[2].extract_text()


# Browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_html_never_scrolls_sideways_on_a_phone(html_path: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    # Under .ci/run a missing browser is a failure, not a skip.
    need(Path(chromium).exists(), "Headless Chromium is needed for this test: install the Debian package "
                                  "(`sudo apt-get install -y chromium`; .ci/run does it).")
    import playwright.sync_api as playwright
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(html_path.as_uri())
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            regions = page.evaluate("""[...document.querySelectorAll('.table-scroll')].map(e => ({
                cards: e.classList.contains('cards'), scrolls: e.scrollWidth > e.clientWidth + 1,
                cue: getComputedStyle(e).backgroundImage}))""")
        finally:
            browser.close()
    assert widths[0] <= widths[1], "the page itself never scrolls sideways"
    # under 600 px a wide table reflows as cards and does not scroll; a narrower one that still
    # scrolls inside its own region shows it (a shadow on the side where more columns wait)
    assert regions and not [r for r in regions if r["cards"] and r["scrolls"]]
    assert all(r["cue"] != "none" for r in regions if r["scrolls"] and not r["cards"]), regions
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []


# -- side by side, or one at a time -------------------------------------------------------------


def _recording_renderers(monkeypatch, together=None):
    """Stand-ins for the two renderers that record how many of them run at once. ``together``:
    the web page's renderer waits there (20 s at most) for the PDF's to start, and says whether
    it did: only renderers that run at the same time find each other."""
    import threading

    from labels_report.publish import engines

    lock, running, most, order, pdf_started, met = threading.Lock(), [0], [0], [], threading.Event(), []

    def fake(fmt):
        def render(doc):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                order.append(fmt)
            if fmt == "pdf":
                pdf_started.set()
            elif together is not None:
                met.append(pdf_started.wait(together))
            with lock:
                running[0] -= 1
            return doc.build_dir / f"report.{fmt}"
        return render

    monkeypatch.setattr(engines, "render_html", fake("html"))
    monkeypatch.setattr(engines, "render_pdf", fake("pdf"))
    return most, order, met


def _job(tmp_path):
    from labels_report.publish.engines import RenderJob

    return RenderJob(project_root=REPORT_DIR.parent, build_dir=tmp_path, chapters=[], markdown="# x", config={},
                     metadata={}, basename="report")


def test_the_formats_render_side_by_side_by_default(tmp_path, monkeypatch):
    from labels_report.publish.engines import ENGINES

    most, _order, met = _recording_renderers(monkeypatch, together=20)
    produced = ENGINES["pandoc"].render(_job(tmp_path), ["html", "pdf"], lambda _fmt: None)
    assert met == [True] and most == [2]  # the PDF started while the web page was rendering
    assert produced == {"html": tmp_path / "report.html", "pdf": tmp_path / "report.pdf"}


def test_a_caller_that_keeps_to_one_core_gets_one_format_at_a_time(tmp_path, monkeypatch):
    from labels_report.publish.engines import ENGINES

    told: list[str] = []
    most, order, met = _recording_renderers(monkeypatch, together=1)
    produced = ENGINES["pandoc"].render(_job(tmp_path), ["html", "pdf"], told.append, False)
    # the web page waited for the PDF in vain: the PDF only starts once the web page is done
    assert met == [False] and most == [1] and order == ["html", "pdf"] and told == ["HTML", "PDF"]
    assert produced == {"html": tmp_path / "report.html", "pdf": tmp_path / "report.pdf"}
