"""Putting finished reports in place: a staging folder beside the destination, moved there whole.

Nothing is published unless everything succeeded: each report is assembled in
``<out>/.staging/`` and renamed into ``<out>/<town>/<year>/<edition>/`` at the
end; the previous report stays intact until then.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

STAGING = ".staging"
BUILDS = ".build"
"""Private folders of the output root: reports being assembled, chapters being executed."""


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


def publish_all(staged: Sequence[tuple[Path, Path]]) -> None:
    """Publish every (staging, destination) pair, once all of them are ready."""
    for staging, destination in staged:
        publish(staging, destination)
