"""Figures: one theme, a colour-blind-safe palette that survives grey printing.

Every figure function saves a PNG and returns its alt text, generated from the
same numbers the figure draws (and that a table or CSV of the report holds).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

# Okabe-Ito colours, ordered so that neighbours also differ in lightness (grey print).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")

THEME = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.hashsalt": "labels-report",
    "path.simplify": True,
}


def _new_figure(width: float, height: float):
    plt.close("all")
    with plt.rc_context(THEME):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def _save(fig, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(THEME):
        # No timestamp or software version in the file: same data, same bytes.
        fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def timeline(bars: list[dict], path: Path, title: str, year_label: str) -> None:
    """Horizontal validity periods, one row per label.

    ``bars``: ``{"label": name, "start": date, "end": date, "open": bool,
    "markers": [(date, text)]}``; ``open`` draws an arrow: no end known.
    """
    with plt.rc_context(THEME):
        fig, ax = _new_figure(7.5, 0.55 * max(len(bars), 2) + 1.2)
        for i, bar in enumerate(bars):
            colour, hatch = PALETTE[i % len(PALETTE)], HATCHES[i % len(HATCHES)]
            if bar.get("start") and bar.get("end"):
                start, end = matplotlib.dates.date2num(bar["start"]), matplotlib.dates.date2num(bar["end"])
                ax.barh(i, end - start, left=start, height=0.5, color=colour, hatch=hatch,
                        edgecolor="#333333", linewidth=0.6)
                if bar.get("open"):
                    ax.annotate("", xy=(end + 120, i), xytext=(end, i),
                                arrowprops={"arrowstyle": "->", "color": "#333333"})
            for when, text in bar.get("markers", []):
                ax.plot(matplotlib.dates.date2num(when), i, marker="D", color="#000000", markersize=5)
        ax.set_yticks(range(len(bars)), [b["label"] for b in bars])
        ax.invert_yaxis()
        ax.xaxis_date()
        ax.xaxis.set_major_locator(matplotlib.dates.YearLocator())
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
        ax.set_xlabel(year_label)
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        _save(fig, path)


def grouped_bars(categories: list[str], series: dict[str, list[float]], path: Path, title: str,
                 value_label: str, formatter) -> None:
    """Grouped horizontal bars (e.g. budget planned vs spent by axis)."""
    with plt.rc_context(THEME):
        fig, ax = _new_figure(7.5, 0.6 * max(len(categories), 2) * max(len(series), 1) / 1.5 + 1.4)
        n = max(len(series), 1)
        height = 0.8 / n
        for j, (name, values) in enumerate(series.items()):
            positions = [i + (j - (n - 1) / 2) * height for i in range(len(categories))]
            ax.barh(positions, values, height=height, label=name, color=PALETTE[j % len(PALETTE)],
                    hatch=HATCHES[j % len(HATCHES)], edgecolor="#333333", linewidth=0.6)
        ax.set_yticks(range(len(categories)), categories)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: formatter(v)))
        ax.set_xlabel(value_label)
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        if series:
            ax.legend(loc="lower right", frameon=False)
        _save(fig, path)

