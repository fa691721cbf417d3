"""Same inputs and parameters, same bytes.

The sample report is built twice more, into two other output folders, with
``SOURCE_DATE_EPOCH`` set: the HTML pages, the PDFs and the CSV files must be
byte-identical between the two builds, and the HTML pages identical to the
session's build too (made without ``SOURCE_DATE_EPOCH``: the web page does not
depend on the time of the build at all).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re

import pypdf
import pytest

from paths import ROOT, SAMPLE

EPOCH = 1514764800  # 2018-01-01T00:00:00Z
EDITIONS = ["conseil", "public"]


@pytest.fixture(scope="module")
def twice(tmp_path_factory, sample_builds, engine):
    from labels_report.publish.build import build

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        runs = []
        for name in ("first", "second"):
            out = tmp_path_factory.mktemp(f"repro-{name}")
            results = build(SAMPLE, 2017, editions=EDITIONS, langs=["fr"], engine=engine, out=out, project=ROOT)
            runs.append({r.params.edition: r for r in results})
    return runs


def same_bytes(first: bytes, second: bytes) -> bool:
    """Equal, or an assertion message that shows where they differ."""
    if first == second:
        return True
    at = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
    raise AssertionError(f"{len(first)} and {len(second)} bytes, first difference at byte {at}:\n"
                         f"{first[max(0, at - 120):at + 120]!r}\n{second[max(0, at - 120):at + 120]!r}")


def without_build_date(html: bytes) -> bytes:
    """The page without the day of the build, which the council edition's provenance line tells."""
    return re.sub(rb"Rapport produit le .{0,80}? avec labels-report", b"Rapport produit avec labels-report", html)


@pytest.mark.parametrize("edition", EDITIONS)
def test_html_is_byte_identical(twice, sample_builds, edition: str) -> None:
    first, second = (run[edition].files["html"] for run in twice)
    assert first.parent != second.parent
    assert same_bytes(first.read_bytes(), second.read_bytes())
    # and identical to the session's build, made without SOURCE_DATE_EPOCH: the public page does not
    # depend on the time of the build at all, the council's only through its provenance line
    session = sample_builds[(edition, "fr")].files["html"].read_bytes()
    if edition == "public":
        assert b"labels-report" not in session
        assert same_bytes(session, first.read_bytes())
    else:
        said = html.unescape(first.read_bytes().decode("utf-8"))
        assert "Rapport produit le 1<sup>er</sup>\u00a0janvier\u00a02018 avec labels-report" in said
        assert same_bytes(without_build_date(session), without_build_date(first.read_bytes()))


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_is_byte_identical_with_source_date_epoch(twice, edition: str) -> None:
    first, second = (run[edition].files["pdf"] for run in twice)
    data = first.read_bytes()
    assert same_bytes(data, second.read_bytes())
    reader = pypdf.PdfReader(first)
    stamp = dt.datetime.fromtimestamp(EPOCH, dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    assert reader.metadata["/CreationDate"].startswith(f"D:{stamp}")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "2018-01-01T00:00:00" in xmp


@pytest.mark.parametrize("edition", EDITIONS)
def test_data_files_are_byte_identical(twice, edition: str) -> None:
    first, second = (run[edition].folder / "donnees" for run in twice)
    names = sorted(p.name for p in first.glob("*.csv"))
    assert names and names == sorted(p.name for p in second.glob("*.csv"))
    for name in names:
        assert same_bytes((first / name).read_bytes(), (second / name).read_bytes()), name


def test_session_pdf_without_source_date_epoch_still_reads(sample_builds) -> None:
    """Without SOURCE_DATE_EPOCH the PDF carries the build's date (not a fixed one)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        pytest.skip("SOURCE_DATE_EPOCH is set for the whole test session")
    reader = pypdf.PdfReader(sample_builds[("conseil", "fr")].files["pdf"])
    assert reader.metadata["/CreationDate"].startswith("D:")
    assert not reader.metadata["/CreationDate"].startswith("D:20180101000000")
