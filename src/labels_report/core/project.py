"""The report project: the folder holding ``_quarto.yml``, and what it says.

Paths are derived here, in one place. ``_quarto.yml`` is merged with the
profiles of the build (``_quarto-<edition>.yml``, ``_quarto-<lang>.yml``) the
way Quarto merges profiles, so both engines read the same configuration.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labels_report.core.errors import ProjectNotFoundError
from labels_report.core.files import read_yaml

CONFIG = "_quarto.yml"
DATA_FOLDER = "data"
"""The project's folder of towns: one data folder per town (``data/soissons``)."""
REPORT_FOLDER = "report"
FONTS_FOLDER = "fonts"
_CONFIGS: dict[tuple[str, int, int], dict[str, Any]] = {}


def source_project() -> Path | None:
    """The report project this package's source belongs to (a checkout installed with
    ``pip install -e``), or None when the package was installed on its own."""
    for folder in Path(__file__).resolve().parents:
        if (folder / CONFIG).is_file():
            return folder
    return None


def find_project(start: Path | str | None = None) -> Path:
    """The nearest folder holding ``_quarto.yml``, from ``start`` upwards."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    raise ProjectNotFoundError("project_not_found", folder=str(here), config=CONFIG)


def resolve_path(path: Path | str, root: Path) -> Path:
    """An absolute path as given; a relative one from the current folder when it exists
    there, else from the project's folder ``root`` (so ``--data data/x`` works from any subfolder)."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path.resolve()
    return (root / path).resolve()


def merge(base: Any, override: Any) -> Any:
    """Quarto's profile merge: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def find(cls, start: Path | str | None = None) -> Project:
        return cls(find_project(start))

    def config(self, *profiles: str) -> dict[str, Any]:
        """``_quarto.yml`` merged with ``_quarto-<profile>.yml`` for each profile that exists."""
        config = self._read(self.root / CONFIG)
        for profile in profiles:
            path = self.root / f"_quarto-{profile}.yml"
            if path.is_file():
                config = merge(config, self._read(path))
        return config

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        # read again only when the file changed: a batch asks for the configuration of every town
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in _CONFIGS:
            data = read_yaml(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ProjectNotFoundError("project_config_invalid", path=str(path))
            _CONFIGS[key] = data
        return copy.deepcopy(_CONFIGS[key])

    def chapters(self, config: dict[str, Any]) -> list[Path]:
        """The chapter notebooks, in the book's order (relative to the project)."""
        return [Path(c) for c in _chapter_files(config["book"]["chapters"]) if c.endswith(".ipynb")]

    @property
    def data_dir(self) -> Path:
        """The folder holding one data folder per town."""
        return self.root / DATA_FOLDER

    @property
    def report_dir(self) -> Path:
        """Templates, styles, filters and fonts of the report's look."""
        return self.root / REPORT_FOLDER

    @property
    def fonts_dir(self) -> Path:
        """Fonts shipped with the project: the fallbacks for scripts the main fonts lack."""
        return self.report_dir / FONTS_FOLDER


def _chapter_files(entries: list[Any]) -> list[str]:
    files: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            files.append(entry)
        elif isinstance(entry, dict):  # a Quarto part: {part: ..., chapters: [...]}
            files.extend(_chapter_files(entry.get("chapters", [])))
    return files
