"""Hostile strings in every text column render literally in the HTML and the PDF:
nothing is executed, no file is read, no markup escapes from a cell.

Each column gets its own tag (``ZQ01``...) followed by the same hostile text, so
that a failure names the column. The columns are those of the CSV files, the
town's name, address, phone and website (``town.yml``), and the names of files
the report lists in its data-quality annex (a text file it ignores, an unknown
CSV file). The hostile text holds a line break, written inside a quoted CSV cell.
Identifiers that become anchors (``action_id``) hold it too: the anchors stay
plain and unique.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pypandoc
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from paths import RICH, ROOT
from labels_report.chapters.registry import CHAPTERS, render_chapter
from labels_report.data.load import load_dataset
from labels_report.model.params import ReportParams
from labels_report.model.compute import compute

SECRET = ("LABELS_REPORT_TEST_SECRET", "ZQSECRET-4242")
"""An environment variable of the build: a Quarto shortcode ``{{< env ... >}}`` would print it."""
HOSTILE = ('<script>alert(1)</script> ![x](/etc/hostname) `#read("/etc/passwd")`{=typst} | * # $ @ $x$ _y_ [z](#a)'
           f'\n{{{{< include /etc/passwd >}}}} {{{{< env {SECRET[0]} >}}}} ]{{#x}} \\ % ~ ^ <!-- --> &amp; @fig-x -?')
FILE_SAFE = HOSTILE.replace("/", "∕").replace("\n", " ")
"""The hostile text as a file name can hold it (no ``/``, no line break)."""
LIST_SAFE = HOSTILE.replace(";", ",").replace("\n", " ")
"""The hostile text as one item of a list column (``;`` and line breaks separate items there)."""
LIST_COLUMNS = {("actions.csv", 0, "partners")}


def hostile(column: tuple[str, int, str]) -> str:
    """What the cell of ``column`` holds: its tag and the hostile text."""
    return f"{TAGS[column]} {LIST_SAFE if column in LIST_COLUMNS else HOSTILE}"

# (file, row index, column); the row is the one the 2017 report shows.
COLUMNS = [
    ("labels.csv", 0, "name"), ("labels.csv", 0, "awarding_body"), ("labels.csv", 0, "category"),
    ("labels.csv", 0, "subject"), ("labels.csv", 0, "referent"), ("labels.csv", 0, "level_unit"),
    ("label_events.csv", 3, "reference"), ("label_events.csv", 3, "note"),
    ("actions.csv", 0, "title"), ("actions.csv", 0, "description"), ("actions.csv", 0, "axis"),
    ("actions.csv", 0, "lead_service"), ("actions.csv", 0, "partners"), ("actions.csv", 0, "place"),
    ("actions.csv", 0, "indicator"), ("actions.csv", 0, "indicator_unit"),
    ("action_years.csv", 1, "comment"),
]
TAGS = {column: f"ZQ{i:02d}" for i, column in enumerate(COLUMNS)}
TOWN_TAGS = {key: f"ZT{i:02d}" for i, key in enumerate(("name", "address", "phone", "website"))}
FILE_TAGS = {"text": "ZF01", "csv": "ZF02"}
ACTION_ID = f"ZQAI {HOSTILE}"
NARRATIVE = (
    "ZQNA `<script>alert(1)</script>` ![x](/etc/hostname) `#read(\"/etc/passwd\")`{=typst} "
    "$x$ @ref # not a heading\n\n"
    "```{=typst}\n#read(\"/etc/passwd\")\n```\n\n"
    "[link](javascript:alert(1)) | a | b |\n\n"
    # Quarto shortcodes on a line of their own in code (Quarto would include a file of the
    # build folder there), in inline code and in text.
    f"```\n{{{{< include _quarto.yml >}}}}\n{{{{< env {SECRET[0]} >}}}}\n```\n\n"
    f"ZQSC `{{{{< env {SECRET[0]} >}}}}` {{{{< meta title >}}}}\n"
)
SHORTCODES = [f"{{{{< env {SECRET[0]} >}}}}", "{{< include _quarto.yml >}}", "{{< meta title >}}"]
"""Shown as typed, whatever the engine."""


def hostile_town(folder: Path) -> Path:
    town = folder / "hostile"
    shutil.copytree(RICH, town)
    for name in {file for file, _, _ in COLUMNS}:
        path = town / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for (file, index, column), tag in TAGS.items():
            if file == name:
                rows[index][column] = hostile((file, index, column))
        if name == "labels.csv":
            rows[0]["url"] = "javascript:alert(1)"
        if name == "label_events.csv":
            rows[3]["source_url"] = "javascript:alert(2)"
        for row in rows:
            if name in ("actions.csv", "action_years.csv") and row["action_id"] == "A1":
                row["action_id"] = ACTION_ID
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    (town / "texts" / "2017" / "ville-fleurie.md").write_text(NARRATIVE, "utf-8")
    values = yaml.safe_load((town / "town.yml").read_text("utf-8"))
    for key, tag in TOWN_TAGS.items():
        values[key] = f"{tag} {HOSTILE}"
    (town / "town.yml").write_text(yaml.safe_dump(values, allow_unicode=True), "utf-8")
    (town / "texts" / "2017" / f"{FILE_TAGS['text']} {FILE_SAFE}.txt").write_text("ignoré", "utf-8")
    (town / f"{FILE_TAGS['csv']} {FILE_SAFE}.csv").write_text("a,b\n", "utf-8")
    return town


def squeeze(text: str) -> str:
    """Text without layout: soft hyphens at line ends and all white space removed (a hyphen
    at the end of a line is the text's own: the report does not hyphenate)."""
    return re.sub(r"\s+", "", re.sub(r"\u00ad\s*\n", "", text))


def secrets() -> list[str]:
    """Contents that would show a file was read or the environment printed: the first line of
    /etc/passwd, the host name, the test's environment variable, the build folder's _quarto.yml."""
    found = ["root:x:0:0", "/bin/bash", "/usr/sbin/nologin", SECRET[1], "labels-report-metadata"]
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 8:
        found.append(hostname.read_text().strip())
    return found


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    return hostile_town(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_build(hostile_dir, tmp_path_factory, engine):
    from labels_report.publish.build import build

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(*SECRET)
        [result] = build(hostile_dir, 2017, editions=["conseil"], langs=["fr"], engine=engine,
                         out=tmp_path_factory.mktemp("out"), project=ROOT)
    return result


def test_data_load_as_typed(hostile_dir):
    data = load_dataset(hostile_dir)
    assert data.labels.loc[0, "name"] == f"ZQ00 {HOSTILE}"  # the line break inside the quoted cell is kept
    assert data.town.name == f"ZT00 {HOSTILE}" and data.town.website == f"ZT03 {HOSTILE}"
    assert ACTION_ID in set(data.actions["action_id"])
    ignored = {issue.value for issue in data.warnings}
    assert f"{FILE_TAGS['text']} {FILE_SAFE}.txt" in ignored and f"{FILE_TAGS['csv']} {FILE_SAFE}.csv" in ignored
    assert data.actions.loc[0, "partners"] == (hostile(("actions.csv", 0, "partners")),)


def test_markdown_holds_no_markup_from_the_data(hostile_dir, tmp_path):
    """Read as the renderer reads it, the chapters' Markdown holds no raw block, no image
    but the figures, no link but safe ones, and every hostile string as plain text."""
    computed = compute(load_dataset(hostile_dir), ReportParams(2017))
    markdown = "\n\n".join(render_chapter(name, computed, tmp_path) for name in CHAPTERS)
    tree = json.loads(pypandoc.convert_text(markdown, "json", format="markdown-raw_html-raw_tex-raw_attribute",
                                            sandbox=True))
    kinds, images, links = set(), [], []

    def walk(node):
        if isinstance(node, dict):
            kinds.add(node.get("t"))
            if node.get("t") == "Image":
                images.append(node["c"][2][0])
            if node.get("t") == "Link":
                links.append(node["c"][2][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree["blocks"])
    assert not kinds & {"RawInline", "RawBlock", "Math", "Cite"}
    assert all(re.fullmatch(r"figures/[a-z-]+\.png", src) for src in images) and len(images) == 3
    assert all(re.match(r"(https?://|mailto:|donnees/|echeances\.ics$|#)", href) for href in links), links
    text = pypandoc.convert_text(markdown, "plain", format="markdown-raw_html-raw_tex-raw_attribute",
                                 sandbox=True, extra_args=["--wrap=none"])
    for column in TAGS:
        assert squeeze(hostile(column)) in squeeze(text), column


@pytest.mark.slow
def test_html_shows_hostile_strings_literally(hostile_build):
    source = hostile_build.files["html"].read_text("utf-8")
    soup = BeautifulSoup(source, "html.parser")
    assert soup.find_all("script") == []
    assert soup.find_all("iframe") == [] and soup.find_all("object") == []
    images = soup.find_all("img")
    assert len(images) == 3 and all(img["src"].startswith("data:image/png;base64,") for img in images)
    for link in soup.find_all("a"):
        assert not link.get("href", "").lower().startswith("javascript:")
    text = squeeze(soup.get_text(" "))
    for column in TAGS:
        assert squeeze(hostile(column)) in text, column
    for tag in TOWN_TAGS.values():
        assert squeeze(f"{tag} {HOSTILE}") in text, tag
    for tag in FILE_TAGS.values():
        assert squeeze(f"{tag} {FILE_SAFE}") in text, tag
    assert squeeze(f"ZT00 {HOSTILE}") in squeeze(soup.title.get_text())
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate anchors"
    assert [i for i in ids if i.startswith("action-")] and all(
        re.fullmatch(r"[a-z0-9_-]+", i) for i in ids if i.startswith(("action-", "label-", "actions-label-")))
    narrative = soup.find(string=re.compile("ZQNA")).find_parent("p").get_text(" ")
    assert "<script>alert(1)</script>" in narrative and '#read("/etc/passwd")' in narrative
    code = soup.find(string=re.compile(re.escape(SHORTCODES[1]))).find_parent("pre").get_text()
    assert code.split("\n")[:2] == [SHORTCODES[1], SHORTCODES[0]], "a shortcode in a narrative's code, as typed"
    shown = soup.find(string=re.compile("ZQSC")).find_parent("p").get_text(" ")
    assert squeeze(f"ZQSC {SHORTCODES[0]} {SHORTCODES[2]}") == squeeze(shown)
    for secret in secrets():
        assert secret not in source


@pytest.mark.slow
def test_pdf_shows_hostile_strings_literally(hostile_build):
    reader = PdfReader(hostile_build.files["pdf"])
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    flat = squeeze(text)
    for column in TAGS:
        assert squeeze(hostile(column)) in flat, column
    for tag in TOWN_TAGS.values():
        assert squeeze(f"{tag} {HOSTILE}") in flat, tag
    for tag in FILE_TAGS.values():
        assert squeeze(f"{tag} {FILE_SAFE}") in flat, tag
    assert '#read("/etc/passwd")' in text.replace("\n", "")
    for shortcode in SHORTCODES:
        assert squeeze(shortcode) in flat, shortcode
    for secret in secrets():
        assert secret not in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3  # the figures, and no file pulled in by the data


@pytest.mark.slow
def test_exports_keep_the_strings_as_data(hostile_build):
    with (hostile_build.folder / "donnees" / "actions.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["title"] == f"{TAGS[('actions.csv', 0, 'title')]} {HOSTILE}"
    assert first["comment"] == f"{TAGS[('action_years.csv', 1, 'comment')]} {HOSTILE}"
