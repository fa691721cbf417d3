"""The command line: help, clear one-line failures, nothing half-written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import BROKEN, ROOT, SAMPLE


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_help_lists_every_command_and_option():
    out = run("--help").stdout
    # each command on a line of its own, with what it does
    listed = set(re.findall(r"^ {2}([a-z]+) {2,}\S", out, re.MULTILINE))
    assert listed == {"build", "check", "template", "init", "serve", "import", "batch"}, out
    build_help = run("build", "--help").stdout
    described = set(re.findall(r"^\s+(--[a-z-]+)", build_help, re.MULTILINE))
    assert {"--data", "--year", "--edition", "--lang", "--engine", "--out", "--as-of", "--horizon", "--project",
            "--force", "--keep-notebooks"} <= described, build_help


@pytest.mark.parametrize("year", ["2016", "2017", "2018"])
def test_sample_data_pass_check_with_no_error(year):
    result = run("check", "--data", str(SAMPLE), "--year", year)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^0 erreur, \d+ avertissements?$", result.stdout, re.MULTILINE), result.stdout
    assert not re.search(r"^erreur ", result.stdout, re.MULTILINE)
    assert "Traceback" not in result.stderr


def test_quarto_engine_without_quarto_is_one_clear_sentence(tmp_path):
    # The PATH without any folder that holds a quarto command.
    path = os.pathsep.join(folder for folder in os.environ["PATH"].split(os.pathsep)
                           if not (Path(folder) / "quarto").exists())
    result = subprocess.run([sys.executable, "-m", "labels_report.cli", "build", "--data", str(SAMPLE), "--year",
                             "2017", "--engine", "quarto", "--out", str(tmp_path)], cwd=ROOT, capture_output=True,
                            text=True, check=False, env={**os.environ, "PATH": path})
    assert result.returncode == 2
    assert result.stderr.startswith("Rien n'a été publié : le moteur Quarto est demandé")
    assert "« quarto » n'est pas installée" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_outside_a_project_says_so(tmp_path):
    result = run("build", "--data", str(SAMPLE), "--year", "2017", cwd=tmp_path)
    assert result.returncode == 2
    assert "_quarto.yml" in result.stderr and "Traceback" not in result.stderr


def test_bad_data_exit_2_nothing_written_previous_output_intact(tmp_path, sample_builds_of):
    out = tmp_path / "out"
    shutil.copytree(sample_builds_of("pandoc")[("conseil", "fr")].folder, out / "soissons" / "2017" / "conseil")
    before = snapshot(out)
    data = tmp_path / "data" / "soissons"
    shutil.copytree(SAMPLE, data)
    events = data / "label_events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("2016-12-14", "2016-02-31"), encoding="utf-8")
    result = run("build", "--data", str(data), "--year", "2017", "--out", str(out))
    assert result.returncode == 2
    assert "label_events.csv" in result.stderr and "2016-02-31" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_failing_chapter_publishes_nothing_and_keeps_the_notebook(tmp_path, project_copy, sample_builds_of):
    out = tmp_path / "out"
    shutil.copytree(sample_builds_of("pandoc")[("conseil", "fr")].folder, out / "soissons" / "2017" / "conseil")
    before = snapshot(out / "soissons")
    broken = project_copy / "notebooks" / "02-labels.ipynb"
    notebook = json.loads(broken.read_text(encoding="utf-8"))
    code = notebook["cells"][1]["source"]
    notebook["cells"][1]["source"] = ["".join(code).replace('"labels"', '"no-such-chapter"')]
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    result = run("build", "--project", str(project_copy), "--data", str(SAMPLE), "--year", "2017",
                 "--out", str(out), "--engine", "pandoc", cwd=tmp_path)
    assert result.returncode == 1
    assert "Rien n'a été publié : le chapitre 02-labels.ipynb a échoué (cellule 2) : KeyError" in result.stderr
    kept = list((out / ".failed").glob("*/02-labels.ipynb"))
    assert kept and str(kept[0]) in result.stderr, "the partly executed notebook is kept, and said where"
    assert not (out / ".build").exists() and not (out / ".staging").exists(), "nothing else is left"
    assert snapshot(out / "soissons") == before


BROKEN_CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())


@pytest.mark.slow
@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda p: p.name)
def test_every_broken_data_set_stops_the_build(case, tmp_path, capsys):
    """Each purpose-built mistake: exit 2, the exact message (file, row, column, value), no traceback,
    and nothing under the output folder changes."""
    from labels_report.cli import main

    out = tmp_path / "out"
    (out / "soissons" / "2017" / "conseil").mkdir(parents=True)
    (out / "soissons" / "2017" / "conseil" / "earlier-report.pdf").write_bytes(b"%PDF-1.7 earlier")
    before = snapshot(out)
    code = main(["build", "--project", str(ROOT), "--data", str(case), "--year", "2017", "--out", str(out),
                 "--engine", "pandoc"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [printed.strip() for printed in err.splitlines()]
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        severity, file, row, column, value, message = (part.strip() for part in line.split(" | ", 5))
        # The whole expected row, on one line of the table and in column order (a row number
        # such as "3" alone would be found anywhere in the output). The table shortens a long
        # value with "…".
        cells = [re.escape(part) for part in (severity, file, row, column) if part and part != "-"]
        if value and value != "-":
            cells.append(r"(?P<value>.+?)")
        cells.append(re.escape(message) + "$")
        pattern = re.compile(r"\s+".join(cells))
        found = [m for m in map(pattern.match, lines) if m]
        if value and value != "-":
            found = [m for m in found if m["value"] == value
                     or (m["value"].endswith("…") and value.startswith(m["value"][:-1]))]
        assert found, f"{line!r} missing from:\n{err}"
    assert snapshot(out) == before


def test_a_data_folder_that_does_not_exist_is_named(tmp_path, capsys):
    from labels_report.cli import main

    missing = tmp_path / "Château-Thierry"
    code = main(["build", "--project", str(ROOT), "--data", str(missing), "--year", "2017",
                 "--out", str(tmp_path / "out"), "--engine", "pandoc"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert str(missing) in err and "folder_missing" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))
