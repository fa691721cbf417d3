"""Shared fixtures: the sample report is built once per test session, for real."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import ROOT, SAMPLE

BUILDING_FIXTURES = {"sample_build", "sample_builds", "twice", "planted_build", "hostile_build", "big_build",
                     "year_builds"}
"""Fixtures that build whole reports: a test that uses one is slow (``make test-fast`` leaves it out)."""


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory):
    """The sample town's 2017 report in every edition and language, keyed by (edition, lang)."""
    from labels_report.publish.build import build

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
