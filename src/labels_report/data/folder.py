"""A town's data folder as a set of files: what it holds, and one digest of all of it."""

from __future__ import annotations

from pathlib import Path

from labels_report.core.files import digest_files, tree_files

IGNORED_PREFIXES = (".", "~$")
"""Hidden files and the lock files Excel leaves beside an open workbook are not data."""


def data_files(data_dir: Path) -> list[Path]:
    """Every file of the folder that the loader may read, in a stable order."""
    return tree_files(data_dir, IGNORED_PREFIXES)


def fingerprint(data_dir: Path | str) -> str:
    """One digest of every data file of the folder, their names and their bytes: the same
    digest means the same data."""
    folder = Path(data_dir)
    return digest_files(data_files(folder), folder)
