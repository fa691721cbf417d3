"""Running the chapter notebooks with papermill, in a warm kernel.

papermill parameterises and executes each chapter notebook; its engine
``labels-report`` (:class:`SharedKernelEngine`) runs it through the
:class:`~labels_report.publish.kernel.ChapterKernel`'s own client instead of
opening (and waiting for) a new one per notebook.

Executed notebooks are kept in memory; they are written to disk only when a
render engine needs them, when asked, or when a chapter fails (the partly
executed notebook is what its maintainer needs).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from labels_report.core.errors import BuildInterrupted, ChapterTimeoutError, KernelDiedError, NotebookExecutionError
from labels_report.publish.kernel import KERNEL, RESET, STARTUP_TIMEOUT, ChapterKernel

ENGINE = "labels-report"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_logger = logging.getLogger("labels_report.execute")

Progress = Callable[[int, int, Path], None]


def execute_chapters(kernel: ChapterKernel, notebooks: Sequence[Path], parameters: Mapping[str, object], *,
                     keep: Path, progress: Progress | None = None, timeout: int = 600) -> list[ExecutedChapter]:
    """Execute ``notebooks`` in order with ``parameters``, one after the other.

    Raises `NotebookExecutionError` naming the notebook, the cell and the
    exception when a cell fails; the partly executed notebook is written to ``keep``.
    """
    kernel.wait()
    try:
        return _execute(kernel, notebooks, parameters, keep, progress, timeout)
    finally:
        _close_thread_loop()


def _execute(kernel: ChapterKernel, notebooks: Sequence[Path], parameters: Mapping[str, object], keep: Path,
             progress: Progress | None, timeout: int) -> list[ExecutedChapter]:
    executed = []
    for index, notebook in enumerate(notebooks, start=1):
        if progress:
            progress(index, len(notebooks), notebook)
        kernel.run(RESET)
        try:
            node = papermill.execute_notebook(
                _source(notebook), None, parameters=dict(parameters), engine_name=ENGINE, kernel_name=KERNEL,
                progress_bar=False, request_save_on_cell_execute=False, execution_timeout=timeout,
                kernel=kernel)  # no cwd=: papermill would chdir the whole process, and builds run in threads
        except PapermillExecutionError as error:
            kept = _keep(kernel, keep, notebook)
            raise NotebookExecutionError(
                notebook.name, _failed_cell(kernel.last_notebook), error.ename, error.evalue,
                _ANSI.sub("", "\n".join(error.traceback)), str(kept)) from None
        except DeadKernelError:
            if kernel.stopping:  # stopped by an interrupted build: nothing to keep
                raise BuildInterrupted() from None
            kept = _keep(kernel, keep, notebook)
            raise KernelDiedError(notebook.name, _running_cell(kernel.last_notebook), "DeadKernelError",
                                  "the kernel died", "", str(kept)) from None
        except CellTimeoutError as error:
            kept = _keep(kernel, keep, notebook)
            raise ChapterTimeoutError(notebook.name, _running_cell(kernel.last_notebook), "CellTimeoutError",
                                      str(error).splitlines()[0] if str(error) else "", "", str(kept)) from None
        executed.append(ExecutedChapter(notebook.name, node))
    return executed


def _close_thread_loop() -> None:
    """Close the event loop papermill's notebook client made in this thread (a build's thread):
    left to the garbage collector, a loop whose chapter was interrupted may fail to close at
    the command's exit, and print a traceback."""
    if threading.current_thread() is threading.main_thread():
        return  # the command's own loop, if any, is not this module's
    with contextlib.suppress(RuntimeError):  # no loop in this thread
        loop = asyncio.get_event_loop_policy().get_event_loop()
        if not loop.is_running() and not loop.is_closed():
            loop.close()


def _keep(kernel: ChapterKernel, folder: Path, notebook: Path) -> Path:
    """Write the notebook as far as it ran, for whoever maintains the chapter."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / notebook.name
    if kernel.last_notebook is not None:
        nbformat.write(kernel.last_notebook, str(kept))
    return kept


def _running_cell(notebook: Any) -> int | None:
    """The number (from 1, in the source notebook) of the first of its cells that did not finish."""
    if notebook is None:
        return None
    added = {"injected-parameters", "papermill-error-cell-tag"}
    own = [c for c in notebook["cells"] if not added & set(c.get("metadata", {}).get("tags", []))]
    for index, cell in enumerate(own, start=1):
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.get("cell_type") == "code" and status != "completed":
            return index
    return None


_SOURCES: dict[tuple[str, int, int], Any] = {}


def _source(notebook: Path) -> Any:
    """The notebook as a node, read once while the file is unchanged (papermill copies it)."""
    stat = notebook.stat()
    key = (str(notebook.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _SOURCES:
        _SOURCES[key] = nbformat.read(str(notebook), as_version=4)
    return _SOURCES[key]


class SharedKernelEngine(Engine):
    """A papermill engine that runs the notebook through a :class:`ChapterKernel`'s own client
    instead of opening (and waiting for) a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, *, kernel: ChapterKernel,
                                 execution_timeout: int | None = None, log_output: bool = False,
                                 **_ignored: object) -> Any:
        kernel.last_notebook = nb_man.nb
        client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=execution_timeout,
                                         startup_timeout=STARTUP_TIMEOUT, kernel_name=kernel_name, log=_logger,
                                         log_output=log_output)
        with kernel.executing() as kc:
            client.kc = kc
            return client.execute()


papermill_engines.register(ENGINE, SharedKernelEngine)


@dataclass(frozen=True)
class ExecutedChapter:
    name: str
    """The chapter notebook's file name."""
    notebook: Any
    """The executed notebook (``nbformat.NotebookNode``)."""

    def markdown(self) -> str:
        return markdown_outputs(self.notebook)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.name
        nbformat.write(self.notebook, str(path))
        return path


def _failed_cell(notebook: Any) -> int | None:
    """The number (from 1) of the cell that raised, counted in the source notebook
    (cells papermill added, the injected parameters and its error banner, are skipped)."""
    if notebook is None:
        return None
    added = {"injected-parameters", "papermill-error-cell-tag"}
    own = [c for c in notebook["cells"] if not added & set(c.get("metadata", {}).get("tags", []))]
    for index, cell in enumerate(own, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return None


def markdown_outputs(executed: Any) -> str:
    """The Markdown a chapter displayed, in cell order (code and other outputs left out).
    ``executed`` is a notebook node or the path of an executed notebook."""
    notebook = json.loads(Path(executed).read_text(encoding="utf-8")) if isinstance(executed, (str, Path)) \
        else executed
    parts: list[str] = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                parts.append("".join(text) if isinstance(text, list) else text)
    return "\n\n".join(parts)


def execute_notebooks(notebooks: Sequence[Path], out_dir: Path, parameters: Mapping[str, object],
                      progress: Progress | None = None, timeout: int = 600) -> list[Path]:
    """Execute ``notebooks`` in order into ``out_dir`` (same file names), in one fresh kernel.

    Raises `NotebookExecutionError` naming the notebook, the cell and the
    exception when a cell fails; the partly executed notebook stays in ``out_dir``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with ChapterKernel(out_dir).start() as kernel:
        executed = execute_chapters(kernel, notebooks, parameters, keep=out_dir, progress=progress, timeout=timeout)
    return [chapter.write(out_dir) for chapter in executed]
