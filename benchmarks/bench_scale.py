"""Build the council edition of a large generated town, and measure its time and memory.

    .venv/bin/python benchmarks/bench_scale.py [--actions 20000] [--labels 100] [--years 50] [--year 2024]

The town is written by ``generate_town.py`` into a temporary folder (or taken
from ``--data``). The build runs as a staff member would run it
(``labels-report build --edition conseil``); while it runs, the memory of the
whole process tree (the command, its chapter kernel, Pandoc, Typst) is read
from ``/proc`` every 50 ms. It prints the wall-clock time, the peak of the
tree's total resident memory and of its largest process, and the size of what
was published. Targets of the project: under 2 minutes and under 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate_town import generate
from proctree import processes, tree

ROOT = Path(__file__).resolve().parents[1]


def tree_rss(root: int) -> tuple[int, int]:
    """(total, largest) resident memory in bytes of ``root`` and all its descendants."""
    children, rss, _command = processes()
    return tree(root, children, rss)


def measure(command: list[str]) -> tuple[float, int, int, subprocess.CompletedProcess]:
    peak = [0, 0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, largest = tree_rss(process.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak[0], peak[1], subprocess.CompletedProcess(command, process.returncode, out, err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="an existing town folder (default: generate one)")
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--edition", default="conseil", choices=["conseil", "public"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        data = args.data or generate(Path(tmp) / "grandeville", actions=args.actions, labels=args.labels,
                                     years=args.years)
        out = Path(tmp) / "out"
        command = [str(Path(sys.executable).parent / "labels-report"), "build", "--data", str(data),
                   "--year", str(args.year), "--edition", args.edition, "--engine", "pandoc", "--out", str(out),
                   "--project", str(ROOT), "--force"]
        elapsed, total, largest, result = measure(command)
        if result.returncode != 0:
            print(result.stderr[-3000:])
            raise SystemExit(f"the build failed (exit {result.returncode})")
        [manifest_path] = out.rglob("manifest.json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        folder = manifest_path.parent
        pdf = next(folder.glob("*.pdf"))
        from pypdf import PdfReader

        pages = len(PdfReader(pdf).pages)
        print(f"town: {args.actions} actions, {args.labels} labels, {args.years} years of events; "
              f"report {args.year}, edition {args.edition}")
        print(f"  wall-clock time            {elapsed:8.1f} s   (target < 120 s)")
        print(f"  peak memory, whole tree    {total / 2**30:8.2f} GiB (target < 2 GiB)")
        print(f"  peak memory, one process   {largest / 2**30:8.2f} GiB")
        print("  steps (s): " + ", ".join(f"{k} {v}" for k, v in manifest["timings_seconds"].items()))
        print(f"  PDF {pdf.stat().st_size / 2**20:.1f} MiB, {pages} pages; "
              f"HTML {next(folder.glob('*.html')).stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
