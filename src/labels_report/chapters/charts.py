"""Figures that belong to the document: its typeface, its accent colour, legends that explain every mark.

Every figure function draws numbers it is given (taken from a table of the
report, whose CSV the figure links to) and saves a PNG; the chapter writes the
alt text from the same numbers. Words are set in Libertinus Serif, the PDF's
typeface (``report/fonts/``). The first series takes the report's accent
colour, the others Okabe-Ito colours; each series also has its own hatch, so
a grey print still tells them apart, and the legend names every colour and
hatch. An unknown value draws no bar but the words for "not recorded"; a sum
over partly unknown amounts is marked "≥". No word is written here: titles,
legends and labels come from the caller (the catalogue).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors  # noqa: E402
import matplotlib.dates  # noqa: E402
import matplotlib.lines  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

from labels_report.core.errors import ProjectNotFoundError  # noqa: E402
from labels_report.core.project import Project  # noqa: E402
from labels_report.core.text import typographic  # noqa: E402
from labels_report.data.vocabulary import Event  # noqa: E402

# Okabe-Ito colours, ordered so that neighbours also differ in lightness (grey print).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
INK = "#333333"
LABEL_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}

TEXT_FONT = "Libertinus Serif"
"""The PDF's typeface (``report/fonts/``): a chart's words look like the page around them."""
FALLBACK_FONTS = ("Droid Sans Fallback", "Symbola")
"""Fonts of the project's ``report/fonts/`` for characters Libertinus Serif and DejaVu Sans lack (Chinese, emoji...)."""

MIN_KNOWN = 2
"""Known values a chart needs to be drawn: a chart of one value (or none) compares nothing."""
DEFAULT_ACCENT = "#1f4e79"


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
    """Libertinus Serif, then DejaVu Sans (Greek, Arabic, symbols), then the project's fallback
    fonts that are there (matplotlib takes each character from the first font that has it)."""
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
    first = (TEXT_FONT,) if TEXT_FONT in known else ()
    return (*first, "DejaVu Sans", *(family for family in FALLBACK_FONTS if family in known))


THEME = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 9.5,
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


def palette(accent: str | None = None) -> tuple[str, ...]:
    """The series' colours: the report's accent first, then the Okabe-Ito colours."""
    return (accent or DEFAULT_ACCENT, *PALETTE[1:])


def note_handles(notes: Sequence[str]) -> list:
    """Legend entries that are words only (what "n. r." or "≥" on the chart means)."""
    return [matplotlib.patches.Patch(facecolor="none", edgecolor="none", label=plain(note)) for note in notes]


def plain(text: str) -> str:
    """``text`` drawn as typed (a data string with two ``$`` must not become mathtext), with the
    report's typography (typographic apostrophe, no-break spaces)."""
    return typographic(str(text)).replace("$", r"\$")


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
             reference_text: str, marker_names: dict[str, str], legend: dict[str, str],
             accent: str | None = None) -> None:
    """Validity periods across the years, one row per label, one bar per period.

    Every bar is in the accent colour; a label's successive periods (a renewal,
    a change of level) alternate plain and hatched, so that the change shows in
    colour and in grey. A period whose end is not recorded stops at the
    reference date with an arrow. ``legend`` names these marks: ``period``,
    ``next_period``, ``open``, ``reference`` (the words of the catalogue).
    Segments are drawn from their first day to the end of their last day.
    """
    colour = accent or DEFAULT_ACCENT
    with plt.rc_context(theme()):
        fig, ax = _new_figure(7.5, 0.6 * max(len(rows), 2) + 2.0)
        dates = [reference]
        for row in rows:
            dates += [d for s in row.segments for d in (s.start, s.end)] + [d for d, _ in row.markers]
        first = min(dates).year
        last = max(dates).year + 1
        # A level is written on its bar only where it fits: a figure 7.5 inches wide gives the
        # bars about 5.5, and a character of the bar's text is about 0.055 inch.
        days_per_inch = (last - first) * 365.25 / 5.5
        markers: dict[str, tuple[list[float], list[int]]] = {}
        hatched = any_open = False
        for i, row in enumerate(rows):
            starts = [matplotlib.dates.date2num(s.start) for s in row.segments]
            ends = [matplotlib.dates.date2num(s.end + dt.timedelta(days=1)) for s in row.segments]
            if row.segments:
                hatched = hatched or len(starts) > 1
                ax.barh([i] * len(starts), [max(e - s, 20) for s, e in zip(starts, ends, strict=True)], left=starts,
                        height=0.55, edgecolor=INK, linewidth=0.6, color=colour,
                        hatch=[HATCHES[1] if j % 2 else "" for j in range(len(starts))])
            for segment, start, end in zip(row.segments, starts, ends, strict=True):
                if segment.open:
                    any_open = True
                    ax.annotate("", xy=(end + 150, i), xytext=(end, i),
                                arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.2})
                if segment.text and (end - start) >= (len(segment.text) * 0.055 + 0.05) * days_per_inch:
                    ax.text(start + 30, i - 0.36, plain(segment.text), va="bottom", ha="left", fontsize=8,
                            color=INK, bbox=LABEL_BOX, zorder=4)
            for when, kind in row.markers:
                xs, ys = markers.setdefault(kind, ([], []))
                xs.append(matplotlib.dates.date2num(when))
                ys.append(i)
        for kind, (xs, ys) in markers.items():
            ax.plot(xs, ys, linestyle="none", marker=MARKERS.get(kind, "o"), markerfacecolor="white",
                    markeredgecolor="#000000", markersize=6, zorder=3)
        ax.axvline(matplotlib.dates.date2num(reference), color="#000000", linestyle="--", linewidth=1)
        ax.text(matplotlib.dates.date2num(reference), -0.75, plain(reference_text), fontsize=8, ha="center",
                va="bottom", color="#000000", bbox=LABEL_BOX, zorder=4)
        ax.set_yticks(range(len(rows)), [plain(_wrap(r.label)) for r in rows])
        ax.set_ylim(len(rows) - 0.4, -0.9)
        ax.set_xlim(matplotlib.dates.date2num(dt.date(first, 1, 1)), matplotlib.dates.date2num(dt.date(last, 1, 1)))
        ax.xaxis_date()
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator(max(1, (last - first) // 10)))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        ax.set_xlabel(plain(year_label))
        ax.set_title(plain(title), loc="left", fontsize=11)
        ax.grid(axis="y", visible=False)
        handles = [matplotlib.patches.Patch(facecolor=colour, edgecolor=INK, linewidth=0.6,
                                            label=plain(legend["period"]))]
        if hatched:
            handles.append(matplotlib.patches.Patch(facecolor=colour, edgecolor=INK, linewidth=0.6, hatch=HATCHES[1],
                                                    label=plain(legend["next_period"])))
        if any_open:
            handles.append(matplotlib.lines.Line2D([], [], color=INK, marker=">", markersize=5, linewidth=1.2,
                                                   label=plain(legend["open"])))
        handles.append(matplotlib.lines.Line2D([], [], color="#000000", linestyle="--", linewidth=1,
                                               label=plain(legend["reference"])))
        handles += [matplotlib.lines.Line2D([], [], linestyle="none", marker=MARKERS.get(k, "o"),
                                            markerfacecolor="white", markeredgecolor="#000000",
                                            label=plain(marker_names.get(k, k)))
                    for k in dict.fromkeys(k for r in rows for _, k in r.markers)]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=min(len(handles), 3),
                  frameon=False, fontsize=8.5)
        _save(fig, path)


def _wrap(text: str, width: int = 28, max_lines: int = 3) -> str:
    """A long name on a few short lines (the full name is in the figure's table)."""
    # Only ordinary spaces break a line: the no-break spaces of "14 décembre", "500 000 €" hold.
    words, lines, current = [w for w in re.split(r"[ \t\n\r]+", str(text)) if w], [], ""
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
                 value_label: str, formatter: Callable[[float], str], unknown_text: str,
                 partial: Sequence[Sequence[bool]] = (), partial_text: str = "≥", legend_notes: Sequence[str] = (),
                 accent: str | None = None) -> None:
    """Grouped horizontal bars (e.g. budget planned vs spent by axis).

    An unknown value (None) draws no bar but the words ``unknown_text``, so it
    cannot be read as zero; a value marked in ``partial`` (a sum over partly
    unknown amounts) is written "≥ amount". ``legend_notes`` explain these
    marks under the legend.
    """
    colours = palette(accent)
    with plt.rc_context(theme()):
        n = max(len(series), 1)
        fig, ax = _new_figure(7.5, 0.3 * max(len(categories), 2) * n + 1.8)
        height = 0.8 / n
        for j, (name, values) in enumerate(series.items()):
            positions = [i + (j - (n - 1) / 2) * height for i in range(len(categories))]
            known = [0.0 if v is None else float(v) for v in values]
            marks = list(partial[j]) if j < len(partial) else [False] * len(values)
            ax.barh(positions, known, height=height * 0.95, label=plain(name), color=colours[j % len(colours)],
                    hatch=HATCHES[j % len(HATCHES)], edgecolor=INK, linewidth=0.6)
            for position, value, lower_bound in zip(positions, values, marks, strict=True):
                label = unknown_text if value is None else formatter(float(value))
                if value is not None and lower_bound:
                    label = f"{partial_text.strip()}\u00a0{label}"
                ax.text(0 if value is None else float(value), position, plain(f"  {label}"), va="center", ha="left",
                        fontsize=8, color=INK)
        ax.set_yticks(range(len(categories)), [plain(_wrap(c)) for c in categories])
        ax.invert_yaxis()
        top = max([float(v) for values in series.values() for v in values if v is not None] or [1.0])
        ax.set_xlim(0, top * 1.35)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: plain(formatter(v))))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.set_xlabel(plain(value_label))
        ax.set_title(plain(title), loc="left", fontsize=11)
        ax.grid(axis="y", visible=False)
        if series:
            handles, _labels = ax.get_legend_handles_labels()
            handles += note_handles(legend_notes)
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=n, frameon=False,
                      fontsize=8.5)
        _save(fig, path)


def years_overview(years: Sequence[int], budget: dict[str, Sequence[float | None]],
                   actions: dict[str, Sequence[int]], path: Path, *, budget_title: str, actions_title: str,
                   year_label: str, money: Callable[[float], str], count_label: str, unknown_text: str,
                   partial: Sequence[Sequence[bool]] = (), partial_text: str = "≥", legend_notes: Sequence[str] = (),
                   accent: str | None = None) -> None:
    """Two panels over the years: budget series as grouped bars (left), actions stacked by status (right).
    An unknown amount is written ``unknown_text`` where its bar would be; a partial sum is marked
    ``partial_text`` above its bar; ``legend_notes`` explain both."""
    colours = palette(accent)
    with plt.rc_context(theme()):
        fig, (left, right) = _new_figure(7.5, 3.8, ncols=2)
        n = max(len(budget), 1)
        width = 0.8 / n
        for j, (name, values) in enumerate(budget.items()):
            xs = [i + (j - (n - 1) / 2) * width for i in range(len(years))]
            left.bar(xs, [0.0 if v is None else float(v) for v in values], width=width * 0.95, label=plain(name),
                     color=colours[j % len(colours)], hatch=HATCHES[j % len(HATCHES)], edgecolor=INK, linewidth=0.6)
            marks = list(partial[j]) if j < len(partial) else [False] * len(values)
            for x, value, lower_bound in zip(xs, values, marks, strict=True):
                if value is None:
                    left.text(x, 0, plain(unknown_text), rotation=90, ha="center", va="bottom", fontsize=7.5, color=INK)
                elif lower_bound:
                    left.text(x, float(value), plain(partial_text.strip()), ha="center", va="bottom", fontsize=8,
                              color=INK)
        left.set_xticks(range(len(years)), [str(y) for y in years])
        left.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: plain(money(v))))
        left.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        left.set_xlabel(plain(year_label))
        left.set_title(plain(budget_title), loc="left", fontsize=11)
        left.grid(axis="x", visible=False)
        handles, _labels = left.get_legend_handles_labels()
        left.legend(handles=handles + note_handles(legend_notes), loc="upper center", bbox_to_anchor=(0.5, -0.2),
                    ncols=1, frameon=False, fontsize=8.5)
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
        right.set_title(plain(actions_title), loc="left", fontsize=11)
        right.grid(axis="x", visible=False)
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=min(len(actions), 2), frameon=False,
                     fontsize=8.5)
        _save(fig, path)
