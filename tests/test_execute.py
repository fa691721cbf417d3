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


def test_a_kernel_stopped_while_a_chapter_runs_ends_that_chapter_at_once(tmp_path):
    """What an interrupted build does (it stops its kernels) ends the chapter being executed: the
    thread running it raises BuildInterrupted instead of waiting for a kernel that is gone."""
    import threading
    import time

    import nbformat

    from labels_report.core.errors import BuildInterrupted
    from labels_report.publish.execute import execute_chapters
    from labels_report.publish.kernel import start_kernels
    from paths import ROOT

    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                 "display_name": "Python 3"},
                                                  "language_info": {"name": "python"}})
    notebook.cells = [nbformat.v4.new_code_cell("year = 0", metadata={"tags": ["parameters"]}),
                      nbformat.v4.new_code_cell("import time\ntime.sleep(600)")]
    path = tmp_path / "slow.ipynb"
    nbformat.write(notebook, str(path))
    [kernel] = start_kernels(1, ROOT, None)
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            execute_chapters(kernel, [path], {"year": 2017}, keep=tmp_path / "kept")
        except BaseException as error:  # noqa: BLE001 - what the thread ended with
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while thread.is_alive() and time.monotonic() < deadline and not (
            kernel.last_notebook is not None and any(cell.get("metadata", {}).get("papermill", {}).get("status")
                                                     == "running" for cell in kernel.last_notebook.cells)):
        time.sleep(0.1)
    kernel.shutdown()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the chapter's thread still waits for the stopped kernel"
    assert isinstance(outcome.get("error"), BuildInterrupted), outcome
    assert not (tmp_path / "kept").exists()  # an interruption keeps no notebook
