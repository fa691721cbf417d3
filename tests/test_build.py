"""One computation per report, a rebuild with nothing to do that does nothing, all editions or none."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import yaml

from labels_report.core.errors import NotebookExecutionError
from labels_report.core.project import Project
from labels_report.data.folder import fingerprint
from labels_report.data.load import load_dataset
from labels_report.model.compute import compute, save
from labels_report.model.params import ReportParams
from labels_report.publish.execute import execute_chapters, markdown_outputs
from labels_report.publish.kernel import ChapterKernel, warm_up_code
from paths import ROOT, SAMPLE

pytestmark = pytest.mark.slow


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_kernel_uses_the_report_it_is_handed_and_never_reads_the_data(tmp_path):
    """The parent computes the report once and hands it over: the six real chapters run on it,
    and the kernel never loads the data set nor computes a report of its own."""
    params = ReportParams(2017)
    computed = compute(load_dataset(SAMPLE), params, fingerprint(SAMPLE))
    project = Project(ROOT)
    with ChapterKernel(tmp_path, warm_up_code(project.fonts_dir)).start() as kernel:
        kernel.prime(save(computed, tmp_path / "report.pickle"))
        parameters = {"data_dir": str(SAMPLE), "year": 2017, "edition": "conseil", "lang": "fr", "as_of": "",
                      "horizon_months": 24, "output_dir": str(tmp_path)}
        chapters = [ROOT / c for c in project.chapters(project.config())]
        executed = execute_chapters(kernel, chapters, parameters, keep=tmp_path)
        kernel.run("import labels_report.model.compute as c\n"
                   "assert not c._DATASETS, 'the kernel loaded the data'\n"
                   "assert len(c._REPORTS) == 1, c._REPORTS.keys()\n")
        kernel.run("import labels_report.model.compute as c\nc._REPORTS.clear()\n")
        executed_again = execute_chapters(kernel, chapters[:1], parameters, keep=tmp_path)
        kernel.run("import labels_report.model.compute as c\nassert len(c._DATASETS) == 1\n")
    assert len(executed) == 6
    text = "\n".join(markdown_outputs(chapter.notebook) for chapter in executed)
    assert "Soissons" in text and "Ville amie des enfants" in text
    assert markdown_outputs(executed_again[0].notebook) == markdown_outputs(executed[0].notebook), \
        "the same report, computed by the kernel itself when nothing was handed over"
    assert not list(tmp_path.glob("*.ipynb")), "executed notebooks are not written when nothing needs them"


def test_each_report_is_computed_once_in_the_parent(tmp_path, monkeypatch):
    import labels_report.publish.build as building

    calls = []
    real = building.compute

    def counting(data, params, digest="", **options):
        calls.append((params.edition, params.lang))
        return real(data, params, digest, **options)

    monkeypatch.setattr(building, "compute", counting)
    building.build(SAMPLE, 2017, editions=["conseil", "public"], engine="pandoc", out=tmp_path, project=ROOT)
    assert sorted(calls) == [("conseil", "fr"), ("public", "fr")]


def test_an_unchanged_rebuild_does_nothing_and_a_change_rebuilds(tmp_path):
    data = tmp_path / "soissons"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    args = ["build", "--data", str(data), "--year", "2017", "--edition", "all", "--engine", "pandoc", "--out", str(out)]
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    published = {edition: snapshot(out / "soissons" / "2017" / edition) for edition in ("conseil", "public")}
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("rien à faire") == 2 and "Chapitre" not in again.stderr
    for edition, files in published.items():
        assert snapshot(out / "soissons" / "2017" / edition) == files, "not even the manifest is rewritten"
    assert not (out / ".build").exists() or not any((out / ".build").iterdir())

    forced = cli(*args, "--force")
    assert forced.returncode == 0 and "Chapitre 1/6 : Synthèse" in forced.stderr
    manifest = json.loads((out / "soissons" / "2017" / "conseil" / "manifest.json").read_text("utf-8"))
    assert manifest["build_key"] == json.loads(published["conseil"]["manifest.json"])["build_key"]

    # The data change: the report is built again, the key changes.
    text = data / "texts" / "2017" / "ville-amie-des-enfants.md"
    text.write_text(text.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    changed = cli(*args)
    assert changed.returncode == 0 and "rien à faire" not in changed.stderr
    after = json.loads((out / "soissons" / "2017" / "conseil" / "manifest.json").read_text("utf-8"))
    assert after["build_key"] != manifest["build_key"]
    assert "Une phrase de plus" in (out / "soissons" / "2017" / "conseil" /
                                    "rapport-labels-soissons-2017.html").read_text("utf-8")

    # A published file removed: that report is built again, the other one is left alone.
    (out / "soissons" / "2017" / "public" / "rapport-labels-soissons-2017.pdf").unlink()
    repaired = cli(*args)
    assert repaired.returncode == 0, repaired.stderr
    [unchanged] = [line for line in repaired.stderr.splitlines() if "rien à faire" in line]
    assert unchanged.endswith("/2017/conseil") and "public (fr) – Chapitre 6/6 : Annexes" in repaired.stderr
    assert (out / "soissons" / "2017" / "public" / "rapport-labels-soissons-2017.pdf").is_file()


def test_the_calendar_file_does_not_depend_on_the_calendar_chapter(project_copy, tmp_path):
    config_path = project_copy / "_quarto.yml"
    config = yaml.safe_load(config_path.read_text("utf-8"))
    config["book"]["chapters"] = [c for c in config["book"]["chapters"] if "calendar" not in c]
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    (project_copy / "notebooks" / "03-calendar.ipynb").unlink()
    from labels_report.publish.build import build

    [result] = build(SAMPLE, 2018, engine="pandoc", out=tmp_path / "out", project=project_copy)
    calendar = icalendar.Calendar.from_ical((result.folder / "echeances.ics").read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert [str(e["UID"]) for e in events] == ["20201231-validity-end-ville-amie-des-enfants@soissons.labels-report"]
    assert 'id="calendar"' not in result.files["html"].read_text("utf-8"), "the chapter is gone, not the file"


def test_all_editions_or_none(project_copy, tmp_path):
    """When the public edition fails, the council edition that succeeded is not published either."""
    out = tmp_path / "out"
    earlier = out / "soissons" / "2017" / "conseil"
    earlier.mkdir(parents=True)
    (earlier / "rapport-labels-soissons-2017.pdf").write_bytes(b"%PDF-1.7 earlier")
    notebook = project_copy / "notebooks" / "06-annexes.ipynb"
    content = json.loads(notebook.read_text("utf-8"))
    content["cells"][1]["source"] = ["assert edition != 'public', 'the public edition fails here'\n",
                                     *content["cells"][1]["source"]]
    notebook.write_text(json.dumps(content), "utf-8")
    from labels_report.publish.build import build

    with pytest.raises(NotebookExecutionError) as caught:
        build(SAMPLE, 2017, editions=["conseil", "public"], engine="pandoc", out=out, project=project_copy)
    assert caught.value.notebook == "06-annexes.ipynb" and caught.value.ename == "AssertionError"
    assert snapshot(out / "soissons") == {"2017/conseil/rapport-labels-soissons-2017.pdf": b"%PDF-1.7 earlier"}
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())
