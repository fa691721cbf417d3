"""Render engines: a registry, so that adding one is adding an entry.

* ``pandoc``: the built-in engine, Pandoc (pypandoc-binary) and Typst (the
  ``typst`` package), both ordinary wheels.
* ``quarto``: ``quarto render`` on the same executed notebooks, for those who
  have Quarto (1.9.18 or newer) installed: :mod:`labels_report.publish.quarto`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labels_report.core.errors import EngineUnavailableError, ParameterError
from labels_report.publish import quarto
from labels_report.publish.render import RenderInput, render_html, render_pdf
from labels_report.publish.versions import engine_name, pandoc_version, quarto_problem, quarto_too_old, quarto_version


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
    render: Callable[[RenderJob, Sequence[str], Callable[[str], None], bool], dict[str, Path]]
    """``render(job, formats, progress, side_by_side)``: the formats' files."""
    version: Callable[[], str]
    needs_notebooks: bool = False
    """The engine reads the executed notebooks from the build folder (else only their Markdown)."""


def _render_input(job: RenderJob) -> RenderInput:
    return RenderInput(build_dir=job.build_dir, markdown=job.markdown, metadata=dict(job.metadata),
                       basename=job.basename, source_date_epoch=job.source_date_epoch,
                       report_dir=job.project_root / "report", formats=dict(job.config.get("format") or {}))


def _pandoc_render(job: RenderJob, formats: Sequence[str], progress: Callable[[str], None],
                   side_by_side: bool = True) -> dict[str, Path]:
    doc = _render_input(job)
    renderers = {"html": render_html, "pdf": render_pdf}

    def one(fmt: str) -> Path:
        progress(fmt.upper())
        return renderers[fmt](doc)

    # Pandoc runs as its own process and Typst outside the interpreter's lock: the
    # formats render side by side (unless the caller keeps to one processor core).
    with ThreadPoolExecutor(max_workers=len(formats) if side_by_side and formats else 1) as pool:
        paths = list(pool.map(one, formats))
    return dict(zip(formats, paths, strict=True))


def _quarto_render(job: RenderJob, formats: Sequence[str], progress: Callable[[str], None],
                   side_by_side: bool = True) -> dict[str, Path]:
    return quarto.render(project_root=job.project_root, build_dir=job.build_dir, chapters=job.chapters,
                         config=job.config, doc=_render_input(job), formats=formats, progress=progress)


ENGINES: dict[str, Engine] = {
    "pandoc": Engine("pandoc", lambda: True, _pandoc_render, pandoc_version),
    "quarto": Engine("quarto", lambda: quarto_problem() is None, _quarto_render, quarto_version, needs_notebooks=True),
}


def choose_engine(name: str, notice: Callable[[str, Mapping[str, str]], None] | None = None) -> Engine:
    """``auto`` picks Quarto when a Quarto recent enough is on the PATH, else the built-in engine
    (``notice`` hears why, as a message code and its parameters, when a Quarto too old is there)."""
    too_old = quarto_too_old() if name == "auto" and notice is not None else None
    if too_old:
        notice("quarto_too_old", too_old)
    name = engine_name(name)
    if name not in ENGINES:
        raise ParameterError("engine_unknown", value=name, expected=", ".join(["auto", *ENGINES]))
    engine = ENGINES[name]
    if not engine.available():
        problem = quarto_problem() if name == "quarto" else None
        code, params = problem or ("engine_missing", {})
        raise EngineUnavailableError(code, engine=name, **params)
    return engine


__all__ = ["ENGINES", "Engine", "RenderJob", "choose_engine"]
