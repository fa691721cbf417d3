"""Putting finished reports in place, so that a reader never finds half of one.

A report is assembled in ``<out>/.staging/`` and put in place at the end. At
every instant the published folder holds either the old complete report or
the new complete one:

* where the system can (Linux), the new folder and the old one swap names in
  one step (``renameat2`` with ``RENAME_EXCHANGE``), then the old one is removed;
* elsewhere, the old folder is renamed aside (``.<name>.previous-…``), the new
  one takes its name, the old one is removed; a build killed between the two
  renames leaves the old report aside, and :func:`repair` (run by every build)
  puts it back.

Builds of the same town and year are serialised by a lock file
(``<out>/.locks/``). What builds leave while they run (``.build/``,
``.staging/``) is named after their process: a later build removes what a
dead process left.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import os
import shutil
import socket
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

STAGING = ".staging"
BUILDS = ".build"
LOCKS = ".locks"
FAILURES = ".failed"
"""Private folders of the output root: reports being assembled, chapters being executed, locks,
and the notebooks of the last failed builds."""
KEPT_FAILURES = 5
"""Failed builds whose notebook is kept for the maintainer; older ones are removed."""
_PREVIOUS = ".previous-"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    """The C library's ``renameat2``, or None where there is none (not Linux, old C library)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_EXCHANGE = _renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap the names of two existing folders in one step; False where the system cannot."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this file system cannot
        return False
    raise OSError(code, os.strerror(code), str(second))


def publish(staging: Path, destination: Path) -> None:
    """Put ``staging`` at ``destination``; an earlier report there is replaced only now, in one
    step where the system allows it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    repair(destination)
    if not destination.exists():
        staging.rename(destination)
        return
    if exchange(staging, destination):
        shutil.rmtree(staging, ignore_errors=True)  # the old report, now under the staging name
        return
    previous = destination.with_name(f".{destination.name}{_PREVIOUS}{private_name(uuid.uuid4().hex[:8])}")
    destination.rename(previous)
    staging.rename(destination)
    shutil.rmtree(previous, ignore_errors=True)


def publish_all(staged: Sequence[tuple[Path, Path]]) -> None:
    """Publish every (staging, destination) pair, once all of them are ready."""
    for staging, destination in staged:
        publish(staging, destination)


def repair(destination: Path) -> None:
    """Undo what a build killed while publishing left: an earlier report set aside and not put
    back is put back; one set aside beside a published report is removed. What a build still
    running has set aside is left to it."""
    parent = destination.parent
    if not parent.is_dir():
        return
    prefix = f".{destination.name}{_PREVIOUS}"
    aside = sorted((p for p in parent.glob(f"{prefix}*") if p.is_dir() and not _owner_alive(p.name[len(prefix):])),
                   key=lambda p: p.stat().st_mtime)
    if aside and not destination.exists():
        aside.pop().rename(destination)
    for path in aside:
        shutil.rmtree(path, ignore_errors=True)


# -- what running builds leave ---------------------------------------------------------

_HOST = hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]
"""This machine, in the names of builds' folders: an output folder may be shared by the machines of a
cluster, and a process id means something only on its own machine."""


def private_name(run_id: str) -> str:
    """The name of a build's own folder: its process and machine, so that a later build knows whether
    it is alive (``<pid>.<machine>-<run>``)."""
    return f"{os.getpid()}.{_HOST}-{run_id}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_alive(name: str) -> bool:
    """Whether the build that made a folder called ``name`` (see :func:`private_name`) still runs."""
    pid, _, host = name.split("-", 1)[0].partition(".")
    if host and host != _HOST:
        return True  # another machine's build: only that machine can tell, and its builds clean up after it
    return pid.isdigit() and _alive(int(pid))


def remove_abandoned(out_root: Path) -> None:
    """Remove the build and staging folders of builds whose process is gone (killed, crashed)."""
    for kind in (BUILDS, STAGING):
        folder = out_root / kind
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not _owner_alive(path.name):
                shutil.rmtree(path, ignore_errors=True)
        remove_if_empty(folder)


def keep_failure(out_root: Path, notebook: Path) -> Path:
    """Keep a failing chapter's notebook under ``.failed/`` (the last few only) and return where
    (where it was, when it cannot be copied: a full disk)."""
    folder = out_root / FAILURES / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept = Path(shutil.copy2(notebook, folder / notebook.name))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return notebook
    failures = sorted((p for p in (out_root / FAILURES).iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in failures[:-KEPT_FAILURES]:
        shutil.rmtree(old, ignore_errors=True)
    return kept


def remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
