"""Building a whole network's reports: :func:`run_batch`.

The work unit is one town, one year, one edition (:class:`Unit`); each is built
by :func:`build_unit` with the single build (:func:`~labels_report.publish.build.build`),
so that a batch's reports are exactly those the single command makes, published
the same way. The order of a batch:

1. Every unit whose published report is up to date (the manifest's build key,
   checked here without loading anything heavy) is done at once.
2. The others go to the workers: one process each (``--workers N`` on this
   machine, or the workers of a Dask cluster), each keeping **one warm chapter
   kernel** across the towns it builds (it forgets the previous town's report
   first): a town costs its computation and its rendering, not a kernel start.
   A worker does one thing at a time (its formats render one after the other):
   it keeps to one processor core, so that N workers use N cores, as Dask counts
   them, and a second worker doubles the work done rather than competing with
   the first one's renderers.
3. A town whose data hold errors, or whose build fails, is a failed unit: the
   others go on. Results (folders, timings, the first error) come back to the
   caller as plain data, with progress and the time left.
4. The index page and the network's summary are written beside the reports
   (:mod:`labels_report.publish.index`).

Executors are a registry (:data:`EXECUTORS`): ``local`` (worker processes on this
machine; one worker builds in this process) and ``dask`` (a ``LocalCluster``, or
the cluster whose scheduler address is given).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import fnmatch
import multiprocessing
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from labels_report.core.errors import (
    BuildInterrupted,
    DataError,
    EngineUnavailableError,
    Issue,
    LabelsReportError,
    NotebookExecutionError,
    ParameterError,
    ProjectNotFoundError,
)
from labels_report.core.i18n import catalogue
from labels_report.core.project import Project, resolve_path
from labels_report.core.text import slugify
from labels_report.core.vocab import StrEnum
from labels_report.data.palmares import town_folders
from labels_report.model.params import ReportParams, parse_as_of
from labels_report.publish.build import build
from labels_report.publish.engines import choose_engine
from labels_report.publish.index import NetworkIndex, write_index
from labels_report.publish.kernel import ChapterKernel, start_kernels
from labels_report.publish.manifest import unchanged_reports
from labels_report.publish.versions import engine_name

Progress = Callable[[str], None]


class Outcome(StrEnum):
    BUILT = "built"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Unit:
    """One town's report of one year, in one edition (and the languages asked for)."""

    data_dir: str
    town: str
    """The town's folder name (its slug)."""
    year: int
    edition: str


@dataclass(frozen=True)
class Settings:
    """What every unit of a batch is built with (plain data: it travels to the workers)."""

    project: str
    out: str
    engine: str = "auto"
    langs: tuple[str, ...] | None = None
    as_of: str | None = None
    horizon_months: int = 24
    force: bool = False
    messages: str = "fr"


@dataclass(frozen=True)
class Failure:
    """Why a unit failed, as plain data: the error's catalogue code and parameters, and for bad
    data the first error found (file, row, column, value)."""

    code: str
    params: dict[str, object] = field(default_factory=dict)
    issue: Issue | None = None
    errors: int = 0
    """For bad data: how many errors the town's data hold."""
    bad_input: bool = False
    """The town's data or the parameters are wrong (not the build)."""
    detail: str = ""
    """For a bug: the traceback, for the maintainer."""


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    outcome: Outcome
    folders: tuple[str, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    failure: Failure | None = None
    worker: str = ""
    """Which worker built it (host and process)."""
    kernel: int | None = None
    """The process id of the chapter kernel the worker built it with."""


@dataclass(frozen=True)
class BatchResult:
    results: tuple[UnitResult, ...]
    index: NetworkIndex | None
    seconds: float

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def failed(self) -> list[UnitResult]:
        return [result for result in self.results if result.outcome == Outcome.FAILED]


# -- a worker's one warm kernel ---------------------------------------------------------------

_KERNEL: ChapterKernel | None = None
_KERNEL_LOCK = threading.Lock()


def worker_kernel(project: Project) -> ChapterKernel:
    """This process's chapter kernel, started on first use and kept warm across towns (a new one
    replaces it when it died or was stopped)."""
    global _KERNEL
    with _KERNEL_LOCK:
        if _KERNEL is None or _KERNEL.broken():
            if _KERNEL is not None:
                _KERNEL.shutdown()
            else:
                atexit.register(stop_worker)
            _KERNEL = start_kernels(1, project.root, project.fonts_dir)[0]
        return _KERNEL


def start_worker(project: str) -> str:
    """Start this worker's kernel now (it warms up while the worker waits for its first town)."""
    worker_kernel(Project(Path(project)))
    return worker_name()


def stop_worker() -> None:
    """Stop this worker's kernel (when the worker stops; also at the process's exit)."""
    global _KERNEL
    with _KERNEL_LOCK:
        if _KERNEL is not None:
            _KERNEL.shutdown()
            _KERNEL = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- one unit ---------------------------------------------------------------------------------------

BAD_INPUT = (DataError, ParameterError, ProjectNotFoundError, EngineUnavailableError)


def build_unit(unit: Unit, settings: Settings) -> UnitResult:
    """Build one unit with this worker's warm kernel; never raises for a town's failure: the
    result says it (a batch goes on)."""
    started = time.perf_counter()
    try:
        project = Project(Path(settings.project))
        kernel = worker_kernel(project)
        try:
            kernel.forget()
        except LabelsReportError:  # it died since its last town: a new one
            kernel = worker_kernel(project)
        results = build(unit.data_dir, unit.year, editions=[unit.edition], langs=settings.langs,
                        engine=settings.engine, out=settings.out, project=project.root, as_of=settings.as_of,
                        horizon_months=settings.horizon_months, force=settings.force, kernels=[kernel],
                        keep_kernels=True, messages=settings.messages, side_by_side=False)
    except BuildInterrupted:
        raise  # Ctrl-C, or a request to stop: the batch stops too
    except Exception as error:  # noqa: BLE001 - one town's failure is a result, not the batch's end
        return UnitResult(unit, Outcome.FAILED, seconds=time.perf_counter() - started, failure=failure_of(error),
                          worker=worker_name())
    outcome = Outcome.UNCHANGED if all(r.unchanged for r in results) else Outcome.BUILT
    timings: dict[str, float] = {}
    for result in results:
        for step, seconds in result.timings.items():
            timings[step] = timings.get(step, 0.0) + seconds
    return UnitResult(unit, outcome, tuple(str(r.folder) for r in results), time.perf_counter() - started, timings,
                      worker=worker_name(), kernel=kernel.pid())


def failure_of(error: BaseException) -> Failure:
    """A build's error as plain data (exceptions of the package do not all travel between processes)."""
    if isinstance(error, DataError):
        errors = error.errors
        return Failure(error.code, dict(error.params), errors[0] if errors else None, len(errors), True)
    if isinstance(error, NotebookExecutionError):
        return Failure(error.code, dict(error.params), detail=error.traceback)
    if isinstance(error, LabelsReportError):
        return Failure(error.code, dict(error.params), bad_input=isinstance(error, BAD_INPUT))
    return Failure("unexpected", {"detail": f"{type(error).__name__}: {error}"},
                   detail="".join(traceback.format_exception(error)))


# -- executors ------------------------------------------------------------------------------------

OnResult = Callable[[UnitResult], None]


def run_here(units: Sequence[Unit], settings: Settings, on_result: OnResult) -> None:
    """Every unit in this process, one after the other, with one warm kernel."""
    try:
        start_worker(settings.project)
        for unit in units:
            on_result(build_unit(unit, settings))
    finally:
        stop_worker()


def run_local(units: Sequence[Unit], settings: Settings, on_result: OnResult, workers: int,
              scheduler: str | None = None) -> None:
    """On this machine: ``workers`` processes (each with its warm kernel); one worker runs here."""
    if workers <= 1:
        run_here(units, settings, on_result)
        return
    # Processes started afresh ("spawn"): a fork of this process would copy its threads' locks.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                                                initargs=(settings.project,)) as pool:
        futures = {pool.submit(build_unit, unit, settings): unit for unit in units}
        try:
            for future in concurrent.futures.as_completed(futures):
                on_result(_result(future, futures[future]))
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def run_dask(units: Sequence[Unit], settings: Settings, on_result: OnResult, workers: int,
             scheduler: str | None = None) -> None:
    """On Dask distributed: the cluster at ``scheduler`` (``tcp://host:8786``), or a ``LocalCluster`` of
    ``workers`` processes of one thread each. Every worker needs the package installed and the
    data and output folders at the same paths (a shared file system)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        client.run(start_worker, settings.project)
        futures = client.map(build_unit, list(units), settings=settings, pure=False)
        sent = dict(zip(futures, units, strict=True))
        for future in as_completed(futures):
            on_result(_result(future, sent[future]))
        client.run(stop_worker)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result(future, unit: Unit) -> UnitResult:
    """The unit's result; a worker lost while building it (killed, out of memory) fails that unit only."""
    try:
        return future.result()
    except (BuildInterrupted, KeyboardInterrupt):
        raise
    except Exception as error:  # noqa: BLE001 - the executor's own failure, not the town's
        return UnitResult(unit, Outcome.FAILED, failure=Failure("worker_lost", {"detail": f"{type(error).__name__}: "
                                                                                          f"{error}"[:300]}))


EXECUTORS: dict[str, Callable[..., None]] = {"local": run_local, "dask": run_dask}
"""Registry of executors: where the units of a batch are built."""


# -- the batch --------------------------------------------------------------------------------------


def run_batch(data_root: Path | str, year: int, *, editions: Sequence[str] = ("conseil",),
              langs: Sequence[str] | None = None, towns: str | None = None, workers: int = 1,
              executor: str = "local", scheduler: str | None = None, engine: str = "auto",
              out: Path | str | None = None, project: Path | str | None = None, as_of: str | None = None,
              horizon_months: int = 24, force: bool = False, progress: Progress | None = None,
              messages: str = "fr") -> BatchResult:
    """Build the ``year`` report of every town folder under ``data_root`` (those whose folder name
    matches the pattern ``towns``, e.g. ``saint-*``), in each edition, and write the network's
    index and summary. Raises ``ParameterError`` (and the like) for wrong parameters, before
    anything is built; a town's failure is in its result, never raised."""
    say = progress or (lambda _message: None)
    words = catalogue(messages)
    started = time.perf_counter()
    proj = Project.find(project)
    root = resolve_path(data_root, proj.root)
    out_root = resolve_path(out or "_output", proj.root)
    if executor not in EXECUTORS:
        raise ParameterError("executor_unknown", value=executor, expected=", ".join(EXECUTORS))
    if workers < 1:
        raise ParameterError("workers_invalid", value=workers)
    reference = parse_as_of(as_of)
    for edition in editions:
        for lang in langs or ["fr"]:
            ReportParams(year=int(year), edition=edition, lang=lang, as_of=reference, horizon_months=horizon_months)
    choose_engine(engine)
    if not root.is_dir():
        raise ParameterError("network_folder_missing", folder=str(root))
    network = town_folders(root)
    folders = [f for f in network if not towns or fnmatch.fnmatch(f.name, towns)
               or fnmatch.fnmatch(slugify(f.name), towns)]
    units = [Unit(str(folder), folder.name, int(year), edition) for edition in editions for folder in folders]
    settings = Settings(str(proj.root), str(out_root), engine, tuple(langs) if langs else None,
                        reference.isoformat() if reference else None, horizon_months, force, messages)

    results: list[UnitResult] = []
    pending = []
    for unit in units:
        same = None if force else unchanged_reports(
            project=proj, data_dir=Path(unit.data_dir), out_root=out_root, year=unit.year, editions=[unit.edition],
            langs=langs, as_of=reference, horizon_months=horizon_months, engine=engine_name(engine))
        if same is not None:
            results.append(UnitResult(unit, Outcome.UNCHANGED, tuple(str(f) for f in same)))
        else:
            pending.append(unit)
    # no more workers (each with its kernel to start) than reports to build
    needed = min(workers, len(pending))
    say(words.text("batch.start", towns=words.plural("index.towns", len(folders)),
                   reports=words.plural("batch.reports", len(units)), unchanged=len(results), todo=len(pending),
                   workers=words.plural("batch.workers", needed)))
    if pending:
        clock = _Clock(len(pending), words)

        def on_result(result: UnitResult) -> None:
            results.append(result)
            say(clock.line(result))

        EXECUTORS[executor](pending, settings, on_result, needed, scheduler)
    # the index is the whole network's, whichever towns this batch built
    index = write_index(root, out_root, int(year), network, messages) if network else None
    return BatchResult(tuple(_ordered(results, units)), index, time.perf_counter() - started)


def _ordered(results: Iterable[UnitResult], units: Sequence[Unit]) -> list[UnitResult]:
    position = {unit: number for number, unit in enumerate(units)}
    return sorted(results, key=lambda result: position.get(result.unit, 0))


class _Clock:
    """Progress of the units sent to the workers: how many are done, failed, and the time left."""

    def __init__(self, total: int, words):
        self.total, self.done, self.failed = total, 0, 0
        self.words = words
        self.start = time.perf_counter()

    def line(self, result: UnitResult) -> str:
        self.done += 1
        self.failed += result.outcome == Outcome.FAILED
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.done * (self.total - self.done)
        state = self.words.text(f"batch.outcome.{result.outcome}")
        return self.words.text("batch.progress", done=self.done, total=self.total, town=result.unit.town,
                               edition=result.unit.edition, state=state,
                               seconds=self.words.number(result.seconds, 1),
                               failed=self.words.plural("batch.failures", self.failed),
                               left=duration(left, self.words))


def duration(seconds: float, words) -> str:
    """``2 min 05 s``, ``45 s``: a time left, to the second."""
    whole = int(round(seconds))
    if whole >= 60:
        return words.text("batch.minutes", minutes=whole // 60, seconds=f"{whole % 60:02d}")
    return words.text("batch.seconds", seconds=whole)
