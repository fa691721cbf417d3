"""Where the tests find the project and their inputs: one place for every path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
"""The report project (the folder holding ``_quarto.yml``)."""
SAMPLE = ROOT / "data" / "soissons"
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
RICH = FIXTURES / "rich"
MINIMAL = FIXTURES / "minimal"
NOTEBOOKS = TESTS / "notebooks"
"""Purpose-built notebooks for the execution tests."""
BROKEN = TESTS / "broken"
WARNINGS = TESTS / "warnings"
REPORT_DIR = ROOT / "report"
TOOLS = TESTS / ".tools" / "node_modules"
"""axe-core and the Nu HTML Checker, installed from npm by ``.ci/run``."""


def require_tools() -> bool:
    """Under CI (.ci/run) a missing browser or checker is a failure, not a skip."""
    return os.environ.get("LABELS_REPORT_REQUIRE_TOOLS") == "1"


def need(condition: bool, message: str) -> None:
    if not condition:
        if require_tools():
            pytest.fail(message)
        pytest.skip(message)


def need_quarto() -> None:
    """Quarto 1.9.18 or newer on the PATH (a failure under CI, else a skip that says how to get it)."""
    from labels_report.core.i18n import catalogue
    from labels_report.publish.versions import quarto_problem

    problem = quarto_problem()
    said = catalogue("en").text(f"error.{problem[0]}", **problem[1]) if problem else ""
    need(problem is None, f"{said} (for the Quarto engine's tests: .ci/run installs Quarto 1.9 from "
                          "../shared/quarto with `../shared/quarto/install.sh .quarto && "
                          "export PATH=$PWD/.quarto/bin:$PATH`)")
