"""One exception family for the whole package, and the record of a finding in the data.

`LabelsReportError` is the root. Data errors carry `Issue` records that name
the file, sheet, row, column and value, and are shown to staff without a
traceback; anything that is not a `LabelsReportError` is a bug and keeps its
traceback. How an issue is worded for people is :mod:`labels_report.data.issues`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One finding about the input data, as a clerk needs to read it.

    ``row`` is the row number as the clerk sees it: the line number in the CSV
    file (the header is line 1) or the row number in the Excel sheet.
    ``code`` is a key of the message catalogue (``issue.<code>``); ``params``
    fill its placeholders (``expected``, ``limit`` ...).
    """

    severity: Severity
    code: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.severity != "error", self.file, self.sheet or "", self.row or 0, self.column or "")


class LabelsReportError(Exception):
    """Root of every error this package raises on purpose.

    An error people read has a ``code``, a key of the message catalogue under
    ``error.`` (``error.year_out_of_range``), and the ``params`` that fill it:
    the command words it in the user's language.
    """

    code = "unexpected"

    def __init__(self, code: str | None = None, **params: object):
        self.code = code or type(self).code
        self.params = params
        detail = ", ".join(f"{key}={value!r}" for key, value in params.items())
        super().__init__(f"{self.code} ({detail})" if detail else self.code)


class ProjectNotFoundError(LabelsReportError):
    """No report project (a folder holding ``_quarto.yml``) was found."""

    code = "project_not_found"


class ParameterError(LabelsReportError):
    """A build parameter (year, edition, language, engine ...) is not valid."""

    code = "parameter"


class OutputError(LabelsReportError):
    """The output folder cannot be written: not a folder, not writable, disk full, name too long."""

    code = "output"


class BuildInterrupted(LabelsReportError):
    """The build was interrupted (Ctrl-C, or the system asked it to stop): nothing was published."""

    code = "interrupted"


class DataError(LabelsReportError):
    """The input data hold errors; ``issues`` lists all of them (and warnings)."""

    code = "data"

    def __init__(self, issues: Sequence[Issue]):
        self.issues = tuple(sorted(issues, key=Issue.sort_key))
        errors = [i for i in self.issues if i.severity == "error"]
        super().__init__(errors=len(errors))

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")


class EngineUnavailableError(LabelsReportError):
    """The render engine asked for is not installed (or too old)."""

    code = "engine_unavailable"


class RenderError(LabelsReportError):
    """Pandoc, Typst or Quarto failed to render the report; ``detail`` is what the engine said."""

    code = "render_failed"

    def __init__(self, engine: str, message: str):
        super().__init__(engine=engine, detail=message)
        self.engine = engine
        self.detail = message


class NotebookExecutionError(LabelsReportError):
    """A chapter notebook failed: names the notebook, the cell and the exception.

    The partially executed notebook is kept at ``executed_path`` for debugging.
    """

    code = "chapter_failed"

    def __init__(self, notebook: str, cell_index: int | None, ename: str, evalue: str,
                 traceback: str, executed_path: str):
        super().__init__(notebook=notebook, cell=cell_index, ename=ename, evalue=evalue, path=executed_path)
        self.notebook = notebook
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
        self.executed_path = executed_path

    def __str__(self) -> str:
        cell = f"cell {self.cell_index}" if self.cell_index is not None else "a cell"
        return f"{self.notebook}, {cell}: {self.ename}: {self.evalue} (executed copy kept at {self.executed_path})"


class KernelDiedError(NotebookExecutionError):
    """The chapter kernel stopped while running a chapter (out of memory, killed)."""

    code = "kernel_died"


class ChapterTimeoutError(NotebookExecutionError):
    """A cell of a chapter ran longer than the time a chapter may take."""

    code = "chapter_timeout"
