"""Hostile strings in every text column render literally in the HTML and the PDF:
nothing is executed, no file is read, no markup escapes from a cell.

Each column gets its own tag (``ZQ01``...) followed by the same hostile text, so
that a failure names the column.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pypandoc
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from labels_report.chapters import CHAPTERS, render_chapter
from labels_report.load import load_dataset
from labels_report.params import ReportParams
from labels_report.report import Report

ROOT = Path(__file__).resolve().parents[1]
RICH = ROOT / "tests" / "fixtures" / "rich"
HOSTILE = '<script>alert(1)</script> ![x](/etc/hostname) `#read("/etc/passwd")`{=typst} | * # $ @ $x$ _y_ [z](#a)'

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
NARRATIVE = (
    "ZQNA `<script>alert(1)</script>` ![x](/etc/hostname) `#read(\"/etc/passwd\")`{=typst} "
    "$x$ @ref # not a heading\n\n"
    "```{=typst}\n#read(\"/etc/passwd\")\n```\n\n"
    "[link](javascript:alert(1)) | a | b |\n"
)


def hostile_town(folder: Path) -> Path:
    town = folder / "hostile"
    shutil.copytree(RICH, town)
    for name in {file for file, _, _ in COLUMNS}:
        path = town / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for (file, index, column), tag in TAGS.items():
            if file == name:
                rows[index][column] = f"{tag} {HOSTILE}"
        if name == "labels.csv":
            rows[0]["url"] = "javascript:alert(1)"
        if name == "label_events.csv":
            rows[3]["source_url"] = "javascript:alert(2)"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    (town / "texts" / "2017" / "ville-fleurie.md").write_text(NARRATIVE, "utf-8")
    return town


def squeeze(text: str) -> str:
    """Text without layout: line-end hyphenation and all white space removed."""
    return re.sub(r"\s+", "", re.sub(r"[-\u2010\u00ad]\s*\n", "", text))


def secrets() -> list[str]:
    """Contents that would show a file was read: the first line of /etc/passwd, the host name."""
    found = ["root:x:0:0", "/bin/bash", "/usr/sbin/nologin"]
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 8:
        found.append(hostname.read_text().strip())
    return found


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    return hostile_town(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_build(hostile_dir, tmp_path_factory):
    from labels_report.build import build

    [result] = build(hostile_dir, 2017, editions=["conseil"], langs=["fr"], engine="pandoc",
                     out=tmp_path_factory.mktemp("out"), project=ROOT)
    return result


def test_data_load_as_typed(hostile_dir):
    data = load_dataset(hostile_dir)
    assert data.labels.loc[0, "name"] == f"ZQ00 {HOSTILE}"
    assert data.actions.loc[0, "partners"] == (f"{TAGS[('actions.csv', 0, 'partners')]} {HOSTILE}",)


def test_markdown_holds_no_markup_from_the_data(hostile_dir, tmp_path):
    """Read as the renderer reads it, the chapters' Markdown holds no raw block, no image
    but the figures, no link but safe ones, and every hostile string as plain text."""
    report = Report.from_dataset(load_dataset(hostile_dir), ReportParams(2017))
    markdown = "\n\n".join(render_chapter(name, report, tmp_path) for name in CHAPTERS)
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
    for tag in TAGS.values():
        assert squeeze(f"{tag} {HOSTILE}") in squeeze(text), tag


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
    for tag in TAGS.values():
        assert squeeze(f"{tag} {HOSTILE}") in text, tag
    narrative = soup.find(string=re.compile("ZQNA")).find_parent("p").get_text(" ")
    assert "<script>alert(1)</script>" in narrative and '#read("/etc/passwd")' in narrative
    for secret in secrets():
        assert secret not in source


@pytest.mark.slow
def test_pdf_shows_hostile_strings_literally(hostile_build):
    reader = PdfReader(hostile_build.files["pdf"])
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    flat = squeeze(text)
    for tag in TAGS.values():
        assert squeeze(f"{tag} {HOSTILE}") in flat, tag
    assert '#read("/etc/passwd")' in text.replace("\n", "")
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
