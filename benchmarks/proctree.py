"""The machine's process tree and resident memory, read from /proc (Linux): what the
benchmarks measure memory with."""

from __future__ import annotations

from pathlib import Path

PAGE = 4096


def processes() -> tuple[dict[int, list[int]], dict[int, int], dict[int, str]]:
    """(children of each process, resident bytes of each process, command line of each process)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    command: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(statm[1]) * PAGE
        command[pid] = cmdline
    return children, rss, command


def tree(root: int, children: dict[int, list[int]], rss: dict[int, int]) -> tuple[int, int]:
    """(total, largest) resident bytes of ``root`` and all its descendants."""
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        stack += children.get(pid, [])
    return total, largest
