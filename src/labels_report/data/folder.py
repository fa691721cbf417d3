"""A town's data folder: the one place the tool reads data from, and nothing outside it.

Every file the loader reads (the CSV files or the workbook, ``town.yml``, the
narratives, the logo) is listed and opened here. A name in the folder that
resolves outside it (a symbolic link to ``/etc/passwd``, a ``texts/2016``
folder linked to another town's) is never opened: it is reported as a data
error naming the file and what it points to. A link that stays inside the
folder is followed. Files are opened without following a link at the last
step, and read up to a size limit a clerk never reaches.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from labels_report.core.errors import ParameterError
from labels_report.core.files import remembered_sha256, sha256_text

IGNORED_PREFIXES = (".", "~$")
"""Hidden files and the lock files Excel leaves beside an open workbook are not data."""

MAX_FILE_BYTES = 64 * 2**20
"""A data file (CSV, workbook) at most: twenty times what a town of 20 000 actions needs."""
MAX_TEXT_BYTES = 2**20
"""``town.yml`` and a narrative at most: a megabyte of text is some 300 pages."""
MAX_LOGO_BYTES = 5 * 2**20

Kind = Literal["file", "folder", "outside", "other"]


@dataclass(frozen=True)
class Entry:
    """A name found in the data folder."""

    rel: str
    """Its path from the data folder, with forward slashes (how messages name it)."""
    path: Path
    kind: Kind
    """``outside``: it resolves outside the data folder (and is never opened)."""
    target: str = ""
    """For a link: where it points, as written in the link."""

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


class Outside(Exception):
    """A path that leaves the data folder."""

    def __init__(self, rel: str, target: str):
        super().__init__(rel)
        self.rel = rel
        self.target = target


class TooLarge(Exception):
    """A file larger than the tool reads."""

    def __init__(self, rel: str, size: int, limit: int):
        super().__init__(rel)
        self.rel, self.size, self.limit = rel, size, limit


class DataFolder:
    """The data folder of one town. ``root`` is resolved once: a data folder that is itself a
    link (``data/soissons -> /srv/...``) is fine; what is inside it must stay inside it."""

    def __init__(self, path: Path | str):
        self.given = Path(path)
        self.root = self.given.resolve()

    def exists(self) -> bool:
        return self.root.is_dir()

    def _entry(self, rel: str) -> Entry:
        path = self.given / rel
        try:
            info = os.lstat(path)
        except OSError:
            return Entry(rel, path, "other")
        target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a broken or looping link
            return Entry(rel, path, "outside" if target else "other", target)
        if real != self.root and not real.is_relative_to(self.root):
            return Entry(rel, path, "outside", target or str(real))
        if real.is_dir():
            return Entry(rel, real, "folder", target)
        if real.is_file():
            return Entry(rel, real, "file", target)
        return Entry(rel, real, "other", target)

    def entries(self, folder: str = "") -> list[Entry]:
        """The names in ``folder`` (a path from the data folder), hidden ones left out, sorted."""
        base = self.given / folder if folder else self.given
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return []
        prefix = f"{folder}/" if folder else ""
        return [self._entry(prefix + name) for name in names if not name.startswith(IGNORED_PREFIXES)]

    def entry(self, rel: str) -> Entry:
        return self._entry(rel)

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """The bytes of the file ``rel``; raises `Outside` when it resolves outside the folder,
        `TooLarge` beyond ``limit``, ``OSError`` when it cannot be read."""
        entry = self._entry(rel)
        if entry.kind == "outside":
            raise Outside(rel, entry.target)
        if entry.kind != "file":
            raise FileNotFoundError(rel)
        # O_NOFOLLOW: the resolved path names the file itself; a link put there since is not followed.
        descriptor = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise TooLarge(rel, size, limit)
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(rel, len(data), limit)
        return data


def data_files(data_dir: Path) -> list[Entry]:
    """Every name of the folder and its subfolders that the loader may look at, in a stable
    order; links that leave the folder are listed, never followed."""
    folder = DataFolder(data_dir)
    found: list[Entry] = []
    pending, seen = [""], {folder.root}
    while pending:
        current = pending.pop(0)
        for entry in folder.entries(current):
            if entry.kind == "folder":
                if entry.path not in seen:  # a link back to a folder already seen is not a loop to follow
                    seen.add(entry.path)
                    pending.append(entry.rel)
            else:
                found.append(entry)
    return sorted(found, key=lambda e: e.rel)


def fingerprint(data_dir: Path | str) -> str:
    """One digest of every data file of the folder, their names and their bytes: the same digest
    means the same data. A link is counted by where it points, and never opened."""
    parts: list[str] = []
    for entry in data_files(Path(data_dir)):
        parts += [entry.rel, f"{entry.kind}:{entry.target}"]
        if entry.kind == "file":
            parts.append(remembered_sha256(entry.path))
    return sha256_text(*parts)


TOWN_MARKERS = ("town.yml", "town.yaml", "labels.csv")
"""A folder holding one of these (or a workbook) is a town's data folder."""


def town_folders(root: Path) -> list[Path]:
    """The towns' data folders directly under ``root`` (a project's ``data/``), sorted by name:
    each holds ``town.yml``, ``labels.csv`` or a workbook."""
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(IGNORED_PREFIXES))
    except OSError:
        return []
    return [folder for folder in children
            if any((folder / marker).is_file() for marker in TOWN_MARKERS) or any(folder.glob("*.xlsx"))]


def only_town(root: Path, shown: str = "data") -> Path:
    """The one town's data folder under ``root`` when there is exactly one; otherwise a
    :class:`ParameterError` that says the town must be named, listing the ones found
    (``shown``: how the message names ``root``)."""
    towns = town_folders(root)
    if len(towns) == 1:
        return towns[0]
    if not towns:
        raise ParameterError("no_town", folder=shown)
    raise ParameterError("data_required", folder=shown, towns=", ".join(t.name for t in towns),
                         example=f"{shown}/{towns[0].name}")
