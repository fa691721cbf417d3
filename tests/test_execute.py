"""Executing chapters: failing cells are reported precisely, and chapters share no state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paths import NOTEBOOKS
from labels_report.core.errors import NotebookExecutionError
from labels_report.publish.execute import execute_notebooks, markdown_outputs

HERE = NOTEBOOKS


def test_failing_cell_names_notebook_cell_and_exception(tmp_path):
    with pytest.raises(NotebookExecutionError) as caught:
        execute_notebooks([HERE / "broken.ipynb"], tmp_path, {"year": 2017})
    error = caught.value
    assert error.notebook == "broken.ipynb"
    assert error.cell_index == 3
    assert error.ename == "ZeroDivisionError"
    assert "division by zero" in error.evalue
    assert "broken.ipynb" in str(error) and "cell 3" in str(error)
    kept = Path(error.executed_path)
    assert kept.exists(), "the partly executed notebook is kept for debugging"
    cells = json.loads(kept.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "error" for o in outputs)
    assert any("before the failure 2017" in "".join(o.get("text", "")) for o in outputs)


def test_chapters_do_not_see_each_others_variables(tmp_path):
    with pytest.raises(NotebookExecutionError) as caught:
        execute_notebooks([HERE / "defines_variable.ipynb", HERE / "reads_variable.ipynb"], tmp_path, {})
    assert caught.value.notebook == "reads_variable.ipynb"
    assert caught.value.ename == "NameError"


def test_parameters_reach_every_chapter_and_markdown_is_collected(tmp_path):
    executed = execute_notebooks([HERE / "shows_markdown.ipynb", HERE / "shows_markdown.ipynb"], tmp_path,
                                 {"year": 2031})
    text = markdown_outputs(executed[0])
    assert "Year **2031**" in text
    assert "print output" not in text, "only Markdown outputs make the report"
