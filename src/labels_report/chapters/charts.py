"""Figures: one theme, a colour-blind-safe palette that survives grey printing.

Every figure function draws numbers it is given (taken from a table of the
report, whose CSV the figure links to) and saves a PNG; the chapter writes the
alt text from the same numbers. Colours are Okabe-Ito; each series also has
its own hatch, so a grey print still tells them apart. No word is written
here: titles, legends and labels come from the caller (the catalogue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors  # noqa: E402
import matplotlib.dates  # noqa: E402
import matplotlib.lines  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

from labels_report.core.errors import ProjectNotFoundError  # noqa: E402
from labels_report.core.project import Project  # noqa: E402
from labels_report.data.vocabulary import Event  # noqa: E402

# Okabe-Ito colours, ordered so that neighbours also differ in lightness (grey print).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
INK = "#333333"
LABEL_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}

FALLBACK_FONTS = ("Droid Sans Fallback", "Symbola")
"""Fonts of the project's ``report/fonts/`` for characters DejaVu Sans lacks (Chinese, emoji...)."""


_FONT_FOLDERS: list[Path] = []


def use_fonts(folder: Path | str) -> None:
    """Draw with the fallback fonts of ``folder`` (the project's ``report/fonts/``) too.
    Without a call, the fonts of the project found from the current folder are used."""
    path = Path(folder)
    if path not in _FONT_FOLDERS:
        _FONT_FOLDERS.append(path)
        _font_families.cache_clear()


@cache
def _font_families() -> tuple[str, ...]:
    """DejaVu Sans, then the project's fallback fonts that are there (matplotlib takes each
    character from the first font that has it)."""
    from matplotlib import font_manager

    folders = list(_FONT_FOLDERS)
    if not folders:
        try:
            folders = [Project.find().fonts_dir]
        except ProjectNotFoundError:
            folders = []
    for folder in folders:
        for path in sorted(folder.glob("*.[ot]tf")) if folder.is_dir() else []:
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError):
                continue
    known = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(family for family in FALLBACK_FONTS if family in known))


THEME = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "hatch.color": INK,
    "hatch.linewidth": 0.6,
    "svg.hashsalt": "labels-report",
    "path.simplify": True,
}

MARKERS: dict[str, str] = {Event.AWARDED: "D", Event.RENEWED: "s", Event.LEVEL_CHANGED: "^", Event.JURY_VISIT: "o",
                           Event.APPLIED: "v", Event.SUSPENDED: "P", Event.WITHDRAWN: "X", Event.EXPIRED: "*"}
"""Event markers on the timeline: a shape per kind of event (not only a colour)."""


def theme() -> dict[str, object]:
    """The figures' matplotlib settings, with the fonts known now."""
    return {**THEME, "font.family": list(_font_families())}


def plain(text: str) -> str:
    """``text`` drawn as typed: a data string with two ``$`` must not become mathtext."""
    return str(text).replace("$", r"\$")


def _new_figure(width: float, height: float, ncols: int = 1):
    plt.close("all")
    with plt.rc_context(theme()):
        fig, ax = plt.subplots(1, ncols, figsize=(width, height), layout="constrained")
    return fig, ax


def _save(fig, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(theme()):
        # No timestamp or software version in the file: same data, same bytes.
        fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def warm_up() -> None:
    """Draw and save one small figure, so that the first real one does not pay for loading
    the fonts and the drawing machinery."""
    import io

    with plt.rc_context(theme()):
        fig, ax = _new_figure(2, 1)
        ax.barh([0, 1], [1, 2], hatch=HATCHES[1], label="x")
        ax.set_title("Année 2000")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


@dataclass(frozen=True)
class Segment:
    start: dt.date
    end: dt.date
    text: str = ""
    """Written on the bar (the level: "3 fleurs")."""
    open: bool = False
    """The end is not recorded: the bar stops at the reference date with an arrow."""


@dataclass(frozen=True)
class TimelineRow:
    label: str
    segments: Sequence[Segment] = ()
    markers: Sequence[tuple[dt.date, str]] = field(default_factory=tuple)
    """(date, event word code) drawn as a marker."""


def timeline(rows: Sequence[TimelineRow], path: Path, *, title: str, year_label: str, reference: dt.date,
             reference_text: str, marker_names: dict[str, str]) -> None:
    """Validity periods across the years, one row per label, one bar per level.

    Consecutive periods of a label alternate between two shades and their
    hatches, so that a change of level shows in colour and in grey.
    """
    with plt.rc_context(theme()):
        fig, ax = _new_figure(7.5, 0.6 * max(len(rows), 2) + 1.6)
        dates = [reference]
        for row in rows:
            dates += [d for s in row.segments for d in (s.start, s.end)] + [d for d, _ in row.markers]
        first = min(dates).year
        last = max(dates).year + 1
        # A level is written on its bar only where it fits: a figure 7.5 inches wide gives the
        # bars about 5.5, and a character of the bar's text is about 0.055 inch.
        days_per_inch = (last - first) * 365.25 / 5.5
        markers: dict[str, tuple[list[float], list[int]]] = {}
        for i, row in enumerate(rows):
            colour = PALETTE[i % len(PALETTE)]
            starts = [matplotlib.dates.date2num(s.start) for s in row.segments]
            ends = [matplotlib.dates.date2num(s.end) for s in row.segments]
            if row.segments:
                # One call per label: each period its shade and hatch.
                ax.barh([i] * len(starts), [max(e - s, 20) for s, e in zip(starts, ends, strict=True)], left=starts,
                        height=0.55, edgecolor=INK, linewidth=0.6,
                        color=[matplotlib.colors.to_rgba(colour, 1.0 if j % 2 == 0 else 0.55)
                               for j in range(len(starts))],
                        hatch=[HATCHES[(i + j) % len(HATCHES)] for j in range(len(starts))])
            for segment, start, end in zip(row.segments, starts, ends, strict=True):
                if segment.open:
                    ax.annotate("", xy=(end + 150, i), xytext=(end, i),
                                arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.2})
                if segment.text and (end - start) >= (len(segment.text) * 0.055 + 0.05) * days_per_inch:
                    ax.text(start + 30, i - 0.36, plain(segment.text), va="bottom", ha="left", fontsize=7.5,
                            color=INK, bbox=LABEL_BOX, zorder=4)
            for when, kind in row.markers:
                xs, ys = markers.setdefault(kind, ([], []))
                xs.append(matplotlib.dates.date2num(when))
                ys.append(i)
        for kind, (xs, ys) in markers.items():
            ax.plot(xs, ys, linestyle="none", marker=MARKERS.get(kind, "o"), markerfacecolor="white",
                    markeredgecolor="#000000", markersize=6, zorder=3)
        ax.axvline(matplotlib.dates.date2num(reference), color="#000000", linestyle="--", linewidth=1)
        ax.text(matplotlib.dates.date2num(reference), -0.75, plain(reference_text), fontsize=7.5, ha="center",
                va="bottom", color="#000000", bbox=LABEL_BOX, zorder=4)
        ax.set_yticks(range(len(rows)), [plain(_wrap(r.label)) for r in rows])
        ax.set_ylim(len(rows) - 0.4, -0.9)
        ax.set_xlim(matplotlib.dates.date2num(dt.date(first, 1, 1)), matplotlib.dates.date2num(dt.date(last, 1, 1)))
        ax.xaxis_date()
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator(max(1, (last - first) // 10)))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        ax.set_xlabel(plain(year_label))
        ax.set_title(plain(title), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        used = list(dict.fromkeys(k for r in rows for _, k in r.markers))
        if used:
            handles = [matplotlib.lines.Line2D([], [], linestyle="none", marker=MARKERS.get(k, "o"),
                                               markerfacecolor="white", markeredgecolor="#000000",
                                               label=plain(marker_names.get(k, k))) for k in used]
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=min(len(used), 4),
                      frameon=False, fontsize=8)
        _save(fig, path)


def _wrap(text: str, width: int = 28, max_lines: int = 3) -> str:
    """A long name on a few short lines (the full name is in the figure's table)."""
    words, lines, current = str(text).split(), [], ""
    for word in words:
        while len(word) > width:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return "\n".join(lines)


def grouped_bars(categories: Sequence[str], series: dict[str, Sequence[float | None]], path: Path, *, title: str,
                 value_label: str, formatter: Callable[[float], str], unknown_text: str) -> None:
    """Grouped horizontal bars (e.g. budget planned vs spent by axis).

    An unknown value (None) draws no bar but the words ``unknown_text``, so it
    cannot be read as zero.
    """
    with plt.rc_context(theme()):
        n = max(len(series), 1)
        fig, ax = _new_figure(7.5, 0.28 * max(len(categories), 2) * n + 1.5)
        height = 0.8 / n
        for j, (name, values) in enumerate(series.items()):
            positions = [i + (j - (n - 1) / 2) * height for i in range(len(categories))]
            known = [0.0 if v is None else float(v) for v in values]
            ax.barh(positions, known, height=height * 0.95, label=plain(name), color=PALETTE[j % len(PALETTE)],
                    hatch=HATCHES[j % len(HATCHES)], edgecolor=INK, linewidth=0.6)
            for position, value in zip(positions, values, strict=True):
                label = unknown_text if value is None else formatter(float(value))
                ax.text(0 if value is None else float(value), position, plain(f"  {label}"), va="center", ha="left",
                        fontsize=7.5, color=INK)
        ax.set_yticks(range(len(categories)), [plain(_wrap(c)) for c in categories])
        ax.invert_yaxis()
        top = max([float(v) for values in series.values() for v in values if v is not None] or [1.0])
        ax.set_xlim(0, top * 1.3)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: plain(formatter(v))))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.set_xlabel(plain(value_label))
        ax.set_title(plain(title), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        if series:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=n, frameon=False)
        _save(fig, path)


def years_overview(years: Sequence[int], budget: dict[str, Sequence[float | None]],
                   actions: dict[str, Sequence[int]], path: Path, *, budget_title: str, actions_title: str,
                   year_label: str, money: Callable[[float], str], count_label: str, unknown_text: str) -> None:
    """Two panels over the years: budget series as grouped bars (left), actions stacked by status (right)."""
    with plt.rc_context(theme()):
        fig, (left, right) = _new_figure(7.5, 3.4, ncols=2)
        n = max(len(budget), 1)
        width = 0.8 / n
        for j, (name, values) in enumerate(budget.items()):
            xs = [i + (j - (n - 1) / 2) * width for i in range(len(years))]
            left.bar(xs, [0.0 if v is None else float(v) for v in values], width=width * 0.95, label=plain(name),
                     color=PALETTE[j % len(PALETTE)], hatch=HATCHES[j % len(HATCHES)], edgecolor=INK, linewidth=0.6)
            for x, value in zip(xs, values, strict=True):
                if value is None:
                    left.text(x, 0, plain(unknown_text), rotation=90, ha="center", va="bottom", fontsize=7, color=INK)
        left.set_xticks(range(len(years)), [str(y) for y in years])
        left.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: plain(money(v))))
        left.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        left.set_xlabel(plain(year_label))
        left.set_title(plain(budget_title), loc="left", fontsize=10)
        left.grid(axis="x", visible=False)
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=n, frameon=False, fontsize=8)
        bottom = [0] * len(years)
        for j, (name, counts) in enumerate(actions.items()):
            right.bar(range(len(years)), counts, bottom=bottom, width=0.6, label=plain(name),
                      color=PALETTE[(j + 2) % len(PALETTE)], hatch=HATCHES[(j + 2) % len(HATCHES)],
                      edgecolor=INK, linewidth=0.6)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        right.set_xticks(range(len(years)), [str(y) for y in years])
        right.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        right.set_ylabel(plain(count_label))
        right.set_xlabel(plain(year_label))
        right.set_title(plain(actions_title), loc="left", fontsize=10)
        right.grid(axis="x", visible=False)
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=min(len(actions), 3), frameon=False,
                     fontsize=8)
        _save(fig, path)
