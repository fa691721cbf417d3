"""One public function, `build`: check, compute, execute the chapters, render, publish.

The order of one build, and why:

1. If every report asked for is already published from the same inputs
   (:mod:`labels_report.publish.manifest`), say so and stop.
2. Start the chapter kernels: they boot and import the package while the data
   are read and checked, in this process, once.
3. For each edition and language, in parallel (one warm kernel each): compute
   the report once (every table), hand it to the kernel, execute the chapter
   notebooks with papermill while the exports and the calendar are written from
   that same computation, then render with the chosen engine and assemble the
   report in a staging folder.
4. Publish every report only when all of them succeeded; an earlier report stays
   intact until then.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from labels_report.chapters.base import ICS_NAME
from labels_report.chapters.escape import md_text
from labels_report.core.files import sha256_file
from labels_report.core.i18n import catalogue
from labels_report.core.project import Project, resolve_path
from labels_report.data.dataset import Dataset
from labels_report.data.folder import fingerprint
from labels_report.data.load import load_dataset
from labels_report.model.compute import ComputedReport, compute, save
from labels_report.model.params import EDITIONS, ReportParams, parse_as_of
from labels_report.publish.calendar import write_ics
from labels_report.publish.engines import Engine, RenderJob, choose_engine
from labels_report.publish.execute import execute_chapters
from labels_report.publish.exports import source_date_epoch, write_exports
from labels_report.publish.kernel import ChapterKernel, kernels_for, start_kernels
from labels_report.publish.manifest import (
    MANIFEST,
    ReportId,
    build_key,
    output_folder,
    unchanged_reports,
    up_to_date,
)
from labels_report.publish.publication import BUILDS, STAGING, publish_all
from labels_report.publish.versions import engine_name, recorded_versions

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    params: ReportParams
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    """Nothing was done: the report published there was built from the same inputs."""


def basename(town: str, year: int) -> str:
    return f"rapport-labels-{town}-{year}"


def build(data_dir: Path | str, year: int, *, editions: Sequence[str] = ("conseil",),
          langs: Sequence[str] | None = None, engine: str = "auto", out: Path | str | None = None,
          project: Path | str | None = None, as_of: str | dt.date | None = None, horizon_months: int = 24,
          progress: Progress | None = None, force: bool = False, keep_notebooks: bool = False,
          kernels: Sequence[ChapterKernel] | None = None) -> list[BuildResult]:
    """Build the report of ``year`` for each edition and language, and publish them all, or none.

    A report whose inputs are those of the one already published is not built
    again (``force=True`` rebuilds). ``kernels``: chapter kernels already started
    (:func:`~labels_report.publish.kernel.start_kernels`), which the build stops
    as soon as it no longer needs them; by default it starts its own. Raises `DataError` (nothing written)
    when the data hold errors, `NotebookExecutionError` when a chapter fails,
    `RenderError` when an engine fails; nothing is published then.
    """
    say = _serialised(progress or (lambda _message: None))
    proj = Project.find(project)
    data_path = resolve_path(data_dir, proj.root)
    out_root = resolve_path(out or "_output", proj.root)
    chosen = choose_engine(engine, notice=say)
    reference = parse_as_of(as_of)
    for edition in editions:  # parameters are checked before anything is read or started
        for lang in langs or ["fr"]:
            ReportParams(year=int(year), edition=edition, lang=lang, as_of=reference, horizon_months=horizon_months)
    if not force:
        folders = unchanged_reports(project=proj, data_dir=data_path, out_root=out_root, year=int(year),
                                    editions=editions, langs=langs, as_of=reference, horizon_months=horizon_months,
                                    engine=engine_name(engine))
        if folders is not None:
            return [_unchanged(folder, say) for folder in folders]

    (out_root / BUILDS).mkdir(parents=True, exist_ok=True)
    if not kernels:
        kernels = start_kernels(kernels_for(len(editions) * (len(langs) if langs else 1)), proj.root, proj.fonts_dir)
    try:
        say(f"Reading and checking {data_path}")
        data = load_dataset(data_path)
        digest = fingerprint(data_path)
        runs = [ReportParams(year=int(year), edition=e, lang=lang, as_of=reference, horizon_months=horizon_months)
                for e in editions for lang in (langs or [data.town.default_lang])]
        free: queue.Queue[ChapterKernel] = queue.Queue()
        for kernel in kernels:
            free.put(kernel)
        context = _Context(proj, data, digest, chosen, out_root, say, force, keep_notebooks, _Countdown(len(runs)))
        with ThreadPoolExecutor(max_workers=len(kernels)) as pool:
            futures = [pool.submit(_with_kernel, free, context, params) for params in runs]
            outcomes = [(f.result() if f.exception() is None else f.exception()) for f in futures]
        done = [o for o in outcomes if not isinstance(o, BaseException)]
        staged = [d for d in done if isinstance(d, _Staged)]
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if failures:
            # All or nothing: the reports that were ready are not published either.
            for item in staged:
                shutil.rmtree(item.staging, ignore_errors=True)
                shutil.rmtree(item.build_dir, ignore_errors=True)
            raise failures[0]
        publish_all([(s.staging, s.destination) for s in staged])
        results = []
        for item in done:
            if isinstance(item, _Staged):
                shutil.rmtree(item.build_dir, ignore_errors=True)
                say(f"published {item.destination}")
                results.append(item.result)
            else:
                results.append(item)
        return results
    finally:
        for kernel in kernels:
            kernel.shutdown()
        _remove_empty(out_root / STAGING)


@dataclass(frozen=True)
class _Context:
    project: Project
    data: Dataset
    digest: str
    engine: Engine
    out_root: Path
    say: Progress
    force: bool
    keep_notebooks: bool
    waiting: _Countdown
    """Runs not started yet: a kernel that finishes its chapters when none is left is stopped."""


class _Countdown:
    def __init__(self, count: int):
        self._count = count
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            self._count -= 1

    def empty(self) -> bool:
        with self._lock:
            return self._count <= 0


@dataclass(frozen=True)
class _Staged:
    staging: Path
    destination: Path
    build_dir: Path
    result: BuildResult


def _with_kernel(free: queue.Queue[ChapterKernel], context: _Context, params: ReportParams) -> _Staged | BuildResult:
    kernel = free.get()
    context.waiting.take()
    try:
        return build_one(context, params, kernel)
    finally:
        free.put(kernel)


def _serialised(progress: Progress) -> Progress:
    """``progress`` called from parallel builds, one whole message at a time."""
    lock = threading.Lock()

    def say(message: str) -> None:
        with lock:
            progress(message)

    return say


def _unchanged(folder: Path, say: Progress) -> BuildResult:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    p = manifest["parameters"]
    params = ReportParams(year=int(p["year"]), edition=p["edition"], lang=p["lang"],
                          as_of=dt.date.fromisoformat(p["as_of"]), horizon_months=int(p["horizon_months"]))
    say(f"up to date, nothing to do: {folder}")
    return BuildResult(params, folder, _published_files(folder, manifest), {}, unchanged=True)


def _published_files(folder: Path, manifest: dict) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for name in manifest.get("outputs", {}):
        suffix = Path(name).suffix.lstrip(".")
        if "/" not in name and suffix in ("pdf", "html", "ics"):
            files[suffix] = folder / name
    files["data"] = folder / "donnees"
    files["manifest"] = folder / MANIFEST
    return files


def build_one(context: _Context, params: ReportParams, kernel: ChapterKernel) -> _Staged | BuildResult:
    """Build one report (one edition, one language) into a staging folder, ready to publish."""
    data, say = context.data, context.say
    town = data.town
    tag = f"[{town.slug} {params.year} {params.edition} {params.lang}]"

    def tell(message: str) -> None:
        say(f"{tag} {message}")

    timings: dict[str, float] = {}
    started = time.perf_counter()
    proj = context.project
    config = proj.config(params.edition, params.lang)
    report_id = ReportId(params.year, params.edition, params.lang, params.reference_date, params.horizon_months)
    destination = output_folder(context.out_root, town.slug, report_id, town.default_lang)
    key = build_key(project=proj, config=config, report=report_id, data_digest=context.digest,
                    engine=context.engine.name)
    if not context.force and up_to_date(destination, key):
        return _unchanged(destination, say)

    run_id = uuid.uuid4().hex[:8]
    build_dir = context.out_root / BUILDS / f"{town.slug}-{params.year}-{params.edition}-{params.lang}-{run_id}"
    build_dir.mkdir(parents=True)
    step = time.perf_counter()
    computed = compute(data, params, context.digest)
    timings["compute"] = time.perf_counter() - step
    handover = save(computed, build_dir / ".report.pickle")
    name = basename(town.slug, params.year)
    try:
        kernel.prime(handover)
    finally:
        handover.unlink(missing_ok=True)

    # The exports and the calendar come from the same computation as the chapters, and
    # are written while the kernel executes them.
    with ThreadPoolExecutor(max_workers=1) as side:
        exports = side.submit(_write_files, computed, build_dir, name)
        step = time.perf_counter()
        parameters = {"data_dir": data.data_dir, "year": params.year, "edition": params.edition,
                      "lang": params.lang, "as_of": params.reference_date.isoformat(),
                      "horizon_months": params.horizon_months, "output_dir": str(build_dir)}
        notebooks = [proj.root / c for c in proj.chapters(config)]
        executed = execute_chapters(kernel, notebooks, parameters, keep=build_dir,
                                    progress=lambda i, n, nb: tell(f"chapter {i}/{n}: {nb.stem}"))
        timings["execute"] = time.perf_counter() - step
        if context.waiting.empty():
            kernel.release()  # its last chapters are done: it stops while the report renders
        exports.result()
    chapters = [chapter.write(build_dir) for chapter in executed] \
        if context.engine.needs_notebooks or context.keep_notebooks else []

    job = RenderJob(project_root=proj.root, build_dir=build_dir, chapters=chapters,
                    markdown="\n\n".join(chapter.markdown() for chapter in executed), config=config,
                    metadata=render_metadata(computed, config, name), basename=name,
                    source_date_epoch=source_date_epoch())
    copy_logo(data, build_dir)
    step = time.perf_counter()
    produced = context.engine.render(job, EDITIONS[params.edition].formats, lambda fmt: tell(f"rendering {fmt}"))
    timings["render"] = time.perf_counter() - step

    staging = context.out_root / STAGING / run_id
    staging.mkdir(parents=True)
    files: dict[str, Path] = {}
    for fmt, path in produced.items():
        files[fmt] = Path(shutil.copy2(path, staging / path.name))
    shutil.copytree(build_dir / "donnees", staging / "donnees")
    files["ics"] = Path(shutil.copy2(build_dir / ICS_NAME, staging / ICS_NAME))
    timings["total"] = time.perf_counter() - started
    manifest = {
        "parameters": {"data": Path(data.data_dir).name, **report_id.parameters()},
        "town": town.slug,
        "town_lang": town.default_lang,
        "build_key": key,
        "data_fingerprint": context.digest,
        "inputs": dict(sorted(data.sources.items())),
        "engine": context.engine.name,
        "versions": recorded_versions(context.engine.name),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "outputs": {p.relative_to(staging).as_posix(): sha256_file(p)
                    for p in sorted(staging.rglob("*")) if p.is_file()},
        "warnings": len(data.warnings),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    published = {fmt: destination / path.name for fmt, path in files.items()}
    published["data"] = destination / "donnees"
    published["manifest"] = destination / MANIFEST
    return _Staged(staging, destination, build_dir, BuildResult(params, destination, published, timings))


def _write_files(computed: ComputedReport, build_dir: Path, name: str) -> None:
    write_exports(computed.tables, build_dir / "donnees", f"{name}-donnees.xlsx")
    write_ics(computed.report, build_dir / ICS_NAME)


def render_metadata(computed: ComputedReport, config: dict, name: str) -> dict:
    report = computed.report
    cat = catalogue(report.params.lang)
    town = report.data.town
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
        "downloads": [{"href": f"donnees/{t}.csv", "label": md_text(f"{t}.csv")} for t in computed.tables]
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


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
