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

import contextlib
import datetime as dt
import errno
import json
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from labels_report.chapters.base import ICS_NAME
from labels_report.chapters.escape import md_text
from labels_report.chapters.titles import chapter_title
from labels_report.core.files import sha256_file
from labels_report.core.i18n import Catalogue, catalogue
from labels_report.core.project import Project, resolve_path
from labels_report.data.dataset import Dataset
from labels_report.core.errors import BuildInterrupted, NotebookExecutionError, OutputError
from labels_report.data.folder import MAX_LOGO_BYTES, DataFolder, fingerprint
from labels_report.data.load import load_dataset
from labels_report.model.compute import ComputedReport, compute, save
from labels_report.model.params import EDITIONS, ReportParams, parse_as_of
from labels_report.model.quality import warning_count
from labels_report.model.report import staff_issues
from labels_report.model.years import report_year, require_data
from labels_report.publish.calendar import write_ics
from labels_report.publish.control import write_control
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
from labels_report.publish.publication import (
    BUILDS,
    LOCKS,
    STAGING,
    keep_failure,
    private_name,
    publish_all,
    remove_abandoned,
    remove_if_empty,
)
from labels_report.publish.versions import engine_name, recorded_versions

Progress = Callable[[str], None]
Steps = Callable[[int, int], None]
"""Told (steps done, steps in all) as the build's long work advances: each chapter executed and
each format rendered, for every report. Enough to draw a bar and tell the time left."""


@dataclass(frozen=True)
class BuildResult:
    params: ReportParams
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    """Nothing was done: the report published there was built from the same inputs."""
    warnings: int = 0
    """How many warnings about the data ``labels-report check`` lists for this report's year."""


def basename(town: str, year: int) -> str:
    return f"rapport-labels-{town}-{year}"


def build(data_dir: Path | str, year: int | None = None, *, editions: Sequence[str] = ("conseil",),
          langs: Sequence[str] | None = None, engine: str = "auto", out: Path | str | None = None,
          project: Path | str | None = None, as_of: str | dt.date | None = None, horizon_months: int = 24,
          progress: Progress | None = None, force: bool = False, keep_notebooks: bool = False,
          kernels: Sequence[ChapterKernel] | None = None, keep_kernels: bool = False, messages: str = "fr",
          steps: Steps | None = None, side_by_side: bool = True) -> list[BuildResult]:
    """Build the report of ``year`` for each edition and language, and publish them all, or none.

    Without ``year``, the report is about the last year that has ended and has
    data (:func:`~labels_report.model.years.report_year`), and ``progress`` says
    which; a year with no data at all is refused (`ParameterError`). A report
    whose inputs are those of the one already published is not built again
    (``force=True`` rebuilds). ``kernels``: chapter kernels already started
    (:func:`~labels_report.publish.kernel.start_kernels`), which the build stops
    as soon as it no longer needs them; by default it starts its own. ``keep_kernels=True``:
    the kernels given belong to the caller, who reuses them for other reports (a batch's
    worker keeps one warm kernel across towns): the build leaves them running, and only
    stops them when it is interrupted. ``messages``: the language of the progress messages;
    ``steps``: told how far the long work has gone. ``side_by_side=False``: one thing at a
    time, on one processor core (the formats render one after the other, the exports are
    written after the chapters): a batch's worker, whose parallelism is the batch's workers.

    Raises `DataError` (nothing written) when the data hold errors,
    `NotebookExecutionError` when a chapter fails, `RenderError` when an engine
    fails, `OutputError` when the output cannot be written, `BuildInterrupted`
    on Ctrl-C; in every case nothing is published, reports published earlier
    stay as they were, and the build's own folders are removed (but the failing
    chapter's notebook, kept under ``.failed/``).
    """
    say = _serialised(progress or (lambda _message: None))
    words = catalogue(messages)
    proj = Project.find(project)
    data_path = resolve_path(data_dir, proj.root)
    out_root = resolve_path(out or "_output", proj.root)
    chosen = choose_engine(engine, notice=lambda code, params: say(words.text(f"progress.{code}", **params)))
    reference = parse_as_of(as_of)

    def settled(report_year: int) -> list[BuildResult] | None:
        """Check the parameters before anything is started; the published reports when they are up to date."""
        for edition in editions:
            for lang in langs or ["fr"]:
                ReportParams(year=report_year, edition=edition, lang=lang, as_of=reference,
                             horizon_months=horizon_months)
        if force:
            return None
        folders = unchanged_reports(project=proj, data_dir=data_path, out_root=out_root, year=report_year,
                                    editions=editions, langs=langs, as_of=reference, horizon_months=horizon_months,
                                    engine=engine_name(engine))
        if folders is None:
            return None
        remove_abandoned(out_root)
        return [_unchanged(folder, say, words) for folder in folders]

    if year is not None:
        done = settled(int(year))
        if done is not None:
            return done

    prepare_output(out_root)
    if not kernels:
        kernels, keep_kernels = start_kernels(kernels_for(len(editions) * (len(langs) if langs else 1)), proj.root,
                                              proj.fonts_dir), False
    try:
        say(words.text("progress.reading", folder=data_path))
        data = load_dataset(data_path)
        if year is None:
            year = report_year(data, dt.date.today())
            say(words.text("progress.year_chosen", year=year))
            done = settled(year)
            if done is not None:
                return done
        else:
            require_data(data, int(year))
        digest = fingerprint(data_path)
        runs = [ReportParams(year=int(year), edition=e, lang=lang, as_of=reference, horizon_months=horizon_months)
                for e in editions for lang in (langs or [data.town.default_lang])]
        with _locked(out_root, data.town.slug, int(year), say, words), _output_errors(out_root):
            remove_abandoned(out_root)
            return _build_runs(proj, data, digest, chosen, out_root, runs, kernels, say, words, force,
                               keep_notebooks, steps, keep_kernels, side_by_side)
    finally:
        if not keep_kernels:
            for kernel in kernels:
                kernel.shutdown()
        remove_if_empty(out_root / STAGING)
        remove_if_empty(out_root / BUILDS)


def prepare_output(out_root: Path) -> None:
    """Make the output folder (and its private folders), or say in one sentence why it cannot be."""
    if out_root.exists() and not out_root.is_dir():
        raise OutputError("output_not_a_folder", path=str(out_root))
    try:
        (out_root / BUILDS).mkdir(parents=True, exist_ok=True)
        # The probe is not made in .build/: another build ending at that moment may remove it.
        probe = out_root / f".write-{private_name(uuid.uuid4().hex[:8])}"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise _output_error(error, out_root) from None


def _output_error(error: OSError, path: Path | str) -> OutputError:
    where = str(error.filename or path)
    if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
        return OutputError("disk_full", path=where)
    if error.errno == errno.ENAMETOOLONG:
        return OutputError("name_too_long", path=where)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("output_not_writable", path=where, reason=error.strerror or "")
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return OutputError("output_not_a_folder", path=where)
    return OutputError("output_failed", path=where, reason=error.strerror or type(error).__name__)


@contextlib.contextmanager
def _output_errors(out_root: Path) -> Iterator[None]:
    """An error of the file system while building (disk full, a name too long) is one sentence."""
    try:
        yield
    except OSError as error:
        raise _output_error(error, out_root) from None


@contextlib.contextmanager
def _locked(out_root: Path, town: str, year: int, say: Progress, words: Catalogue) -> Iterator[None]:
    """One build at a time of a town's reports for a year: a second one waits, and says so."""
    folder = out_root / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / f"{town}-{year}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(words.text("build.waiting"))
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _build_runs(proj: Project, data: Dataset, digest: str, engine: Engine, out_root: Path,
                runs: list[ReportParams], kernels: Sequence[ChapterKernel], say: Progress, words: Catalogue,
                force: bool, keep_notebooks: bool, steps: Steps | None = None,
                keep_kernels: bool = False, side_by_side: bool = True) -> list[BuildResult]:
    """Every run, side by side on the kernels; published together, or not at all."""
    free: queue.Queue[ChapterKernel] = queue.Queue()
    for kernel in kernels:
        free.put(kernel)
    cancel = threading.Event()
    total = sum(len(proj.chapters(proj.config(p.edition, p.lang))) + len(EDITIONS[p.edition].formats) for p in runs)
    context = _Context(proj, data, digest, engine, out_root, say, words, force, keep_notebooks,
                       _Countdown(len(runs)), cancel, _Steps(total, steps), several=len(runs) > 1,
                       warnings=warning_count(data, runs[0]), keep_kernels=keep_kernels, side_by_side=side_by_side)
    pool = ThreadPoolExecutor(max_workers=len(kernels))
    futures = [pool.submit(_with_kernel, free, context, params) for params in runs]
    try:
        wait(futures)
    except BaseException:
        # Ctrl-C (or a request to stop): the kernels are stopped at once, so that the runs end
        # quickly; nothing they made is published.
        cancel.set()
        for kernel in kernels:
            kernel.release()
        pool.shutdown(wait=True, cancel_futures=True)
        _discard(futures)
        raise BuildInterrupted() from None
    pool.shutdown(wait=True)
    failures = [f.exception() for f in futures if f.exception() is not None]
    if failures:
        # All or nothing: the reports that were ready are not published either.
        _discard(futures)
        raise failures[0]
    outcomes = [f.result() for f in futures]
    staged = [item for item in outcomes if isinstance(item, _Staged)]
    try:
        publish_all([(item.staging, item.destination) for item in staged])
    except BaseException:
        _discard(futures)
        raise
    if staged:
        write_staff_control(data, runs[0], out_root)
    results = []
    for item in outcomes:
        if isinstance(item, _Staged):
            shutil.rmtree(item.build_dir, ignore_errors=True)
            say(words.text("progress.published", folder=item.destination))
            results.append(item.result)
        else:
            results.append(item)
    return results


def _discard(futures: Sequence[Future]) -> None:
    """Remove what the runs that succeeded staged: nothing of this build is published."""
    for future in futures:
        if future.done() and not future.cancelled() and future.exception() is None:
            item = future.result()
            if isinstance(item, _Staged):
                shutil.rmtree(item.staging, ignore_errors=True)
                shutil.rmtree(item.build_dir, ignore_errors=True)


@dataclass(frozen=True)
class _Context:
    project: Project
    data: Dataset
    digest: str
    engine: Engine
    out_root: Path
    say: Progress
    words: Catalogue
    """The catalogue of the progress messages' language."""
    force: bool
    keep_notebooks: bool
    waiting: _Countdown
    """Runs not started yet: a kernel that finishes its chapters when none is left is stopped."""
    cancel: threading.Event
    """Set when the build is interrupted: runs stop at their next step."""
    steps: _Steps
    several: bool = False
    """Several reports are built side by side: each progress line says which."""
    warnings: int = 0
    """Warnings about the data for the reports' year (``labels-report check`` lists them)."""
    keep_kernels: bool = False
    """The kernels belong to the caller: a kernel that has run its last chapters is not stopped."""
    side_by_side: bool = True
    """Exports written while the chapters execute, formats rendered side by side (else one at a time)."""


class _Steps:
    """Steps done out of all the build's steps, told to ``report`` as they are done (from several threads)."""

    def __init__(self, total: int, report: Steps | None):
        self.total, self.done = total, 0
        self._report = report
        self._lock = threading.Lock()
        if report:
            report(0, total)

    def advance(self) -> None:
        with self._lock:
            self.done = min(self.done + 1, self.total)
            if self._report:
                self._report(self.done, self.total)


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
        if context.cancel.is_set():
            raise BuildInterrupted()
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


def _unchanged(folder: Path, say: Progress, words: Catalogue) -> BuildResult:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    p = manifest["parameters"]
    params = ReportParams(year=int(p["year"]), edition=p["edition"], lang=p["lang"],
                          as_of=dt.date.fromisoformat(p["as_of"]), horizon_months=int(p["horizon_months"]))
    say(words.text("progress.unchanged", folder=folder))
    return BuildResult(params, folder, _published_files(folder, manifest), {}, unchanged=True,
                       warnings=int(manifest.get("warnings", 0)))


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

    def tell(message: str) -> None:
        if context.several:
            message = context.words.text("progress.run", edition=params.edition, lang=params.lang, message=message)
        say(message)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    proj = context.project
    config = proj.config(params.edition, params.lang)
    report_id = ReportId(params.year, params.edition, params.lang, params.reference_date, params.horizon_months)
    destination = output_folder(context.out_root, town.slug, report_id, town.default_lang)
    key = build_key(project=proj, config=config, report=report_id, data_digest=context.digest,
                    engine=context.engine.name)
    if not context.force and up_to_date(destination, key):
        for _ in range(len(proj.chapters(config)) + len(EDITIONS[params.edition].formats)):
            context.steps.advance()
        return _unchanged(destination, say, context.words)

    private = private_name(uuid.uuid4().hex[:8])
    build_dir = context.out_root / BUILDS / private
    staging = context.out_root / STAGING / private
    build_dir.mkdir(parents=True)
    try:
        staged = _assemble(context, params, kernel, config, report_id, destination, key, build_dir, staging, tell,
                           timings, started)
        if context.cancel.is_set():
            raise BuildInterrupted()
        return staged
    except BaseException as error:
        # Of a failed run, only what helps its maintainer stays: the failing chapter's notebook.
        if isinstance(error, NotebookExecutionError) and Path(error.executed_path).is_file():
            error.executed_path = str(keep_failure(context.out_root, Path(error.executed_path)))
            error.params["path"] = error.executed_path
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(build_dir, ignore_errors=True)
        raise


def _assemble(context: _Context, params: ReportParams, kernel: ChapterKernel, config: dict, report_id: ReportId,
              destination: Path, key: str, build_dir: Path, staging: Path, tell: Progress,
              timings: dict[str, float], started: float) -> _Staged:
    data, proj, town = context.data, context.project, context.data.town
    step = time.perf_counter()
    computed = compute(data, params, context.digest, built_on=build_date())
    timings["compute"] = time.perf_counter() - step
    handover = save(computed, build_dir / ".report.pickle")
    name = basename(town.slug, params.year)
    try:
        kernel.prime(handover)
    finally:
        handover.unlink(missing_ok=True)

    # The exports and the calendar come from the same computation as the chapters, and
    # are written while the kernel executes them (or after, one thing at a time).
    with ThreadPoolExecutor(max_workers=1) as side:
        exports = side.submit(_write_files, computed, build_dir, name) if context.side_by_side else None
        step = time.perf_counter()
        parameters = {"data_dir": data.data_dir, "year": params.year, "edition": params.edition,
                      "lang": params.lang, "as_of": params.reference_date.isoformat(),
                      "horizon_months": params.horizon_months, "output_dir": str(build_dir)}
        notebooks = [proj.root / c for c in proj.chapters(config)]

        def chapter(number: int, count: int, notebook: Path) -> None:
            if number > 1:
                context.steps.advance()  # the chapter before it is done
            tell(context.words.text("progress.chapter", number=number, count=count,
                                    name=chapter_title(notebook, context.words.lang)))

        executed = execute_chapters(kernel, notebooks, parameters, keep=build_dir, progress=chapter)
        if notebooks:
            context.steps.advance()
        timings["execute"] = time.perf_counter() - step
        if context.waiting.empty() and not context.keep_kernels:
            kernel.release()  # its last chapters are done: it stops while the report renders
        if exports is not None:
            exports.result()
        else:
            _write_files(computed, build_dir, name)
    if context.cancel.is_set():
        raise BuildInterrupted()
    chapters = [chapter.write(build_dir) for chapter in executed] \
        if context.engine.needs_notebooks or context.keep_notebooks else []

    job = RenderJob(project_root=proj.root, build_dir=build_dir, chapters=chapters,
                    markdown="\n\n".join(chapter.markdown() for chapter in executed), config=config,
                    metadata=render_metadata(computed, config, name), basename=name,
                    source_date_epoch=source_date_epoch())
    copy_logo(data, build_dir)
    step = time.perf_counter()
    rendering: list[str] = []

    def render(fmt: str) -> None:
        if rendering:
            context.steps.advance()  # the format before it is done
        rendering.append(fmt)
        key = f"progress.format.{fmt.lower()}"
        tell(context.words.text("progress.rendering", format=context.words.text(key) if context.words.has(key) else fmt))

    produced = context.engine.render(job, EDITIONS[params.edition].formats, render, context.side_by_side)
    if rendering:
        context.steps.advance()
    timings["render"] = time.perf_counter() - step
    if context.cancel.is_set():
        raise BuildInterrupted()

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
        "warnings": context.warnings,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    published = {fmt: destination / path.name for fmt, path in files.items()}
    published["data"] = destination / "donnees"
    published["manifest"] = destination / MANIFEST
    return _Staged(staging, destination, build_dir, BuildResult(params, destination, published, timings,
                                                                warnings=context.warnings))


def build_date() -> dt.date:
    """The day of the build: ``SOURCE_DATE_EPOCH``'s when set (reproducible builds), else today."""
    epoch = source_date_epoch()
    if epoch is None:
        return dt.date.today()
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()


def write_staff_control(data: Dataset, params: ReportParams, out_root: Path) -> Path:
    """The staff's row-by-row data check of the year, in the town's language, beside the editions
    (``<out>/<town>/<year>/controle-donnees.xlsx``): never in a published edition's folder."""
    cat = catalogue(data.town.default_lang)
    title = cat.text("control.title", town=data.town.name, year=params.year, date=cat.date(params.reference_date))
    return write_control(staff_issues(data, params), data.town.default_lang, title,
                         out_root / data.town.slug / str(params.year))


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
        "downloads": downloads(computed, name),
    }
    # The framing of a council report: the session that receives it, who prepared it, a note.
    session = report.data.town.sessions.get(report.params.year)
    if session is not None and (session[0] is not None or session[2]):
        parts = []
        if session[0] is not None:
            parts.append(cat.text("report.session", date=cat.date(session[0], session[1])))
        if session[2]:
            parts.append(cat.text("report.deliberation", reference=session[2]))
        metadata["session"] = md_text(" – ".join(parts))
    credits = [cat.text("report.author", author=town.author) if town.author else "",
               cat.text("report.contact", contact=town.contact) if town.contact else ""]
    if any(credits):
        metadata["credits"] = md_text(" · ".join(c for c in credits if c))
    if town.cover_note:
        metadata["cover-note"] = md_text(town.cover_note)
    if town.publication_url:
        # Links of the PDF to the report's files lead to where the town publishes this very folder.
        folder = output_folder(Path(""), town.slug, ReportId(report.params.year, report.params.edition,
                                                             report.params.lang, report.params.reference_date,
                                                             report.params.horizon_months), town.default_lang)
        metadata["publication-url"] = md_text(town.publication_url.rstrip("/") + "/"
                                              + "/".join(folder.parts[1:]) + "/")
    if town.accent_color:
        metadata["accent"] = town.accent_color
    if town.logo:
        target = Path("figures") / f"logo{Path(town.logo).suffix.lower()}"
        metadata["logo"] = target.as_posix()
    return metadata


def downloads(computed: ComputedReport, name: str) -> list[dict[str, str]]:
    """The downloads box: the PDF first, then every table named by what it holds, the workbook and
    the calendar (the file's name in brackets, for whoever looks for it)."""
    cat = catalogue(computed.params.lang)

    def item(href: str, key: str) -> dict[str, str]:
        return {"href": href, "label": md_text(cat.text("download.item", what=cat.text(key),
                                                        file=href.rsplit("/", 1)[-1]))}

    return [item(f"{name}.pdf", "download.pdf"),
            *(item(f"donnees/{table}.csv", f"download.{table}") for table in computed.tables),
            item(f"donnees/{name}-donnees.xlsx", "download.workbook"), item(ICS_NAME, "download.calendar")]


def copy_logo(data: Dataset, build_dir: Path) -> None:
    """The town's logo into the build folder, read like every data file: from inside the data folder only."""
    if data.town.logo:
        content = DataFolder(data.data_dir).read(data.town.logo, MAX_LOGO_BYTES)
        target = build_dir / "figures" / f"logo{Path(data.town.logo).suffix.lower()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


