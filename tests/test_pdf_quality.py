"""The council's PDF is a publication: A4, cover, contents, numbered chapters,
running header and footer, tables that repeat their header, nothing outside
the margins, no blank page, PDF/A-2b and PDF/UA-1, every font embedded.

The checks run on the real sample report (session fixture ``sample_builds``)
and on one extra build: a copy of the sample data with a town logo and enough
actions for a table to break across pages. Pages are read with pypdf and
pdfplumber and looked at as images (``pdftoppm``, PIL).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from bs4 import BeautifulSoup

from paths import ROOT, SAMPLE, need
from pdftools import structure_nodes

CM = 72 / 2.54
A4 = (595.28, 841.89)
# The template's margins (report/typst/typst-template.typ): the running header
# and footer sit in the top and bottom margins, the text between them.
MARGIN = {"top": 2.8 * CM, "bottom": 2.6 * CM, "x": 2.4 * CM}
TOLERANCE = 0.5  # points
CAP_HEIGHT = 0.66  # em, Libertinus Serif's capitals (0.65)
# Fonts Typst embeds in its compiler (with ignore_system_fonts nothing else is
# found), plus whatever the project ships in report/fonts/.
TYPST_FONTS = ("LibertinusSerif", "NewCM", "NewComputerModern", "DejaVuSansMono")
PROJECT_FONTS = tuple(p.stem.replace(" ", "") for p in (ROOT / "report" / "fonts").glob("*.[ot]tf"))
# Fallback fonts that come with matplotlib's wheel (render.pdf_font_paths), not with the machine.
WHEEL_FONTS = ("DejaVuSans", "DejaVuSerif", "LastResortHE")
TEST_ACTIONS = 64
TEST_TITLE = "Action de test numéro"


def clean(text: str) -> str:
    """PDF text as a reader sees it: a hyphenation break is a soft hyphen (U+00AD)
    at the end of a line; Typst's ToUnicode maps the hyphen glyph to U+00AD."""
    text = re.sub("\u00ad\\s*\n", "", text)
    return text.replace("\u00ad", "-")


def texts(reader: pypdf.PdfReader) -> list[str]:
    return [clean(page.extract_text() or "") for page in reader.pages]


def squeeze(text: str) -> str:
    """Text without layout, apostrophes as French typography writes them (the report sets them so)."""
    return re.sub(r"\s+", "", text).replace("'", "\u2019")


def expected_cover(lang: str) -> dict[str, str]:
    from labels_report.core.i18n import catalogue

    cat = catalogue(lang)
    title = {"fr": "Rapport annuel des labels", "en": "Annual labels report"}[lang]
    return {
        "title": f"{title} 2017",
        "edition": cat.text("edition.conseil"),
        "date": cat.text("report.as_of", date=cat.date(dt.date(2017, 12, 31))),
        "toc": cat.text("report.toc"),
        "page": cat.text("report.page"),
    }


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def lines(page) -> list[list[dict]]:
    """pdfplumber words grouped in lines (same baseline), top to bottom."""
    rows: dict[int, list[dict]] = {}
    for word in page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False):
        rows.setdefault(round(word["bottom"]), []).append(word)
    merged: list[list[dict]] = []
    for key in sorted(rows):
        if merged and abs(merged[-1][0]["bottom"] - key) <= 2:
            merged[-1].extend(rows[key])
        else:
            merged.append(list(rows[key]))
    return [sorted(line, key=lambda w: w["x0"]) for line in merged]


def glyphs(page) -> list[tuple[dict, float]]:
    """Every visible character of the page with its baseline (from the text matrix), top-down."""
    return [(char, page.height - char["matrix"][5]) for char in page.chars if char["text"].strip()]


def check_text_area(page, number: int) -> None:
    """The running header and footer sit in the top and bottom margins, everything
    else between them, and nothing in the side margins.

    The text area runs from the cap height of its first line to the baseline of its
    last (Typst's default text edges): accents above capitals and descenders may go
    a little beyond, the capitals and baselines may not.
    """
    chars = glyphs(page)
    assert chars, f"page {number} has no text"
    for char, _ in chars:
        where = (number, char["text"], round(char["x0"], 1), round(char["x1"], 1))
        assert char["x0"] >= MARGIN["x"] - TOLERANCE, where
        assert char["x1"] <= page.width - MARGIN["x"] + TOLERANCE, where
    if number == 1:
        for char, base in chars:
            assert 1.0 * CM <= base - CAP_HEIGHT * char["size"] and base <= page.height - 1.0 * CM, char["text"]
        return
    header = min(base for _, base in chars)
    footer = max(base for _, base in chars)
    assert header < MARGIN["top"] - 4 and footer > page.height - MARGIN["bottom"] + 4, (number, header, footer)
    for char, base in chars:
        if header + 0.5 < base < footer - 0.5:
            where = (number, char["text"], round(base, 1), char["size"])
            assert base - CAP_HEIGHT * char["size"] >= MARGIN["top"] - TOLERANCE, where
            assert base <= page.height - MARGIN["bottom"] + TOLERANCE, where


def line_text(line: list[dict]) -> str:
    return clean(" ".join(w["text"] for w in line))


# Fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["fr", "en"])
def council(request, sample_builds):
    result = sample_builds[("conseil", request.param)]
    return request.param, result


@pytest.fixture(scope="module")
def council_pdf(council) -> Path:
    return council[1].files["pdf"]


@pytest.fixture(scope="module")
def reader(council_pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(council_pdf)


def write_logo(path: Path) -> None:
    """A small coat of arms: a blue shield with three gold fleurs (circles), on transparency."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (160, 190), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(8, 8), (152, 8), (152, 110), (80, 182), (8, 110)], fill=(31, 78, 121, 255),
                 outline=(15, 40, 70, 255))
    for x, y in ((45, 50), (115, 50), (80, 110)):
        draw.ellipse((x - 18, y - 18, x + 18, y + 18), fill=(230, 180, 40, 255))
    image.save(path, format="PNG", optimize=False)


@pytest.fixture(scope="session")
def big_build(tmp_path_factory, engine):
    """The sample data plus a logo and many actions (a table that breaks across pages)."""
    from labels_report.publish.build import build

    data = tmp_path_factory.mktemp("data") / "soissons"
    shutil.copytree(SAMPLE, data)
    write_logo(data / "logo.png")
    town = (data / "town.yml").read_text(encoding="utf-8")
    town = re.sub(r"(?m)^logo:.*$", 'logo: "logo.png"', town)
    (data / "town.yml").write_text(town, encoding="utf-8")
    with (data / "actions.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with (data / "actions.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        for i in range(1, TEST_ACTIONS + 1):
            writer.writerow({"action_id": f"T{i:03d}", "title": f"{TEST_TITLE} {i:02d}",
                             "description": f"Action ajoutée pour le test numéro {i}.",
                             "labels": "ville-amie-des-enfants", "axis": "Offre de loisirs",
                             "lead_service": "Service enfance", "partners": "Centres sociaux",
                             "public": "yes" if i % 2 else "no"})
    with (data / "action_years.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with (data / "action_years.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        for i in range(1, TEST_ACTIONS + 1):
            writer.writerow({"action_id": f"T{i:03d}", "year": "2017", "status": "in_progress",
                             "progress": str(i % 100), "budget_planned": str(1000 * i),
                             "budget_spent": str(500 * i), "budget_kind": "operating"})
    out = tmp_path_factory.mktemp("big-output")
    [result] = build(data, 2017, editions=["conseil"], langs=["fr"], engine=engine, out=out, project=ROOT)
    return result


# Page size, cover, contents, chapters ------------------------------------------------


def test_every_page_is_a4(reader: pypdf.PdfReader) -> None:
    assert len(reader.pages) >= 6
    for number, page in enumerate(reader.pages, 1):
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1, number
        assert page.get("/Rotate", 0) == 0


def test_cover_has_town_title_edition_and_date(council, reader: pypdf.PdfReader) -> None:
    lang, _ = council
    want = expected_cover(lang)
    cover = texts(reader)[0]
    assert "soissons" in cover.lower()
    for key in ("title", "edition", "date"):
        assert squeeze(want[key]) in squeeze(cover), (key, cover)
    assert f"{want['page']} 1 /" not in cover  # no running footer on the cover
    assert reader.metadata.title == want["title"]


def test_table_of_contents_follows_the_cover(council, reader: pypdf.PdfReader) -> None:
    lang, _ = council
    page = texts(reader)[1]
    assert expected_cover(lang)["toc"] in page
    chapters = [title for depth, title, _ in outline(reader) if depth == 0]
    for title in chapters:
        # the contents page lists each chapter with its page number
        name = title.split(" ", 1)[1]
        assert squeeze(name) in squeeze(page), title
    assert re.search(r"\.\s*\.\s*\.", page), "dotted leaders to the page numbers"


def test_chapters_are_numbered_and_open_a_new_page(reader: pypdf.PdfReader) -> None:
    items = outline(reader)
    chapters = [(title, page) for depth, title, page in items if depth == 0]
    assert len(chapters) >= 3
    assert [title.split(" ", 1)[0] for title, _ in chapters] == [str(n) for n in range(1, len(chapters) + 1)]
    pages = [page for _, page in chapters]
    assert pages[0] == 2 and pages == sorted(set(pages))
    sections = [title for depth, title, _ in items if depth == 1]
    assert sections and all(re.match(r"^\d+\.\d+ ", s) for s in sections)
    all_text = texts(reader)
    for title, page in chapters:
        assert squeeze(title) in squeeze(all_text[page]), title


def test_running_header_and_page_n_of_m_after_the_cover(council, council_pdf: Path,
                                                        reader: pypdf.PdfReader) -> None:
    lang, _ = council
    want = expected_cover(lang)
    pages = texts(reader)
    total = len(pages)
    assert f"{want['page']} 1 / {total}" not in pages[0]
    for number, text in enumerate(pages[1:], 2):
        assert f"{want['page']} {number} / {total}" in text, number
        assert want["title"] in text and "Soissons" in text, number
    with pdfplumber.open(council_pdf) as document:
        total = len(document.pages)
        for number, page in enumerate(document.pages[1:], 2):
            rows = lines(page)
            header = line_text(rows[0])
            footer = line_text(rows[-1])
            assert rows[0][0]["bottom"] < MARGIN["top"], (number, header)
            assert rows[-1][0]["top"] > page.height - MARGIN["bottom"], (number, footer)
            assert header.startswith(want["title"]) and header.endswith("Soissons"), (number, header)
            assert footer.endswith(f"{want['page']} {number} / {total}"), (number, footer)
            assert "Hôtel de Ville" in footer


# Nothing outside the margins, no blank page ----------------------------------------------


def test_no_text_outside_the_margins(council_pdf: Path) -> None:
    with pdfplumber.open(council_pdf) as document:
        for number, page in enumerate(document.pages, 1):
            check_text_area(page, number)


def page_images(pdf: Path, folder: Path, dpi: int = 40) -> list[Path]:
    need(shutil.which("pdftoppm") is not None,
         "pdftoppm is needed for the page images: `sudo apt-get install -y poppler-utils`")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True,
                   capture_output=True, timeout=120)
    return sorted(folder.glob("page-*.png"))


def ink(image, box: tuple[float, float, float, float]) -> int:
    """Number of non-white pixels in ``box`` (fractions of the page: left, top, right, bottom)."""
    width, height = image.size
    crop = image.convert("L").crop((round(box[0] * width), round(box[1] * height),
                                    round(box[2] * width), round(box[3] * height)))
    return sum(count for value, count in enumerate(crop.histogram()) if value < 200)


def test_pages_as_images_no_blank_page_nothing_cut_off(council_pdf: Path, reader: pypdf.PdfReader,
                                                       tmp_path: Path) -> None:
    from PIL import Image

    images = page_images(council_pdf, tmp_path)
    assert len(images) == len(reader.pages)
    top = MARGIN["top"] / A4[1]
    bottom = 1 - MARGIN["bottom"] / A4[1]
    side = MARGIN["x"] / A4[0]
    for number, path in enumerate(images, 1):
        with Image.open(path) as image:
            assert abs(image.width / image.height - A4[0] / A4[1]) < 0.01
            body = (0, 0, 1, 1) if number == 1 else (0, top, 1, bottom)
            assert ink(image, body) > 200, f"page {number} is blank between its header and footer"
            if number > 1:
                # no ink in the side margins (a cut-off table or figure would leave some)
                margin_ink = ink(image, (0, top, side * 0.9, bottom)) + ink(image, (1 - side * 0.9, top, 1, bottom))
                assert margin_ink == 0, f"page {number}: something runs into the side margins"


# Tables, logo (extra build) ----------------------------------------------------------


def test_cover_shows_the_logo_from_town_yml(big_build) -> None:
    pdf = big_build.files["pdf"]
    with pdfplumber.open(pdf) as document:
        cover = document.pages[0]
        images = cover.images
        assert len(images) == 1, "the logo, and nothing else, is an image on the cover"
        logo = images[0]
        title = next(w for w in cover.extract_words() if w["text"] == "Rapport")
        assert logo["bottom"] < title["top"], "the logo sits above the title"
        assert 1.5 * CM < logo["height"] < 4 * CM
        assert logo["x0"] >= MARGIN["x"] - TOLERANCE
        assert logo["srcsize"] == (160, 190)
        for number, page in enumerate(document.pages[1:], 2):
            assert all(image["srcsize"] != (160, 190) for image in page.images), f"the logo on page {number}"
    html = BeautifulSoup(big_build.files["html"].read_text(encoding="utf-8"), "html.parser")
    img = html.find("header").find("img")
    assert img is not None and img["src"].startswith("data:image/png;base64,") and img["alt"] == ""


def is_header_line(row: list[dict], headers: list[str]) -> bool:
    """The first line of a table's header row: the first word of every header cell, in bold."""
    words = [clean(w["text"]) for w in row]
    return all(header.split()[0] in words for header in headers) and all("Bold" in w["fontname"] for w in row)


def test_a_table_that_breaks_across_pages_repeats_its_header_row(big_build) -> None:
    pdf = big_build.files["pdf"]
    html = BeautifulSoup(big_build.files["html"].read_text(encoding="utf-8"), "html.parser")
    # the headers of every table that lists the test actions
    tables = [cell.find_parent("table") for cell in html.find_all("td", string=re.compile(f"^{TEST_TITLE} 01$"))]
    assert tables, "the test actions are listed in a table"
    headers = [[th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")] for table in tables]
    continued = 0
    pages_with_rows = 0
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            rows = lines(page)[1:-1]  # without the running header and footer
            # a row of a table listing the test actions: its first cell, in the table's small type
            first = next((i for i, row in enumerate(rows)
                          if line_text(row).startswith(TEST_TITLE) and row[0]["size"] < 10), None)
            if first is None:
                continue
            pages_with_rows += 1
            above = [i for i, row in enumerate(rows[:first]) if any(is_header_line(row, h) for h in headers)]
            assert above, f"page {number}: rows of a table without its header row above them"
            captions = [i for i, row in enumerate(rows[:first]) if re.match(r"^(Tableau|Table) \d+", line_text(row))]
            if not captions:
                # the table goes on from the previous page: its header row comes first on this one
                assert above[0] == 0, (number, line_text(rows[0]))
                continued += 1
    assert pages_with_rows >= 3 and continued >= 2, "the tables were meant to break across pages"


def test_big_report_has_no_text_outside_the_margins(big_build) -> None:
    with pdfplumber.open(big_build.files["pdf"]) as document:
        assert len(document.pages) > 15
        for number, page in enumerate(document.pages, 1):
            check_text_area(page, number)


# PDF/A-2b, PDF/UA-1, language, alt text, fonts ------------------------------------------


@pytest.fixture(scope="module", params=["conseil-fr", "conseil-en", "public-fr", "public-en"])
def any_pdf(request, sample_builds) -> tuple[str, Path, Path]:
    edition, lang = request.param.split("-")
    result = sample_builds[(edition, lang)]
    return lang, result.files["pdf"], result.files["html"]


def test_pdf_a_2b_and_pdf_ua_1_are_declared(any_pdf) -> None:
    lang, pdf, _ = any_pdf
    reader = pypdf.PdfReader(pdf)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")

    def xmp_value(name: str) -> str | None:
        found = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
        return found.group(1) if found else None

    assert xmp_value("pdfaid:part") == "2"
    assert xmp_value("pdfaid:conformance") == "B"
    assert xmp_value("pdfuaid:part") == "1"
    assert root["/Lang"] == lang
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "/OutputIntents" in root  # PDF/A: the colour space of the output
    assert reader.metadata.title


def structure_elements(reader: pypdf.PdfReader, kind: str) -> list[pypdf.generic.DictionaryObject]:
    return [node for node in structure_nodes(reader) if node.get("/S") == kind]


def test_every_figure_has_its_alt_text_in_the_structure_tree(any_pdf) -> None:
    _, pdf, html = any_pdf
    reader = pypdf.PdfReader(pdf)
    figures = structure_elements(reader, "/Figure")
    alts = [str(f.get("/Alt", "")) for f in figures]
    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    html_alts = [img["alt"] for img in page.find("main").find_all("img")]
    assert len(html_alts) >= 2
    assert all(alt.strip() for alt in alts), "a figure without alternative text"
    # the same descriptions as the web page's, figure by figure
    assert sorted(a for a in alts if a in html_alts) == sorted(html_alts)
    assert structure_elements(reader, "/Table") and structure_elements(reader, "/TH")
    assert structure_elements(reader, "/H1") or structure_elements(reader, "/H2")


def fonts(reader: pypdf.PdfReader) -> dict[str, pypdf.generic.DictionaryObject]:
    found: dict[str, pypdf.generic.DictionaryObject] = {}
    seen: set[int] = set()

    def walk(resources: object) -> None:
        resources = resources.get_object() if hasattr(resources, "get_object") else resources
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def test_every_font_is_embedded_and_none_comes_from_the_machine(any_pdf) -> None:
    _, pdf, _ = any_pdf
    found = fonts(pypdf.PdfReader(pdf))
    assert found
    for name, font in found.items():
        descriptors = []
        if font["/Subtype"] == "/Type0":
            for descendant in font["/DescendantFonts"]:
                descriptors.append(descendant.get_object()["/FontDescriptor"].get_object())
        else:
            assert font["/Subtype"] != "/Type3" or "/FontDescriptor" not in font
            if "/FontDescriptor" in font:
                descriptors.append(font["/FontDescriptor"].get_object())
        assert descriptors, name
        for descriptor in descriptors:
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
        family = name.lstrip("/").split("+", 1)[-1]
        assert family.startswith(TYPST_FONTS + PROJECT_FONTS + WHEEL_FONTS), f"{name}: not a font of Typst or of the project"


def test_a_font_installed_on_the_machine_is_not_used(tmp_path: Path) -> None:
    """Asked for a font of the machine, the engine still embeds only its own fonts."""
    from labels_report.publish.render import RenderInput, render_pdf

    machine = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
    need(machine.is_file(), "no Liberation Sans on this machine to try with: apt-get install fonts-liberation")
    doc = RenderInput(tmp_path, "# Un\n\nTexte en Liberation Sans ?\n",
                      {"title": "Essai", "lang": "fr", "mainfont": "Liberation Sans"}, "essai")
    found = fonts(pypdf.PdfReader(render_pdf(doc)))
    assert found and not any("Liberation" in name for name in found), sorted(found)
    assert all(name.lstrip("/").split("+", 1)[-1].startswith(TYPST_FONTS + PROJECT_FONTS + WHEEL_FONTS) for name in found)
