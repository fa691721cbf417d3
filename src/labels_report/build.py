"""One public function, `build`: validate, execute the chapters, render, publish.

Nothing is published unless everything succeeded: each report is produced in a
staging folder beside its destination and moved into place at the end; the
previous report stays intact until then. Each (edition, language) runs in its
own build folder and its own kernel, in parallel.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from labels_report.engines import Engine, RenderJob, choose_engine, manifest_versions
from labels_report.escape import md_text
from labels_report.execute import execute_notebooks, markdown_outputs
from labels_report.exports import report_tables, write_exports
from labels_report.i18n import catalogue
from labels_report.model import Dataset
from labels_report.params import EDITIONS, ReportParams
from labels_report.project import Project
from labels_report.report import Report

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    params: ReportParams
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def output_folder(out_root: Path, data: Dataset, params: ReportParams) -> Path:
    """``<out>/<town>/<year>/<edition>``; ``<edition>-<lang>`` for a language other than the town's own."""
    name = params.edition if params.lang == data.town.default_lang else f"{params.edition}-{params.lang}"
    return out_root / data.town.slug / str(params.year) / name


def basename(data: Dataset, params: ReportParams) -> str:
    return f"rapport-labels-{data.town.slug}-{params.year}"


def build(data_dir: Path | str, year: int, *, editions: Sequence[str] = ("conseil",),
          langs: Sequence[str] | None = None, engine: str = "auto", out: Path | str | None = None,
          project: Path | str | None = None, as_of: str | None = None, horizon_months: int = 24,
          progress: Progress | None = None) -> list[BuildResult]:
    """Build the report of ``year`` for each edition and language; returns what was published.

    Raises `DataError` (nothing written) when the data hold errors,
    `NotebookExecutionError` when a chapter fails, `RenderError` when an engine fails.
    """
    from labels_report.load import load_dataset
    from labels_report.params import parse_as_of

    say = _serialised(progress or (lambda _m: None))
    proj = Project.find(project)
    data_path = _resolve(data_dir, proj.root)
    out_root = _resolve(out or "_output", proj.root)
    chosen = choose_engine(engine)
    say(f"Reading and checking {data_path}")
    data = load_dataset(data_path)
    langs = list(langs or [data.town.default_lang])
    runs = [ReportParams(year=int(year), edition=e, lang=lang, as_of=parse_as_of(as_of),
                         horizon_months=horizon_months) for e in editions for lang in langs]
    workers = min(len(runs), max(1, (os.cpu_count() or 2)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build_one, proj, data, params, chosen, out_root, say) for params in runs]
        return [f.result() for f in futures]


def _serialised(progress: Progress) -> Progress:
    """``progress`` called from parallel builds, one whole message at a time."""
    lock = threading.Lock()

    def say(message: str) -> None:
        with lock:
            progress(message)

    return say


def _resolve(path: Path | str, root: Path) -> Path:
    """An absolute path as given; a relative one from the current folder when it exists
    there, else from the project's folder (so ``--data data/x`` works from any subfolder)."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path.resolve()
    return (root / path).resolve()


def build_one(proj: Project, data: Dataset, params: ReportParams, engine: Engine, out_root: Path,
              progress: Progress) -> BuildResult:
    """Build and publish one report (one edition, one language)."""
    tag = f"[{data.town.slug} {params.year} {params.edition} {params.lang}]"
    say = lambda message: progress(f"{tag} {message}")  # noqa: E731
    timings: dict[str, float] = {}
    started = time.perf_counter()
    config = proj.config(params.edition, params.lang)
    notebooks = [proj.root / c for c in proj.chapters(config)]
    run_id = uuid.uuid4().hex[:8]
    build_dir = out_root / ".build" / f"{data.town.slug}-{params.year}-{params.edition}-{params.lang}-{run_id}"
    staging = out_root / ".staging" / run_id
    build_dir.mkdir(parents=True)
    parameters = {"data_dir": data.data_dir, "year": params.year, "edition": params.edition, "lang": params.lang,
                  "as_of": params.reference_date.isoformat(), "horizon_months": params.horizon_months,
                  "output_dir": str(build_dir)}
    step = time.perf_counter()
    executed = execute_notebooks(
        notebooks, build_dir, parameters,
        progress=lambda i, n, nb: say(f"chapter {i}/{n}: {nb.stem}"))
    timings["execute"] = time.perf_counter() - step

    report = Report.from_dataset(data, params)
    name = basename(data, params)
    step = time.perf_counter()
    tables = report_tables(report)
    write_exports(tables, build_dir / "donnees", f"{name}-donnees.xlsx")
    timings["exports"] = time.perf_counter() - step

    job = RenderJob(project_root=proj.root, build_dir=build_dir, chapters=executed,
                    markdown="\n\n".join(markdown_outputs(p) for p in executed), config=config,
                    metadata=render_metadata(proj, data, report, config, tables, name),
                    basename=name, source_date_epoch=_source_date_epoch())
    copy_logo(data, build_dir)
    step = time.perf_counter()
    formats = EDITIONS[params.edition].formats
    produced = engine.render(job, formats, lambda fmt: say(f"rendering {fmt}"))
    timings["render"] = time.perf_counter() - step

    try:
        return _stage_and_publish(data, params, engine, out_root, build_dir, staging, produced, timings, started, say)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage_and_publish(data: Dataset, params: ReportParams, engine: Engine, out_root: Path, build_dir: Path,
                       staging: Path, produced: dict[str, Path], timings: dict[str, float], started: float,
                       say: Progress) -> BuildResult:
    staging.mkdir(parents=True)
    files: dict[str, Path] = {}
    for fmt, path in produced.items():
        files[fmt] = Path(shutil.copy2(path, staging / path.name))
    shutil.copytree(build_dir / "donnees", staging / "donnees")
    ics = build_dir / "echeances.ics"
    if ics.exists():
        files["ics"] = Path(shutil.copy2(ics, staging / ics.name))
    timings["total"] = time.perf_counter() - started
    manifest = {
        "parameters": {"data_dir": data.data_dir, **{k: v for k, v in asdict(params).items() if k != "as_of"},
                       "as_of": params.reference_date.isoformat()},
        "town": data.town.slug,
        "inputs": dict(sorted(data.sources.items())),
        "engine": engine.name,
        "versions": manifest_versions(engine),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "outputs": {p.relative_to(staging).as_posix(): _sha256(p)
                    for p in sorted(staging.rglob("*")) if p.is_file()},
        "warnings": len(data.warnings),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    destination = output_folder(out_root, data, params)
    publish(staging, destination)
    shutil.rmtree(build_dir, ignore_errors=True)
    published = {fmt: destination / path.name for fmt, path in files.items()}
    published["data"] = destination / "donnees"
    published["manifest"] = destination / "manifest.json"
    say(f"published {destination}")
    return BuildResult(params, destination, published, timings)


def publish(staging: Path, destination: Path) -> None:
    """Move ``staging`` to ``destination``, replacing an earlier report only now."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    previous = None
    if destination.exists():
        previous = destination.with_name(f".{destination.name}.previous-{uuid.uuid4().hex[:8]}")
        destination.rename(previous)
    staging.rename(destination)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def render_metadata(proj: Project, data: Dataset, report: Report, config: dict, tables: dict, name: str) -> dict:
    cat = catalogue(report.params.lang)
    town = data.town
    footer = " · ".join(part for part in (town.name, town.address, town.phone, town.website) if part)
    metadata: dict[str, object] = {
        "title": md_text(f"{config['book']['title']} {report.params.year}"),
        "subtitle": md_text(town.name),
        "edition": md_text(cat.text(f"edition.{report.params.edition}")),
        "date": md_text(cat.text("report.as_of", date=cat.date(report.params.reference_date))),
        "lang": report.params.lang,
        "toc-title": md_text(cat.text("report.toc")),
        "skip-label": md_text(cat.text("report.skip")),
        "page-label": md_text(cat.text("report.page")),
        "nav-label": md_text(cat.text("report.nav")),
        "downloads-title": md_text(cat.text("report.downloads")),
        "footer": md_text(footer),
        "downloads": [{"href": f"donnees/{t}.csv", "label": md_text(f"{t}.csv")} for t in tables]
        + [{"href": f"donnees/{name}-donnees.xlsx", "label": md_text(f"{name}-donnees.xlsx")}],
    }
    if town.accent_color:
        metadata["accent"] = town.accent_color
    if town.logo:
        target = Path("figures") / f"logo{Path(town.logo).suffix.lower()}"
        metadata["logo"] = target.as_posix()
    return metadata


def copy_logo(data: Dataset, build_dir: Path) -> None:
    if data.town.logo:
        source = Path(data.data_dir) / data.town.logo
        target = build_dir / "figures" / f"logo{source.suffix.lower()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
