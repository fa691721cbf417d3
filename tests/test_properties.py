"""What ``check`` accepts, ``build`` builds: a property tested on generated data sets and parameters.

Hypothesis draws a valid town (the fixtures, or one of the seeded generator's unusual towns), puts
values a clerk or an attacker might type into a few of its cells (words in number cells, control
characters, formulas, far dates, very long texts, any script), and draws the report's parameters.
Whenever ``check`` finds no error for those parameters, ``build`` must exit 0; and whatever it
finds, neither of them shows a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datagen import generate
from make_broken_corpus import read_rows, set_cell
from paths import MINIMAL, RICH, ROOT, SAMPLE

from labels_report.cli import main
from labels_report.core.errors import ParameterError
from labels_report.model.quality import check

pytestmark = pytest.mark.slow

TYPED = ["9999", "31/02/2017", "2017-13-01", "0001-01-01", "14.03.2016", "1er mars 2020", "2199-12-31", "1899",
         "=HYPERLINK(\"http://x\",\"x\")", "+33 1 23 45 67 89", "@SUM(A1)", "-", "-12", "1e9", "1 000 000,50 €",
         "50 %", "oui", "NON", "réalisée", "abandoned", "  ", "\x0c", "titre\x0b avec\x07 contrôles", "A01",
         "ville-fleurie;ville-fleurie", "ville-amie-des-enfants", "x" * 300, "مدينة", "友好城市", "🌷", "\"",
         "a\nb", "<script>alert(1)</script>", "{{< include /etc/passwd >}}", "#read(\"/etc/passwd\")"]
VALUES = st.one_of(st.sampled_from(TYPED), st.text(max_size=40))
TABLES = ["labels.csv", "label_events.csv", "actions.csv", "action_years.csv"]


@st.composite
def towns(draw) -> tuple[str, int | None, list[tuple[str, int, str, str]]]:
    """(base, generator seed, cell changes)."""
    base = draw(st.sampled_from(["minimal", "rich", "sample", "generated"]))
    seed = draw(st.integers(0, 10_000)) if base == "generated" else None
    changes = [] if base == "generated" else draw(st.lists(
        st.tuples(st.sampled_from(TABLES), st.integers(2, 8), st.integers(0, 13), VALUES), max_size=3))
    return base, seed, changes


# Mostly parameters a staff member types, sometimes ones a build must refuse.
PARAMETERS = st.fixed_dictionaries({
    "year": st.one_of(st.integers(2014, 2022), st.integers(2014, 2022), st.sampled_from([1899, 1900, 2199, 2200])),
    "as_of": st.one_of(st.none(), st.none(), st.dates(dt.date(2013, 1, 1), dt.date(2023, 12, 31)).map(str),
                       st.sampled_from(["9999-12-31", "0001-01-01"])),
    "horizon": st.one_of(st.just(24), st.integers(1, 120), st.sampled_from([0, 121])),
})


def write_town(folder: Path, base: str, seed: int | None, changes: list[tuple[str, int, int, str]]) -> None:
    if base == "generated":
        generate(folder, seed or 0)
        return
    shutil.copytree({"minimal": MINIMAL, "rich": RICH, "sample": SAMPLE}[base], folder)
    for file, row, column, value in changes:
        rows = read_rows(folder / file)
        if row <= len(rows):
            header = rows[0]
            set_cell(folder, file, row, header[column % len(header)], value)


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(town=towns(), parameters=PARAMETERS)
def test_what_check_accepts_build_builds(town, parameters):
    base, seed, changes = town
    with tempfile.TemporaryDirectory(prefix="property-") as tmp:
        folder = Path(tmp) / "commune"
        write_town(folder, base, seed, changes)
        year, as_of, horizon = parameters["year"], parameters["as_of"], parameters["horizon"]
        try:
            issues = check(folder, year=year, horizon_months=horizon,
                           as_of=dt.date.fromisoformat(as_of) if as_of else None)
        except ParameterError:
            accepted = False
        else:
            accepted = not [i for i in issues if i.severity == "error"]
        args = ["build", "--project", str(ROOT), "--data", str(folder), "--year", str(year), "--horizon", str(horizon),
                "--out", str(Path(tmp) / "out"), "--engine", "pandoc"] + (["--as-of", as_of] if as_of else [])
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(args)
        assert "Traceback" not in err.getvalue()
        if accepted:
            assert code == 0, (base, seed, changes, parameters, err.getvalue()[-3000:])
        else:
            assert code == 2, (base, seed, changes, parameters, err.getvalue()[-3000:])
