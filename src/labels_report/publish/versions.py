"""Versions of what a build runs, read without importing or running the heavy parts."""

from __future__ import annotations

import platform
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


@cache
def quarto_version() -> str:
    quarto = shutil.which("quarto")
    if quarto is None:
        return "quarto (absent)"
    out = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
    return f"quarto {out.stdout.strip()}"


ENGINE_VERSIONS = {"pandoc": pandoc_version, "quarto": quarto_version}
"""How each render engine tells its version."""


def recorded_versions(engine: str) -> dict[str, str]:
    """Python, the engine and the main packages, for ``manifest.json``."""
    return {"python": platform.python_version(), "engine": ENGINE_VERSIONS[engine](),
            **{package: package_version(package) for package in RECORDED_PACKAGES}}


def engine_name(requested: str) -> str:
    """The engine ``auto`` stands for: Quarto when it is on the PATH, else the built-in one."""
    if requested == "auto":
        return "quarto" if shutil.which("quarto") else "pandoc"
    return requested
