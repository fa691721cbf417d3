"""Render engines: a registry, so that adding one is adding an entry.

* ``pandoc``: the built-in engine, Pandoc (pypandoc-binary) and Typst (the
  ``typst`` package), both ordinary wheels.
* ``quarto``: ``quarto render`` on the same executed notebooks, for those who
  have Quarto installed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from labels_report.core.errors import EngineUnavailableError, ParameterError, RenderError
from labels_report.publish.render import RenderInput, render_html, render_pdf
from labels_report.publish.versions import engine_name, pandoc_version, quarto_version


@dataclass(frozen=True)
class RenderJob:
    """Everything an engine needs to turn executed chapters into documents."""

    project_root: Path
    build_dir: Path
    """Private to this build: executed notebooks, figures/, donnees/, Typst root."""
    chapters: Sequence[Path]
    """Executed notebooks in ``build_dir``, in the book's order (written only for an engine
    that reads them: ``Engine.needs_notebooks``)."""
    markdown: str
    """The chapters' Markdown outputs, joined."""
    config: Mapping[str, Any]
    """``_quarto.yml`` merged with the build's profiles."""
    metadata: Mapping[str, Any]
    """Title, subtitle, edition, date, lang ... (strings already Markdown-escaped)."""
    basename: str
    source_date_epoch: int | None = None


@dataclass(frozen=True)
class Engine:
    name: str
    available: Callable[[], bool]
    render: Callable[[RenderJob, Sequence[str], Callable[[str], None]], dict[str, Path]]
    version: Callable[[], str]
    needs_notebooks: bool = False
    """The engine reads the executed notebooks from the build folder (else only their Markdown)."""


def _pandoc_render(job: RenderJob, formats: Sequence[str], progress: Callable[[str], None]) -> dict[str, Path]:
    doc = RenderInput(build_dir=job.build_dir, markdown=job.markdown, metadata=dict(job.metadata),
                      basename=job.basename, source_date_epoch=job.source_date_epoch,
                      report_dir=job.project_root / "report", formats=dict(job.config.get("format") or {}))
    renderers = {"html": render_html, "pdf": render_pdf}

    def one(fmt: str) -> Path:
        progress(fmt.upper())
        return renderers[fmt](doc)

    # Pandoc runs as its own process and Typst outside the interpreter's lock: the
    # formats render side by side.
    with ThreadPoolExecutor(max_workers=len(formats) or 1) as pool:
        paths = list(pool.map(one, formats))
    return dict(zip(formats, paths, strict=True))


QUARTO_FORMATS = {"html": "html", "pdf": "typst"}


def _quarto_render(job: RenderJob, formats: Sequence[str], progress: Callable[[str], None]) -> dict[str, Path]:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise EngineUnavailableError("quarto_missing", engine="quarto")
    config = dict(job.config)
    book = dict(config.get("book", {}))
    book["chapters"] = ["index.qmd", *[c.name for c in job.chapters]]
    book["title"] = job.metadata.get("title", book.get("title"))
    config["book"] = book
    config["subtitle"] = job.metadata.get("subtitle", "")
    config["date"] = job.metadata.get("date", "")
    config["project"] = {**config.get("project", {}), "output-dir": "_book"}
    (job.build_dir / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    shutil.copy2(job.project_root / "index.qmd", job.build_dir / "index.qmd")
    if not (job.build_dir / "report").exists():
        shutil.copytree(job.project_root / "report", job.build_dir / "report")
    produced = {}
    for fmt in formats:
        progress(fmt.upper())
        run = subprocess.run([quarto, "render", str(job.build_dir), "--to", QUARTO_FORMATS[fmt]],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise RenderError("quarto", run.stderr.strip()[-4000:])
        suffix = ".pdf" if fmt == "pdf" else ".html"
        found = sorted((job.build_dir / "_book").rglob(f"*{suffix}"))
        if not found:
            raise RenderError("quarto", f"quarto render produced no {suffix} file")
        main = next((p for p in found if p.name == "index.html"), found[0])
        target = job.build_dir / f"{job.basename}{suffix}"
        shutil.copy2(main, target)
        produced[fmt] = target
    return produced


ENGINES: dict[str, Engine] = {
    "pandoc": Engine("pandoc", lambda: True, _pandoc_render, pandoc_version),
    "quarto": Engine("quarto", lambda: shutil.which("quarto") is not None, _quarto_render,
                     quarto_version, needs_notebooks=True),
}


def choose_engine(name: str) -> Engine:
    """``auto`` picks Quarto when it is on PATH, else the built-in engine."""
    name = engine_name(name)
    if name not in ENGINES:
        raise ParameterError("engine_unknown", value=name, expected=", ".join(["auto", *ENGINES]))
    engine = ENGINES[name]
    if not engine.available():
        raise EngineUnavailableError("quarto_missing" if name == "quarto" else "engine_missing", engine=name)
    return engine


__all__ = ["ENGINES", "Engine", "RenderJob", "choose_engine"]
