"""Running the chapter notebooks with papermill.

Starting a kernel and importing pandas and matplotlib costs more than a small
chapter, so one build starts one kernel and hands it to papermill for each
chapter in turn. Chapters stay independent: before each one the kernel's
namespace is wiped (``%reset -f``) and matplotlib's state closed, so nothing a
chapter defines is visible to the next. Builds of other editions and languages
run in parallel, each with its own kernel.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from labels_report.errors import NotebookExecutionError

KERNEL = "python3"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RESET = "import matplotlib.pyplot\nmatplotlib.pyplot.close('all')\nmatplotlib.rcdefaults()\n%reset -f\n"


def _reset(km, timeout: float = 60) -> None:
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        reply = client.execute_interactive(_RESET, timeout=timeout, store_history=False, output_hook=lambda _m: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content']}")
    finally:
        client.stop_channels()


def execute_notebooks(notebooks: Sequence[Path], out_dir: Path, parameters: Mapping[str, object],
                      progress: Callable[[int, int, Path], None] | None = None,
                      timeout: int = 600) -> list[Path]:
    """Execute ``notebooks`` in order into ``out_dir`` (same file names), in one kernel.

    Raises `NotebookExecutionError` naming the notebook, the cell and the
    exception when a cell fails; the partly executed notebook stays in ``out_dir``.
    """
    import papermill
    from jupyter_client import KernelManager
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    # IPC sockets (no TCP port open on the machine), in a short folder: a socket
    # path longer than 107 bytes is refused by the system.
    sockets = Path(tempfile.mkdtemp(prefix="lr-"))
    km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(sockets / "k"))
    km.start_kernel(cwd=str(out_dir))
    outputs: list[Path] = []
    try:
        for index, notebook in enumerate(notebooks, start=1):
            if progress:
                progress(index, len(notebooks), notebook)
            output = out_dir / notebook.name
            _reset(km)
            try:
                papermill.execute_notebook(
                    str(notebook), str(output), parameters=dict(parameters), kernel_name=KERNEL, km=km,
                    progress_bar=False, request_save_on_cell_execute=False, execution_timeout=timeout,
                )  # no cwd=: papermill would chdir the whole process, and builds run in threads
            except PapermillExecutionError as error:
                raise NotebookExecutionError(
                    notebook.name, _failed_cell(output), error.ename, error.evalue,
                    _ANSI.sub("", "\n".join(error.traceback)), str(output)) from None
            outputs.append(output)
    finally:
        km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return outputs


def _failed_cell(executed: Path) -> int | None:
    """The number (from 1) of the cell that raised, counted in the source notebook
    (cells papermill added, the injected parameters and its error banner, are skipped)."""
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    added = {"injected-parameters", "papermill-error-cell-tag"}
    own = [c for c in cells if not added & set(c.get("metadata", {}).get("tags", []))]
    for index, cell in enumerate(own, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def markdown_outputs(executed: Path) -> str:
    """The Markdown a chapter displayed, in cell order (code and other outputs left out)."""
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    parts: list[str] = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                parts.append("".join(text) if isinstance(text, list) else text)
    return "\n\n".join(parts)
