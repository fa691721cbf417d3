"""Versions of what a build runs, read without importing or running the heavy parts."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version

RECORDED_PACKAGES = ("labels-report", "papermill", "nbclient", "ipykernel", "pandas", "matplotlib", "babel",
                     "pypandoc-binary", "typst", "openpyxl", "pandera", "icalendar")
"""The packages whose versions ``manifest.json`` records."""


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def pandoc_version() -> str:
    """The versions of the wheels that carry Pandoc and Typst."""
    return f"pypandoc-binary {package_version('pypandoc-binary')}, typst {package_version('typst')}"


QUARTO_MINIMUM = (1, 9, 18)
"""The oldest Quarto the report renders with: Typst books and Pandoc 3.7 (``make_data_uri``,
used by report.lua) came with Quarto 1.9. The ``quarto`` extra of pyproject.toml says the same."""
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


@cache
def _said_by(quarto: str) -> str:
    """What ``quarto --version`` prints (once per command path and process)."""
    out = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False, timeout=300)
    return out.stdout.strip()


def quarto_version() -> str:
    quarto = shutil.which("quarto")
    if quarto is None:
        return "quarto (absent)"
    return f"quarto {_said_by(quarto)}"


def version_text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def quarto_too_old() -> dict[str, str] | None:
    """When the ``quarto`` on the PATH is older than :data:`QUARTO_MINIMUM` (or does not tell its
    version): the versions found and needed, for the messages; None otherwise."""
    quarto = shutil.which("quarto")
    if quarto is None:
        return None
    match = _VERSION.search(_said_by(quarto))
    found = tuple(int(part or 0) for part in match.groups()) if match else None
    if found is not None and found >= QUARTO_MINIMUM:
        return None
    return {"found": version_text(found) if found else "?", "needed": version_text(QUARTO_MINIMUM)}


def quarto_problem() -> tuple[str, dict[str, str]] | None:
    """Why the Quarto engine cannot run on this machine: a message code (``quarto_missing``,
    ``quarto_too_old``) and its parameters; None when it can."""
    if shutil.which("quarto") is None:
        return "quarto_missing", {}
    too_old = quarto_too_old()
    return ("quarto_too_old", too_old) if too_old else None


ENGINE_VERSIONS = {"pandoc": pandoc_version, "quarto": quarto_version}
"""How each render engine tells its version."""


def recorded_versions(engine: str) -> dict[str, str]:
    """Python, the engine and the main packages, for ``manifest.json``."""
    return {"python": platform.python_version(), "engine": ENGINE_VERSIONS[engine](),
            **{package: package_version(package) for package in RECORDED_PACKAGES}}


def engine_name(requested: str) -> str:
    """The engine ``auto`` stands for: Quarto when a Quarto recent enough is on the PATH, else the
    built-in one."""
    if requested == "auto":
        return "quarto" if quarto_problem() is None else "pandoc"
    return requested
