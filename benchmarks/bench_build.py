"""Time the report build against the plain papermill + nbconvert route.

    .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--year 2017]

Prints wall-clock figures (best of N) and ratios. Both routes execute the same
chapter notebooks with the same parameters for the council and public
editions:

* plain: one papermill call per notebook (a new kernel each), then nbconvert
  to HTML without code for each executed notebook: what a newcomer would write;
* labels-report: one kernel per edition handed to papermill for every chapter,
  editions in parallel, then Pandoc + Typst for one HTML page and one PDF.

This is a benchmark, not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "soissons"


def plain_route(year: int, out: Path, parallel: bool = False) -> None:
    """One papermill call per notebook (a new kernel each), then nbconvert to HTML without code."""
    import papermill

    from labels_report.core.project import Project

    project = Project(ROOT)
    chapters = [ROOT / c for c in project.chapters(project.config())]

    def one_edition(edition: str) -> None:
        folder = out / edition
        folder.mkdir(parents=True)
        for notebook in chapters:
            executed = folder / notebook.name
            papermill.execute_notebook(str(notebook), str(executed), progress_bar=False, kernel_name="python3",
                                       parameters={"data_dir": str(DATA), "year": year, "edition": edition,
                                                   "lang": "fr", "output_dir": str(folder)})
            subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input",
                            str(executed)], check=True, capture_output=True)

    editions = ("conseil", "public")
    if parallel:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(one_edition, editions))
    else:
        for edition in editions:
            one_edition(edition)


def our_route(year: int, out: Path) -> None:
    from labels_report.publish.build import build

    build(DATA, year, editions=["conseil", "public"], engine="pandoc", out=out, project=ROOT)


def best_of(route, year: int, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            route(year, Path(tmp))
            times.append(time.perf_counter() - start)
    return min(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2017)
    args = parser.parse_args()
    routes = {
        "plain papermill + nbconvert, editions one after another": plain_route,
        "plain papermill + nbconvert, editions in parallel": lambda y, o: plain_route(y, o, parallel=True),
        "labels-report build (HTML + PDF, both editions)": our_route,
    }
    results = {}
    for name, route in routes.items():
        best, times = best_of(route, args.year, args.repeat)
        results[name] = best
        print(f"{name:58} best {best:6.2f} s   median {statistics.median(times):6.2f} s   ({args.repeat} runs)")
    from labels_report.data.load import load_dataset

    load_dataset(DATA)  # imports warmed
    loads = []
    for _ in range(max(args.repeat, 5)):
        start = time.perf_counter()
        load_dataset(DATA)
        loads.append(time.perf_counter() - start)
    print(f"{'reading and checking the sample data (load_dataset)':58} best {min(loads):6.3f} s")
    ours = results["labels-report build (HTML + PDF, both editions)"]
    for name, value in results.items():
        if value is not ours:
            print(f"ratio {name} / labels-report: {value / ours:4.2f}")


if __name__ == "__main__":
    main()
