"""Reading digests of files and writing files whole."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

_CHUNK = 1 << 16
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, in C when PyYAML comes with libyaml (many times faster: every command
reads the message catalogues)."""
_DIGESTS: dict[tuple[str, int, int], str] = {}


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remembered_sha256(path: Path) -> str:
    """A file's SHA-256, remembered in this process while its size and modification time stay the same."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = sha256_file(path)
    return _DIGESTS[key]


def read_yaml(text: str) -> Any:
    """The data of a YAML text, read safely (no Python object made from a tag)."""
    return yaml.load(text, Loader=YAML_LOADER)


def tree_files(folder: Path, skip: tuple[str, ...] = (".",)) -> list[Path]:
    """Every regular file under ``folder`` whose name and folders do not start with ``skip``, in a stable order.
    Links to folders are not followed."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(skip) and d != "__pycache__")
        found += [Path(parent) / name for name in sorted(files) if not name.startswith(skip)]
    return found


def digest_files(files: Iterable[Path], root: Path) -> str:
    """One digest of ``files``: their paths relative to ``root`` and their bytes."""
    parts: list[str] = []
    for path in files:
        parts += [path.relative_to(root).as_posix(), remembered_sha256(path)]
    return sha256_text(*parts)


def sha256_text(*parts: str) -> str:
    """The SHA-256 of ``parts`` joined by NUL characters (no two part lists collide)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it: readers see the old
    file or the new one, never half of it. Published files are readable by others (0644)."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
