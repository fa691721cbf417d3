"""The notebook contract: one `parameters` cell, the same names everywhere, thin cells."""

from __future__ import annotations

import json

import papermill
import pytest

from paths import ROOT
from labels_report.core.project import Project

PROJECT = Project(ROOT)
CHAPTERS = PROJECT.chapters(PROJECT.config())
REQUIRED = {"data_dir", "year", "edition", "lang"}


def test_book_lists_every_chapter_notebook():
    on_disk = sorted(p.relative_to(ROOT) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(CHAPTERS) == on_disk


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_parameters_cell(chapter):
    cells = json.loads((ROOT / chapter).read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    names = set(papermill.inspect_notebook(str(ROOT / chapter)))
    assert REQUIRED <= names


def test_same_parameters_everywhere():
    names = {str(c): tuple(sorted(papermill.inspect_notebook(str(ROOT / c)))) for c in CHAPTERS}
    assert len(set(names.values())) == 1, names


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_notebook_is_thin_and_stripped(chapter):
    cells = json.loads((ROOT / chapter).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        assert not cell.get("outputs"), "outputs are never committed"
        assert cell.get("execution_count") is None
        source = "".join(cell["source"])
        assert "\ndef " not in "\n" + source and "read_csv" not in source and "read_excel" not in source
        assert "open(" not in source
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "lr.show_chapter(" in code
