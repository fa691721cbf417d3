"""Builds started from the page: one at a time per town, run beside the page, followed as they go.

A build runs :func:`labels_report.publish.build.build` in a thread of its own
and keeps what the command would print: the progress lines, how many of the
long steps are done (for the bar and the time left), and at the end the
published files, or the sentence that says why nothing was published. A second
build of a town whose build is running is refused (the page shows the one
running); ``build`` itself also takes the lock on the town's reports that keeps
a build from the command and one from the page apart.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from labels_report.core.errors import DataError, Issue, LabelsReportError
from labels_report.core.i18n import catalogue, describe
from labels_report.publish.build import BuildResult, build


@dataclass(frozen=True)
class Request:
    """What the staff member chose on the page."""

    data_dir: Path
    town: str
    """The town's slug: one build at a time for it."""
    year: int
    editions: tuple[str, ...]
    langs: tuple[str, ...] | None
    """None: the town's language."""
    lang: str
    """The language of the progress lines and messages."""


@dataclass
class Job:
    """One build started from the page, as it goes."""

    request: Request
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    lines: list[str] = field(default_factory=list)
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    first_step: float | None = None
    finished: bool = False
    results: list[BuildResult] = field(default_factory=list)
    failure: str = ""
    """Why nothing was published, as one sentence; "" while running or when published."""
    issues: list[Issue] = field(default_factory=list)
    """The data's errors, when the build found some."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def line(self, message: str) -> None:
        with self.lock:
            self.lines.append(message)

    def steps(self, done: int, total: int) -> None:
        with self.lock:
            if done and self.first_step is None:
                self.first_step = time.monotonic()
            self.done, self.total = done, total

    @property
    def percent(self) -> int:
        if self.finished and not self.failure:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def seconds_left(self) -> int | None:
        """The time left, from the pace of the steps done so far; None before the first is done."""
        with self.lock:
            if self.finished or not self.done or not self.total:
                return None
            elapsed = time.monotonic() - self.started
            return max(0, round(elapsed / self.done * (self.total - self.done)))


class Builds:
    """The builds started from the page, and the rule of one at a time per town."""

    def __init__(self, *, project: Path, out: Path, engine: str = "auto"):
        self.project, self.out, self.engine = project, out, engine
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, request: Request) -> tuple[Job, bool]:
        """Start a build of ``request``; (the job, True). When the town's build is running:
        (that job, False), and nothing is started."""
        with self._lock:
            running = self._running.get(request.town)
            if running is not None and not running.finished:
                return running, False
            job = Job(request)
            self._jobs[job.id] = job
            self._running[request.town] = job
        threading.Thread(target=self._run, args=(job,), name=f"build-{request.town}", daemon=True).start()
        return job, True

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, town: str) -> Job | None:
        with self._lock:
            job = self._running.get(town)
            return job if job is not None and not job.finished else None

    def _run(self, job: Job) -> None:
        request = job.request
        try:
            results = build(request.data_dir, request.year, editions=list(request.editions),
                            langs=list(request.langs) if request.langs else None, engine=self.engine,
                            out=self.out, project=self.project, progress=job.line, steps=job.steps,
                            messages=request.lang)
            with job.lock:
                job.results = results
        except DataError as error:
            with job.lock:
                job.issues = list(error.issues)
                job.failure = catalogue(request.lang).plural("build.data_errors_page", len(error.errors))
        except LabelsReportError as error:
            with job.lock:
                job.failure = describe(error, request.lang)
        except Exception as error:  # a bug: said on the page, and the page goes on
            with job.lock:
                job.failure = catalogue(request.lang).text("error.unexpected", detail=f"{type(error).__name__}: {error}")
        finally:
            with job.lock:
                job.finished = True
