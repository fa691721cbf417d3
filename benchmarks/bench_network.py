"""Build a network of generated towns in a batch, and measure what the batch promises.

    .venv/bin/python benchmarks/bench_network.py [--towns 100] [--year 2024] [--executor local|dask]

The towns are written by ``generate_town.py`` (each a small town: a few labels,
some actions over a few years) into a temporary folder. The batch runs as a
network's staff would run it (``run_batch``, as ``labels-report batch`` calls it),
each run into its own output folder:

* cold with 1 worker, then cold with 2 workers (``--force``): the speed-up of the
  second worker (a separate process with its own warm kernel);
* per town, warm: the median time of a town in the 1-worker batch (its kernel
  already warm), against a single cold build (``labels-report build --force`` in
  a new process, kernel start included), the median of ``--single`` runs;
* unchanged: the 2-worker batch again on its own output (nothing to do), against
  the cold 2-worker batch;
* peak memory of each worker: its process and everything it started (its chapter
  kernel, Pandoc, Typst), read from ``/proc`` every 100 ms during one more 2-worker
  batch, not timed (reading ``/proc`` takes processor time from the batch).

It prints every figure and the ratios, next to the targets of the issue. This is a
benchmark, not a test: nothing asserts on time. A machine shared with other work shows it
in the figures: each phase also prints the processor time it used (this process and every
process it started, kernels, Pandoc and Typst included) and the machine's load average, so
that a speed-up below the target can be told from a machine that had no second core to give.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate_town import generate
from proctree import processes, tree

from labels_report.publish.batch import Outcome, run_batch

ROOT = Path(__file__).resolve().parents[1]


def generate_network(root: Path, towns: int) -> list[Path]:
    """``towns`` small towns, each with its own name, labels, events and actions."""
    folders = []
    for number in range(towns):
        folder = generate(root / f"commune-{number + 1:03d}", actions=40, labels=5, years=8, seed=number + 1)
        town = (folder / "town.yml").read_text("utf-8").replace("Grandeville-sur-Essai", f"Commune d'essai {number + 1}")
        (folder / "town.yml").write_text(town, "utf-8")
        folders.append(folder)
    return folders


class WorkerMemory:
    """The peak resident memory of each worker process's tree (worker, kernel, Pandoc, Typst) while it runs."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._done.is_set():
            children, rss, command = processes()
            for pid in self._workers(me, children, command):
                self.peaks[pid] = max(self.peaks.get(pid, 0), tree(pid, children, rss)[0])
            time.sleep(0.1)

    @staticmethod
    def _workers(me: int, children: dict[int, list[int]], command: dict[int, str]) -> list[int]:
        """This process's worker processes (local pool), or the Dask workers under its nannies."""
        found = []
        for pid in children.get(me, []):
            line = command.get(pid, "")
            if "resource_tracker" in line:
                continue
            grandchildren = [c for c in children.get(pid, []) if "resource_tracker" not in command.get(c, "")
                             and "ipykernel" not in command.get(c, "")]
            if "spawn_main" in line and grandchildren and not any("ipykernel" in command.get(c, "")
                                                                  for c in children.get(pid, [])):
                found += grandchildren  # a Dask nanny: its worker is the process below it
            else:
                found.append(pid)
        return found

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def cpu_seconds() -> float:
    """Processor time of this process and of its children that ended (workers, kernels, Pandoc, Typst)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def load() -> str:
    return "load " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def batch(data: Path, out: Path, year: int, workers: int, executor: str, force: bool = True):
    start, cpu = time.perf_counter(), cpu_seconds()
    result = run_batch(data, year, editions=["conseil"], workers=workers, executor=executor, engine="pandoc",
                       out=out, project=ROOT, force=force)
    elapsed = time.perf_counter() - start
    failed = result.count(Outcome.FAILED)
    if failed:
        raise SystemExit(f"{failed} towns failed: {[r.failure for r in result.failed][:3]}")
    batch.cpu = cpu_seconds() - cpu  # type: ignore[attr-defined]
    return elapsed, result


def single_cold(data: Path, out: Path, year: int) -> float:
    command = [str(Path(sys.executable).parent / "labels-report"), "build", "--data", str(data), "--year", str(year),
               "--edition", "conseil", "--engine", "pandoc", "--out", str(out), "--project", str(ROOT), "--force"]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--single", type=int, default=5, help="single cold builds timed (default: 5)")
    parser.add_argument("--executor", default="local", choices=["local", "dask"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-network-") as tmp:
        base = Path(tmp)
        folders = generate_network(base / "data", args.towns)
        print(f"{args.towns} generated towns (5 labels, 40 actions, 8 years each); report {args.year}, conseil; "
              f"executor {args.executor}; {os.cpu_count()} cores", flush=True)

        print(f"  ({load()} before the first batch)", flush=True)
        one, one_result = batch(base / "data", base / "out-1", args.year, 1, args.executor)
        print(f"  cold, 1 worker             {one:8.1f} s   ({one / args.towns:.2f} s per town; processor "
              f"{batch.cpu:.0f} s, {batch.cpu / one:.2f} cores busy; {load()})", flush=True)
        two, _two_result = batch(base / "data", base / "out-2", args.year, 2, args.executor)
        print(f"  cold, 2 workers            {two:8.1f} s   ({two / args.towns:.2f} s per town; processor "
              f"{batch.cpu:.0f} s, {batch.cpu / two:.2f} cores busy; {load()})", flush=True)

        warm = statistics.median(r.seconds for r in one_result.results[1:])
        colds = [single_cold(folders[i], base / "out-single", args.year) for i in range(args.single)]
        cold = statistics.median(colds)
        steps = {step: statistics.median(r.timings.get(step, 0.0) for r in one_result.results[1:])
                 for step in ("compute", "execute", "render")}
        print(f"  one town, warm kernel      {warm:8.2f} s   (median over the 1-worker batch, first town left out: "
              + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in steps.items()) + ")")
        print(f"  one town, single cold build{cold:8.2f} s   (median of {args.single} `labels-report build --force`)")

        unchanged, again = batch(base / "data", base / "out-2", args.year, 2, args.executor, force=False)
        assert again.count(Outcome.UNCHANGED) == args.towns, "a second run should find every report up to date"
        print(f"  unchanged, 2 workers       {unchanged:8.2f} s", flush=True)

        # Memory is sampled in a batch of its own: the sampler's reading of /proc would take
        # processor time from the timed batches.
        with WorkerMemory() as memory:
            batch(base / "data", base / "out-memory", args.year, 2, args.executor)

        peaks = sorted((peak for peak in memory.peaks.values() if peak), reverse=True)
        print("\nratios and targets:")
        print(f"  speed-up 1 -> 2 workers    {one / two:8.2f}    (target >= 1.7)")
        print(f"  warm / cold per town       {warm / cold:8.2f}    ({cold / warm:.1f} times faster warm)")
        print(f"  unchanged / cold           {unchanged / two:8.3f}    (target <= 0.05)")
        shown = ", ".join(f"{peak / 2**20:.0f} MiB" for peak in peaks[:4]) or "not measured"
        print(f"  peak memory per worker     {shown}   (target < 1024 MiB; worker, kernel, Pandoc, Typst)")


if __name__ == "__main__":
    main()
