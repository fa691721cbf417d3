"""Faults: builds interrupted (Ctrl-C, SIGTERM) or killed at several moments, and builds of the same
report at once. Afterwards the published folder holds one complete report, a following build
succeeds, and nothing temporary is left."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labels_report.publish import publication
from paths import ROOT, SAMPLE

pytestmark = pytest.mark.slow

PATIENCE = 120
"""Seconds a test waits for a build at most, so that a hanging build fails the test rather than CI."""


def command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "labels_report.cli", "build", "--data", str(SAMPLE), "--year", "2017",
            "--edition", "all", "--engine", "pandoc", "--out", str(out), "--project", str(ROOT), *extra]


def complete(folder: Path) -> bool:
    """The folder holds a whole report: its manifest lists every file with the right digest."""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return all((folder / name).is_file() and hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
               for name, digest in manifest["outputs"].items())


def private_left(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for kind in (publication.BUILDS, publication.STAGING)
                  for p in (out / kind).glob("*")) + \
        sorted(p.name for p in (out / "soissons" / "2017").glob(".*"))


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def run_until(out: Path, trigger: str, then: signal.Signals, *extra: str) -> tuple[subprocess.Popen, str, list[int]]:
    """Start a build, wait for ``trigger`` in its progress, send it ``then``; return it, its output
    and the processes it had started (its kernels)."""
    process = subprocess.Popen(command(out, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    deadline = time.monotonic() + PATIENCE
    kernels: list[int] = []
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        kernels = kernels or children(process.pid)
        if trigger in line or time.monotonic() > deadline:
            break
    assert any(trigger in line for line in seen), "".join(seen)
    kernels = kernels or children(process.pid)
    process.send_signal(then)
    rest = process.communicate(timeout=PATIENCE)[1]
    return process, "".join(seen) + rest, kernels


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A complete earlier publication of both editions, copied for each test."""
    out = tmp_path_factory.mktemp("earlier")
    result = subprocess.run(command(out), capture_output=True, text=True, timeout=PATIENCE)
    assert result.returncode == 0, result.stderr
    return out


def published(earlier: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "soissons").rglob("*") if p.is_file()}
    return out, before


@pytest.mark.parametrize("moment", ["Lecture et contrôle", "Chapitre 2/6", "Chapitre 6/6", "Mise en page : PDF"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_stops_publishes_nothing_and_cleans_up(earlier, tmp_path, moment, how):
    out, before = published(earlier, tmp_path)
    process, output, kernels = run_until(out, moment, how, "--force")
    assert process.returncode == 130, output
    assert "Rien n'a été publié : construction interrompue." in output
    assert "Traceback" not in output
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "soissons").rglob("*") if p.is_file()}
    assert after == before, "the earlier reports are exactly as they were"
    assert private_left(out) == []
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in kernels) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in kernels if alive(pid)], "its kernels are stopped"
    again = subprocess.run(command(out), capture_output=True, text=True, timeout=PATIENCE)
    assert again.returncode == 0 and again.stderr.count("rien à faire") == 2, again.stderr


@pytest.mark.parametrize("moment", ["Chapitre 3/6", "Mise en page : PDF", "Mise en page : page web", "Publié"])
def test_a_killed_build_leaves_one_complete_report_and_the_next_build_repairs(earlier, tmp_path, moment):
    out, _before = published(earlier, tmp_path)
    process, output, _kernels = run_until(out, moment, signal.SIGKILL, "--force")
    assert process.returncode == -signal.SIGKILL
    for edition in ("conseil", "public"):
        assert complete(out / "soissons" / "2017" / edition), (moment, edition)
    again = subprocess.run(command(out), capture_output=True, text=True, timeout=PATIENCE)
    assert again.returncode == 0, again.stderr
    assert private_left(out) == [], "what the killed build left is removed by the next one"
    for edition in ("conseil", "public"):
        assert complete(out / "soissons" / "2017" / edition)


def test_two_builds_of_the_same_report_at_once_take_turns(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen(command(out, "--force"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command(out, "--force"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=2 * PATIENCE)[1] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert sum("attente de sa fin" in output for output in outputs) == 1, outputs
    assert not any("Traceback" in output for output in outputs)
    for edition in ("conseil", "public"):
        assert complete(out / "soissons" / "2017" / edition)
    assert private_left(out) == []


def test_a_report_set_aside_by_a_killed_build_is_put_back(tmp_path):
    """Where the system cannot swap two folders in one step, the old report is set aside for an
    instant; if the build is killed then, the next one puts it back."""
    destination = tmp_path / "soissons" / "2017" / "conseil"
    aside = destination.with_name(".conseil.previous-999999999-abcdef12")
    aside.mkdir(parents=True)
    (aside / "manifest.json").write_text("{}", "utf-8")
    publication.repair(destination)
    assert (destination / "manifest.json").is_file() and not aside.exists()
    # set aside by a build that still runs (this one): left to it
    mine = destination.with_name(f".conseil.previous-{os.getpid()}-abcdef12")
    mine.mkdir()
    publication.repair(destination)
    assert mine.exists()


def test_publishing_swaps_the_folders_in_one_step(tmp_path):
    new, old = tmp_path / "new", tmp_path / "old"
    for folder, text in ((new, "new"), (old, "old")):
        folder.mkdir()
        (folder / "report.txt").write_text(text, "utf-8")
    if not publication.exchange(new, old):
        pytest.skip("this file system cannot swap two folders in one step: the other path is used")
    assert (old / "report.txt").read_text("utf-8") == "new" and (new / "report.txt").read_text("utf-8") == "old"
