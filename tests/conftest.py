"""Shared fixtures: the sample report is built once per test session, for real."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "soissons"
TOOLS = ROOT / "tests" / ".tools" / "node_modules"


def require_tools() -> bool:
    """Under CI (.ci/run) a missing browser or checker is a failure, not a skip."""
    return os.environ.get("LABELS_REPORT_REQUIRE_TOOLS") == "1"


def need(condition: bool, message: str) -> None:
    if not condition:
        if require_tools():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory):
    """The sample town's 2017 report in every edition and language, keyed by (edition, lang)."""
    from labels_report.build import build

    out = tmp_path_factory.mktemp("output")
    results = build(SAMPLE, 2017, editions=["conseil", "public"], langs=["fr", "en"], engine="pandoc", out=out,
                    project=ROOT)
    return {(r.params.edition, r.params.lang): r for r in results}


@pytest.fixture(scope="session")
def sample_build(sample_builds):
    """The sample town's 2017 report in French, keyed by edition."""
    return {edition: result for (edition, lang), result in sample_builds.items() if lang == "fr"}


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the report project (for tests that break it)."""
    target = tmp_path / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", ".git", "_output", "tests", "*.pyc",
                                                               "__pycache__", "node_modules"))
    return target
