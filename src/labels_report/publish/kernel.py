"""Warm chapter kernels: started early, reused for every chapter of one or more reports.

Starting a kernel and importing pandas and matplotlib costs more than a small
chapter. A :class:`ChapterKernel` starts in the background as soon as a build
knows it will need one (before the data are read), imports the package and
loads its catalogues and fonts, and then serves every chapter through a
single client. Chapters stay independent: before each one the namespace is
wiped (:data:`RESET`) and matplotlib's state closed, so nothing a chapter
defines is visible to the next; what survives is the package's memory of the
computed report. This module imports no more than the kernel client, so that a
command can start kernels before it loads anything heavy.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager

from labels_report.core.errors import LabelsReportError

KERNEL = "python3"
STARTUP_TIMEOUT = 120
POLL = 0.2
"""Seconds between two looks at a kernel that has not answered yet (is it alive, stopped?)."""
STOP_WAIT = 5.0
"""Seconds a kernel being stopped gives the chapter it executes to let go of its channels."""
# Between chapters: figures closed, matplotlib's settings back to their defaults, and
# every name a chapter defined forgotten (IPython's reset, without the full garbage
# collection of %reset, which costs more than a small chapter).
RESET = ("import matplotlib, matplotlib.pyplot\nmatplotlib.pyplot.close('all')\nmatplotlib.rcdefaults()\n"
         "get_ipython().reset(new_session=False)\n")
FORGET = "import labels_report.model.compute\nlabels_report.model.compute.forget()\n"
# The kernel's own settings: no history written to the user's profile, no cache of
# outputs (it would keep every chapter's Markdown alive).
_SETUP = "get_ipython().displayhook.do_full_cache = False\n"
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


def warm_up_code(fonts: Path | None) -> str:
    """What a chapter kernel runs as soon as it is up, while the parent reads the data: the
    package's imports, catalogues, locale data and fonts, loaded before the first chapter."""
    return ("import labels_report.chapters.notebook\n"
            f"labels_report.chapters.notebook.warm_up({None if fonts is None else str(fonts)!r})\n")


class KernelFailure(LabelsReportError):
    """The kernel could not run a request of the package (start, warm-up, reset, priming)."""

    code = "kernel_failed"

    def __init__(self, detail: str):
        super().__init__(detail=detail)
        self.detail = detail


class ChapterKernel:
    """One kernel with one client, for as many chapters as it is given, one at a time
    (:func:`labels_report.publish.execute.execute_chapters` runs them).

    ``start()`` returns at once; the kernel starts and imports the package in a
    background thread, and the first use waits for it. ``shutdown()`` does not
    wait for a kernel still starting: it stops it where it is.
    """

    def __init__(self, cwd: Path, warm_up: str = ""):
        self.cwd = cwd
        self.km: KernelManager | None = None
        self.kc: Any = None
        self._warm_up = warm_up
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._sockets: Path | None = None
        self._lock = threading.Lock()
        self._cancelled = False
        self._stopped = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self.last_notebook: Any = None
        """The notebook papermill is executing or executed last (kept when a chapter fails)."""

    # -- life ---------------------------------------------------------------------
    def start(self) -> ChapterKernel:
        threading.Thread(target=self._boot, name="labels-report-kernel", daemon=True).start()
        return self

    def _boot(self) -> None:
        try:
            with self._lock:
                if self._cancelled:
                    raise KernelFailure("stopped before it started")
                # IPC sockets (no TCP port open on the machine), in a short folder: a socket
                # path longer than 107 bytes is refused by the system.
                self._sockets = Path(tempfile.mkdtemp(prefix="lr-"))
                self.km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(self._sockets / "k"))
                # The kernel writes nothing on the command's own output: what a chapter prints comes
                # back as messages, and a kernel stopped while it starts (Ctrl-C at that moment)
                # would otherwise print its own traceback there, or keep the output open.
                self.km.start_kernel(cwd=str(self.cwd), extra_arguments=KERNEL_ARGUMENTS,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.kc = self.km.client()
                self.kc.start_channels()
            self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            self.kc.allow_stdin = False
            self.run(_SETUP + self._warm_up)
        except BaseException as error:  # noqa: BLE001 - handed to the thread that waits
            self._failure = error
        finally:
            self._ready.set()

    def wait(self) -> ChapterKernel:
        """Wait until the kernel has started and imported the package."""
        self._ready.wait()
        if self._failure is not None:
            raise KernelFailure(f"the chapter kernel did not start: {self._failure}") from self._failure
        return self

    def shutdown(self) -> None:
        """Stop the kernel, now, whatever it is doing (once: later calls wait for the first)."""
        with self._lock:
            first = not self._cancelled
            self._cancelled = True
        if not first:
            self._stopped.wait()
            return
        try:
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
            self._ready.wait()  # a boot still waiting for the kernel sees it gone
            # A chapter being executed sees the kernel stopped at its next look (its waits are cut
            # in slices): its channels are closed once it has let go of them, not under it.
            self._idle.wait(timeout=STOP_WAIT)
            if self.kc is not None:
                self.kc.stop_channels()
        finally:
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)
            self._stopped.set()

    def release(self) -> None:
        """Stop the kernel in the background: it has run its last chapter."""
        threading.Thread(target=self.shutdown, name="labels-report-kernel-stop", daemon=True).start()

    def __enter__(self) -> ChapterKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def stopping(self) -> bool:
        """Whether the kernel is being stopped (or was)."""
        return self._cancelled

    @contextlib.contextmanager
    def executing(self) -> Iterator[Any]:
        """The kernel's client for a notebook client (nbclient) to execute a notebook with: its
        waits for a message are cut in slices, and end (``DeadKernelError``) as soon as the kernel
        is being stopped, so that an interrupted build never waits for a kernel that is gone."""
        self.wait()
        self._idle.clear()
        try:
            yield _StoppableClient(self.kc, self)
        finally:
            self._idle.set()

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def pid(self) -> int | None:
        """The kernel's process id (None before it started)."""
        return getattr(getattr(self.km, "provisioner", None), "pid", None)

    def broken(self) -> bool:
        """Stopped, failed to start, or dead: of no more use (a batch's worker starts another)."""
        if self._cancelled:
            return True
        return self._ready.is_set() and (self._failure is not None or not self.alive())

    # -- requests -----------------------------------------------------------------
    def run(self, code: str, timeout: float = STARTUP_TIMEOUT) -> None:
        """Run ``code`` in the kernel (not a chapter: the package's own requests). Raises
        `KernelFailure` if the code fails, the kernel dies or is stopped, or time runs out."""
        msg_id = self.kc.execute(code, silent=False, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            if self._cancelled:
                raise KernelFailure("the kernel was stopped")
            try:
                reply = self.kc.get_shell_msg(timeout=POLL)
            except queue.Empty:
                if not self.alive():
                    raise KernelFailure("the kernel died") from None
                if time.monotonic() > deadline:
                    raise KernelFailure(f"no answer from the kernel within {timeout:.0f} s") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelFailure(f"{content.get('ename')}: {content.get('evalue')}")

    def forget(self) -> None:
        """Drop what the kernel keeps of the reports it ran (a batch's worker, before another town):
        its memory stays that of one town, however many it builds."""
        self.wait()
        self.run(RESET + FORGET)

    def prime(self, computed: Path) -> None:
        """Hand the report the parent computed (pickled in the build's own folder) to the chapters."""
        self.wait()
        self.run(f"import labels_report.model.compute\nlabels_report.model.compute.prime({str(computed)!r})\n")


def start_kernels(count: int, cwd: Path, fonts: Path | None) -> list[ChapterKernel]:
    """``count`` chapter kernels, starting (and warming up) in the background."""
    return [ChapterKernel(cwd, warm_up_code(fonts)).start() for _ in range(count)]


def kernels_for(reports: int) -> int:
    """How many kernels to run side by side for ``reports`` reports: one per core at most."""
    return max(1, min(reports, os.cpu_count() or 1))


class _StoppableChannel:
    """A channel of the kernel's client whose ``get_msg`` waits in slices of :data:`POLL` seconds and
    raises nbclient's ``DeadKernelError`` once the kernel is being stopped (nbclient waits for a
    message without a time limit, and a blocking wait holds its whole event loop)."""

    def __init__(self, channel: Any, kernel: ChapterKernel):
        self._channel = channel
        self._kernel = kernel

    def get_msg(self, timeout: float | None = None) -> Any:
        from nbclient.exceptions import DeadKernelError

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._kernel.stopping:
                raise DeadKernelError("the kernel was stopped")
            left = POLL if deadline is None else min(POLL, max(0.0, deadline - time.monotonic()))
            try:
                return self._channel.get_msg(timeout=left)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)


class _StoppableClient:
    """The kernel's client as a notebook client sees it: its shell and IOPub channels stoppable."""

    def __init__(self, client: Any, kernel: ChapterKernel):
        self._client = client
        self.shell_channel = _StoppableChannel(client.shell_channel, kernel)
        self.iopub_channel = _StoppableChannel(client.iopub_channel, kernel)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)
