"""Shared fixtures: the sample report is built once per test session and engine, for real.

Tests that build reports take the ``engine`` fixture (directly or through
``sample_builds``) and so run for both render engines: the built-in one
(``pandoc``) and Quarto. Under CI (LABELS_REPORT_REQUIRE_TOOLS=1) a missing or
too old Quarto is a failure; elsewhere the Quarto half is skipped, saying why.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from paths import ROOT, SAMPLE, need_quarto

ENGINES = ["pandoc", "quarto"]
BUILDING_FIXTURES = {"sample_build", "sample_builds", "sample_builds_of", "twice", "planted_build", "hostile_build",
                     "big_build", "year_builds"}
"""Fixtures that build whole reports: a test that uses one is slow (``make test-fast`` leaves it out)."""


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    """The render engine a test builds with: every such test runs for both."""
    if request.param == "quarto":
        need_quarto()
    return request.param


@pytest.fixture(scope="session")
def sample_builds_of(tmp_path_factory) -> Callable[[str], dict]:
    """The sample town's 2017 report in every edition and language, built with an engine (once
    per session and engine), keyed by (edition, lang)."""
    from labels_report.publish.build import build

    built: dict[str, dict] = {}

    def of(engine: str) -> dict:
        if engine == "quarto":
            need_quarto()
        if engine not in built:
            out = tmp_path_factory.mktemp(f"output-{engine}")
            results = build(SAMPLE, 2017, editions=["conseil", "public"], langs=["fr", "en"], engine=engine, out=out,
                            project=ROOT)
            built[engine] = {(r.params.edition, r.params.lang): r for r in results}
        return built[engine]

    return of


@pytest.fixture(scope="session")
def sample_builds(engine, sample_builds_of):
    """The sample town's 2017 report in every edition and language, keyed by (edition, lang)."""
    return sample_builds_of(engine)


@pytest.fixture(scope="session")
def sample_build(sample_builds):
    """The sample town's 2017 report in French, keyed by edition."""
    return {edition: result for (edition, lang), result in sample_builds.items() if lang == "fr"}


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the report project (for tests that break it)."""
    target = tmp_path / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", ".git", "_output", "tests", "*.pyc",
                                                               "__pycache__", "node_modules", ".quarto"))
    return target
