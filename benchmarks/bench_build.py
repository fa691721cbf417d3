"""Time a build of the sample report against the plain papermill + nbconvert route, side by side.

    .venv/bin/python benchmarks/bench_build.py [--repeat 5] [--year 2017] [--edition conseil]

Each route builds the same edition (HTML and PDF) of the sample town from the
same chapter notebooks, every run in a fresh output folder, the routes taking
turns so that both see the same machine:

* plain: what a newcomer writes: ``papermill`` (its command line: a new process
  and a new kernel) for each chapter notebook, then ``jupyter nbconvert --to
  html --no-input`` and ``--to webpdf --no-input`` for each executed notebook
  (webpdf prints with the machine's Chromium; ``--to pdf`` would need LaTeX);
* cold: ``labels-report build --force`` in a new process (kernel started, data
  read, report computed, chapters executed, HTML and PDF rendered, published),
  with the built-in engine;
* quarto: the same with ``--engine quarto`` (real Quarto renders the same
  report), when a Quarto recent enough is on the PATH;
* unchanged: ``labels-report build`` again on the published report: it finds
  the inputs unchanged and does nothing.

It prints every time, the medians, and the ratios cold / plain, quarto / cold,
quarto / plain and unchanged / cold. This is a benchmark, not a test: nothing
asserts on time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "soissons"
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")


def chapters() -> list[Path]:
    from labels_report.core.project import Project

    project = Project(ROOT)
    return [ROOT / c for c in project.chapters(project.config())]


def webpdf_environment(folder: Path) -> dict[str, str] | None:
    """nbconvert's webpdf prints with Playwright's Chromium; point Playwright at the machine's
    Chromium (Debian's package) where it looks for its own, instead of downloading one."""
    if not CHROMIUM.exists():
        return None
    listing = subprocess.run([sys.executable, "-m", "playwright", "install", "--dry-run", "chromium"],
                             capture_output=True, text=True, check=False).stdout
    match = re.search(r"(chromium_headless_shell-\d+)", listing)
    if match is None:
        return None
    target = folder / match.group(1) / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.symlink_to(CHROMIUM)
    return {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(folder)}


def plain_route(year: int, edition: str, out: Path, env: dict[str, str] | None) -> None:
    for notebook in chapters():
        executed = out / notebook.name
        subprocess.run([str(BIN / "papermill"), str(notebook), str(executed), "--no-progress-bar", "-k", "python3",
                        "-p", "data_dir", str(DATA), "-p", "year", str(year), "-p", "edition", edition,
                        "-p", "lang", "fr", "-p", "output_dir", str(out)],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
        if env is not None:
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "webpdf", "--no-input",
                            "--WebPDFExporter.disable_sandbox=True", str(executed)],
                           check=True, capture_output=True, env=env)


def build_command(year: int, edition: str, out: Path, *extra: str, engine: str = "pandoc") -> list[str]:
    return [str(BIN / "labels-report"), "build", "--data", str(DATA), "--year", str(year), "--edition", edition,
            "--engine", engine, "--out", str(out), "--project", str(ROOT), *extra]


def quarto_missing() -> str | None:
    from labels_report.publish.versions import quarto_problem

    return quarto_problem()


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--edition", default="conseil", choices=["conseil", "public"])
    args = parser.parse_args()
    times: dict[str, list[float]] = {"plain": [], "cold": [], "quarto": [], "unchanged": []}
    missing = quarto_missing()
    if missing:
        print(f"{missing} The Quarto route is not timed.")
        del times["quarto"]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        env = webpdf_environment(Path(tmp) / "ms-playwright")
        if env is None:
            print("Chromium not found: the plain route is timed without its PDF step (webpdf).")
        for run in range(args.repeat):
            plain_out, our_out = Path(tmp) / f"plain-{run}", Path(tmp) / f"ours-{run}"
            plain_out.mkdir()
            times["plain"].append(timed(partial(plain_route, args.year, args.edition, plain_out, env)))
            cold = build_command(args.year, args.edition, our_out, "--force")
            times["cold"].append(timed(partial(subprocess.run, cold, check=True, capture_output=True)))
            if "quarto" in times:
                quarto = build_command(args.year, args.edition, Path(tmp) / f"quarto-{run}", "--force", engine="quarto")
                times["quarto"].append(timed(partial(subprocess.run, quarto, check=True, capture_output=True)))
            unchanged = build_command(args.year, args.edition, our_out)
            again = subprocess.run(unchanged, check=True, capture_output=True, text=True)
            assert "rien à faire" in again.stderr, again.stderr  # the timed run below is the unchanged one
            times["unchanged"].append(timed(partial(subprocess.run, unchanged, check=True, capture_output=True)))
            print(f"run {run + 1}: " + "   ".join(f"{k} {v[-1]:6.2f} s" for k, v in times.items()), flush=True)
            shutil.rmtree(plain_out)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nmedians over {args.repeat} runs, one edition ({args.edition}, {args.year}), HTML + PDF:")
    labels = {"plain": "plain papermill + nbconvert (html, webpdf)", "cold": "labels-report build, cold",
              "quarto": "labels-report build --engine quarto, cold", "unchanged": "labels-report build, inputs unchanged"}
    for name, value in median.items():
        print(f"  {labels[name]:44} {value:7.2f} s   (best {min(times[name]):.2f} s)")
    print(f"  ratio cold / plain:       {median['cold'] / median['plain']:.3f}")
    if "quarto" in median:
        print(f"  ratio quarto / cold:      {median['quarto'] / median['cold']:.3f}")
        print(f"  ratio quarto / plain:     {median['quarto'] / median['plain']:.3f}")
    print(f"  ratio unchanged / cold:   {median['unchanged'] / median['cold']:.3f}")


if __name__ == "__main__":
    main()
