"""The sample town's 2017 report, built for real: what the council and the public receive."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

from paths import SAMPLE

LABELS = ["Ville amie des enfants", "Territoire à énergie positive pour la croissance verte",
          "Guide Vert Michelin", "Villes et Villages Fleuris", "Ville d’art et d’histoire"]


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    # Words broken across lines by hyphenation or zero-width break points are joined back.
    return re.sub(r"[ \t\r\n]+", " ", text.replace("\u200b", "").replace("-\n", "-"))


def test_council_pdf_is_a4_and_holds_the_facts(sample_build):
    pdf = sample_build["conseil"].files["pdf"]
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1, "A4"
    text = pdf_text(pdf)
    for name in LABELS:
        assert name in text, name
    # a date never breaks between its day, month and year
    assert "14\u00a0décembre\u00a02016" in text
    assert "11\u00a0octobre\u00a02016" in text
    assert "Saint-Jean-des-Vignes" in text
    assert "500\u202f000\u00a0€" in text, "the budget written the French way, with Babel's spaces"
    assert "Rapport annuel des labels 2017" in text
    assert "Soissons" in text


def test_pdf_reads_like_a_report_not_a_notebook(sample_build):
    text = pdf_text(sample_build["conseil"].files["pdf"])
    for leftover in ("Out[", "In [", "show_chapter", "import labels_report", "dtype", "DataFrame", "NaN", "<NA>",
                     "None"):
        assert leftover not in text, leftover


def test_html_is_french_self_contained_and_described(sample_build):
    html = sample_build["public"].files["html"]
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "fr"
    captions = [t.caption.get_text(" ", strip=True) for t in soup.find_all("table") if t.caption]
    status = next(t for t in soup.find_all("table") if t.caption and "Statut des labels" in t.caption.get_text())
    body = status.get_text(" ", strip=True)
    for name in LABELS:
        assert name in body
    assert "détenu" in body and "non renseigné" in body
    assert captions, "tables have captions"
    images = soup.find_all("img")
    assert len(images) >= 2
    for img in images:
        if "logo" in " ".join(img.get("class", [])):
            continue
        alt = img.get("alt", "").strip()
        assert len(alt) > 30 and not alt.endswith(".png"), alt
        assert img["src"].startswith("data:image/png;base64,"), "images are embedded"
    for tag in soup.find_all(["script", "link", "iframe", "img", "source", "video", "audio"]):
        for attr in ("src", "href"):
            value = tag.get(attr, "")
            assert not re.match(r"(https?:)?//", value), f"loads {value} from the network"
    assert not soup.find_all("script")
    text = soup.get_text(" ", strip=True)
    assert "Out[" not in text and "show_chapter" not in text


def test_manifest_records_parameters_inputs_versions_engine(sample_build, engine):
    result = sample_build["conseil"]
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["year"] == 2017
    assert manifest["parameters"]["edition"] == "conseil"
    assert manifest["parameters"]["lang"] == "fr"
    assert manifest["engine"] == engine
    assert manifest["versions"]["engine"].startswith({"pandoc": "pypandoc-binary ", "quarto": "quarto 1."}[engine])
    inputs = manifest["inputs"]
    on_disk = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*")
                     if p.is_file() and p.suffix in (".csv", ".yml", ".md") and p.name != "SOURCES.md")
    assert sorted(inputs) == on_disk
    import hashlib
    for name, digest in inputs.items():
        assert hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest() == digest
    assert {"papermill", "pandas", "typst", "pypandoc-binary", "engine"} <= set(manifest["versions"])
    assert manifest["timings_seconds"]["execute"] > 0
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((result.folder / name).read_bytes()).hexdigest() == digest


def test_published_where_the_design_says(sample_build):
    for edition, result in sample_build.items():
        for path in (result.files["pdf"], result.files["html"], result.folder / "manifest.json"):
            assert path.stat().st_mode & 0o044 == 0o044, f"{path.name} is readable by others (web server)"
        assert result.folder.parts[-3:] == ("soissons", "2017", edition)
        assert result.files["pdf"].name == "rapport-labels-soissons-2017.pdf"
        assert result.files["html"].name == "rapport-labels-soissons-2017.html"
        siblings = {p.name for p in result.folder.parent.parent.parent.iterdir()}
        assert ".staging" not in siblings or not any((result.folder.parent.parent.parent / ".staging").iterdir())
