"""The Quarto engine: ``quarto render`` on the executed chapters, the same report as the built-in engine.

Quarto renders, in the build folder, a Quarto project of its own made from the
report project (``_quarto.yml`` merged with the build's profiles):

* one notebook, ``<basename>.ipynb``, holding the Markdown the chapters
  displayed, chapter after chapter (what the built-in engine renders), so that
  the web page and the PDF are each one file, numbered through, as with the
  built-in engine (a Quarto book would make a site of pages, and a PDF whose
  first chapter is its index page);
* the project's ``format`` options, filters and templates (``report/`` is
  copied next to it, without the fonts: Typst's root is the build folder and
  the fonts reach it through ``labels-report-typst``), and the report's
  metadata (title, town, edition, date line, texts of the catalogue, colours),
  checked and computed as for the built-in engine
  (:func:`labels_report.publish.render.document_metadata`).

Quarto's Markdown is Pandoc's with shortcodes (``{{< include file >}}``,
``{{< env NAME >}}`` ...), which Quarto expands wherever it finds them, even in
code, attributes and metadata: a data string must not become one. The
chapters' Markdown goes to Quarto with every ``{{< ... >}}`` in Quarto's own
escape (``{{{< ... >}}}``, shown as written), and the report's metadata (the
town's name and address among them) goes beside Quarto, in a JSON file that
``quarto.lua`` reads once Quarto has read its own (Quarto would also format a
``date`` sentence as a calendar date, and draw a ``logo`` on every page).

When Quarto fails, the error is reduced to the lines that explain it; the
whole output is kept in the build folder (``quarto.log``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
import yaml

from labels_report.core.errors import EngineUnavailableError, RenderError
from labels_report.core.project import FONTS_FOLDER, REPORT_FOLDER
from labels_report.publish.render import RenderInput, document_metadata, pdf_font_paths
from labels_report.publish.typst_command import FONTS_VARIABLE, command_path
from labels_report.publish.typst_command import NAME as TYPST_NAME
from labels_report.publish.versions import quarto_problem

FORMATS = {"html": "html", "pdf": "typst"}
"""Our formats and Quarto's names for them."""
LOG = "quarto.log"
CONFIG = "_quarto.yml"
METADATA = "report-metadata.json"
"""The report's metadata, for quarto.lua (named in the staged _quarto.yml by ``labels-report-metadata``)."""
QUARTO_METADATA = ("title", "lang")
"""Metadata Quarto itself needs to know (neither holds data: the project's title and the year, a language tag)."""
_SHORTCODE = re.compile(r"\{\{<(.*?)>\}\}", re.DOTALL)
PROJECT_KEYS_LEFT_OUT = ("project", "book", "profile")
"""The book's own settings: the build renders one document, not the book."""
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Lines of Quarto's output that say what went wrong (the rest is progress, a dump of the
# Pandoc options and metadata, and stack traces): error and warning lines, Typst's hints,
# a Lua error's first line (file:line: message), Typst's file, line and source line,
# YAML validation's (line, column).
_EXPLAINS = re.compile(r"(?i)\berror\b|^WARN(ING)?\b|^\s*= hint:|^\S+\.lua:\d+: |^\s*┌─ \S+:\d+|^\s*\d+ │ |"
                       r"^\(line \d+, column \d+\)")
_NOISE = re.compile(r"^\s*(Stack trace:|at \S|\[C\]:)|:\d+: in (function|local|upvalue|field|method|main)\b")
MAX_LINES = 12

Progress = Callable[[str], None]


# The project Quarto renders --------------------------------------------------------------


def escape_shortcodes(markdown: str) -> str:
    """``markdown`` with every Quarto shortcode written in Quarto's escape, so that Quarto shows it as
    typed (Pandoc Markdown has no shortcodes; this Markdown is Pandoc's, as the built-in engine reads it)."""
    return _SHORTCODE.sub(r"{{{<\1>}}}", markdown)


def merged_notebook(chapters: Sequence[Path]) -> Any:
    """One notebook with the Markdown every chapter displayed, in order: one cell per output,
    no code (Quarto shows no code cell, and the chapters' code is not part of the report)."""
    cells = []
    for chapter in chapters:
        executed = nbformat.read(str(chapter), as_version=4)
        for cell in executed.cells:
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/markdown")
                if text is None:
                    continue
                cell_id = f"{chapter.stem}-{len(cells) + 1}"
                markdown = escape_shortcodes("".join(text) if isinstance(text, list) else text)
                cells.append(nbformat.v4.new_code_cell(source="", id=cell_id, outputs=[
                    nbformat.v4.new_output("display_data", data={"text/markdown": markdown})]))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def project_config(config: Mapping[str, Any], metadata: Mapping[str, Any], render_list: str,
                   project_root: Path, wanted: Sequence[str] = tuple(FORMATS)) -> dict[str, Any]:
    """The build folder's ``_quarto.yml``: the report project's options for the ``wanted`` formats
    (ours: ``html``, ``pdf``), one document, the report's metadata."""
    staged: dict[str, Any] = {key: value for key, value in config.items() if key not in PROJECT_KEYS_LEFT_OUT}
    staged["project"] = {"type": "default", "render": [render_list]}
    given = config.get("format") or {}
    formats: dict[str, dict[str, Any]] = {}
    for fmt in wanted:
        options = given.get(FORMATS[fmt])
        formats[FORMATS[fmt]] = dict(options) if isinstance(options, Mapping) else {}
    typst = formats.get("typst")
    if typst is not None:
        # Quarto reads an absolute path in a project as relative to the project: the fonts
        # reach Typst through labels-report-typst instead (font_folders).
        typst.pop("font-paths", None)
        if typst.get("number-sections") is False:
            typst["unnumbered-sections"] = True
        typst["keep-typ"] = True  # a Typst error names a line of it: it stays in the build folder
    staged["format"] = formats
    for key in QUARTO_METADATA:
        if key in metadata:
            staged[key] = metadata[key]
    staged["labels-report-metadata"] = METADATA
    return staged


def font_folders(config: Mapping[str, Any], project_root: Path) -> list[str]:
    """Where Typst finds fonts besides its own: the project's ``font-paths``, then the fonts of the
    wheels the built-in engine also uses (matplotlib's DejaVu Sans and LastResortHE)."""
    typst = (config.get("format") or {}).get("typst")
    given = typst.get("font-paths") if isinstance(typst, Mapping) else None
    folders = [str((project_root / path).resolve()) for path in given or []]
    for path in pdf_font_paths(project_root / REPORT_FOLDER):
        if path not in folders:
            folders.append(path)
    return folders


def stage(job_root: Path, build_dir: Path, chapters: Sequence[Path], config: Mapping[str, Any],
          doc: RenderInput, formats: Sequence[str] = tuple(FORMATS)) -> Path:
    """Write the Quarto project of this build into ``build_dir``, to render ``formats`` (in this
    order); returns the document to render."""
    metadata = document_metadata(doc)
    document = build_dir / f"{doc.basename}.ipynb"
    nbformat.write(merged_notebook(chapters), str(document))
    report = build_dir / REPORT_FOLDER
    if not report.exists():
        # The look, without the fonts (Typst reads them where they are: font-paths).
        shutil.copytree(job_root / REPORT_FOLDER, report, ignore=shutil.ignore_patterns(FONTS_FOLDER))
    staged = project_config(config, metadata, document.name, job_root, formats)
    (build_dir / METADATA).write_text(json.dumps(metadata, ensure_ascii=False, sort_keys=True), "utf-8")
    (build_dir / CONFIG).write_text(yaml.safe_dump(staged, allow_unicode=True, sort_keys=False), "utf-8")
    return document


# Running Quarto ------------------------------------------------------------------------------


def render(*, project_root: Path, build_dir: Path, chapters: Sequence[Path], config: Mapping[str, Any],
           doc: RenderInput, formats: Sequence[str], progress: Progress) -> dict[str, Path]:
    """Render ``formats`` (``html``, ``pdf``) with Quarto; returns the file of each, in ``build_dir``."""
    problem = quarto_problem()
    if problem is not None:
        code, params = problem
        raise EngineUnavailableError(code, engine="quarto", **params)
    document = stage(project_root, build_dir, chapters, config, doc, formats)
    typst = command_path()
    if typst is None:
        raise EngineUnavailableError("typst_command_missing", engine="quarto", command=TYPST_NAME)
    # Quarto compiles the PDF with the Typst of the built-in engine (QUARTO_TYPST is Quarto's
    # setting for another Typst): PDF/A-2b and PDF/UA-1 together, only the report's fonts.
    environment = {**os.environ, "QUARTO_TYPST": str(typst),
                   FONTS_VARIABLE: os.pathsep.join(font_folders(config, project_root))}
    if doc.source_date_epoch is not None:
        environment["SOURCE_DATE_EPOCH"] = str(doc.source_date_epoch)
    log = build_dir / LOG
    # One run renders every format of the staged project (one start of Quarto, not one per format).
    progress(" + ".join(fmt.upper() for fmt in formats))
    command = [shutil.which("quarto") or "quarto", "render", document.name]
    run = subprocess.run(command, cwd=build_dir, capture_output=True, text=True, check=False, env=environment)
    output = _ANSI.sub("", (run.stdout or "") + (run.stderr or ""))
    log.write_text(f"$ quarto render {document.name}\n{output}", encoding="utf-8")
    if run.returncode != 0:
        raise RenderError("quarto", explain(output, log))
    produced: dict[str, Path] = {}
    for fmt in formats:
        target = build_dir / f"{doc.basename}.{fmt}"
        if not target.is_file():
            raise RenderError("quarto", f"quarto render made no {target.name} (full log: {log})")
        produced[fmt] = target
    return produced


def explain(output: str, log: Path) -> str:
    """The lines of Quarto's output that explain a failure (error lines and the files they
    name), without progress, option dumps or stack traces; then where the whole log is."""
    lines = []
    for raw in output.splitlines():
        line = raw.rstrip()
        if not line.strip() or _NOISE.match(line):
            continue
        if _EXPLAINS.search(line):
            line = re.sub(r"^(ERROR|WARN(ING)?): ", "", line).strip()
            if line and line not in lines:
                lines.append(line)
    if not lines:  # nothing recognisable: the end of the output
        lines = [line.strip() for line in output.splitlines() if line.strip()][-MAX_LINES:]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], "..."]
    return "\n".join([*lines, f"(full log: {log})"])
