"""What every chapter gets: the computed report, where its figures go, and the words.

Chapters compute no figure: they write the report's tables (the same frames
the CSV exports hold) and sentences from its key figures. Every figure drawn
comes with alt text generated from the table it draws and a link to that
table's CSV. Every word comes from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.columns import Col, join_names, level_words
from labels_report.chapters.markdown import Md
from labels_report.core.i18n import Catalogue, catalogue
from labels_report.model.compute import ComputedReport
from labels_report.model.report import Report
from labels_report.model.tables import TABLES

ICS_NAME = "echeances.ics"
"""The calendar file the publishing step writes beside the report."""

TABLE_ROWS = 100
"""Rows a table of the report shows at most; the rest are in its CSV file, which the report names."""
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class Chapter:
    """What a chapter function gets: the computed report and where its figures go."""

    def __init__(self, computed: ComputedReport, output_dir: Path):
        self.computed = computed
        self.report: Report = computed.report
        self.output_dir = output_dir
        self.cat: Catalogue = catalogue(self.report.params.lang)
        self.anchors: set[str] = set()

    def anchor(self, prefix: str, ident: str) -> str:
        """A section identifier for ``ident`` that no other section of the chapter has: two
        identifiers the clerk typed differently ("A 1", "a-1", "城1", "市1") must not give two
        sections the same anchor."""
        base = candidate = anchor(prefix, ident)
        number = 1
        while candidate in self.anchors:
            number += 1
            candidate = f"{base}-{number}"
        self.anchors.add(candidate)
        return candidate

    def t(self, key: str, **params: object) -> str:
        return self.cat.text(key, **params)

    def n(self, key: str, count: float, **params: object) -> str:
        return self.cat.plural(key, count, **params)

    def table(self, name: str) -> pd.DataFrame:
        return self.computed.tables[name]

    def render(self, frame: pd.DataFrame, columns: Sequence[Col], caption: str, ident: str | None = None,
               total_label: str | None = None, *, source: str | None = None, limit: int = TABLE_ROWS,
               headers: Sequence[str] | None = None, **header_params: object) -> Md:
        """``frame`` as a table. A table longer than ``limit`` rows shows its first rows (and its
        totals), followed by a sentence naming the CSV file ``source`` that holds all of them."""
        shown, hidden = limited(frame, limit)
        table = tb.render(self.cat, shown, columns, caption, ident,
                          total_label=total_label if total_label is not None else self.t("col.total"),
                          header_params=header_params, headers=headers)
        if hidden:
            return md.join([table, self.more(hidden, source)])
        return table

    def more(self, hidden: int, source: str | None) -> Md:
        """"Les 12 autres lignes … figurent dans le fichier x.csv." (a link to the file)."""
        if source is None:
            return md.paragraph(self.n("table.more_unnamed", hidden))
        _text, href = self.data_link(source)
        return Md(f"{md.cell(self.n('table.more', hidden))} [{md.cell(source + '.csv')}]({href}).\n")

    def figure_path(self, name: str) -> tuple[Path, str]:
        return self.output_dir / "figures" / f"{name}.png", f"figures/{name}.png"

    def data_link(self, table: str) -> tuple[str, str]:
        if table not in TABLES:
            raise KeyError(f"no table {table!r} to link to")
        return self.t("figure.data_link", file=f"{table}.csv"), f"donnees/{table}.csv"

    def date(self, value: object, precision: str = "") -> str:
        return self.cat.date(value if isinstance(value, dt.date) else None, precision)

    @property
    def accent(self) -> str | None:
        """The town's accent colour (the charts' first colour), or None for the report's own."""
        return self.report.data.town.accent_color or None

    @property
    def as_of(self) -> str:
        return self.date(self.report.params.reference_date)

    def names(self, label_ids: Sequence[str]) -> str:
        return join_names(self.cat, [self.report.label_name(i) for i in label_ids])

    def level_text(self, label_id: str, level: int | None, with_max: bool = False) -> str:
        """"3 fleurs", "2 étoiles sur 3", "4 @", the plain title, or "non renseigné"."""
        row = self.report.label_row(label_id)
        maximum = row.get("level_max")
        maximum = None if maximum is None or pd.isna(maximum) or maximum == "" else int(maximum)
        return level_words(self.cat, str(row["level_unit"] or ""), level, maximum if with_max else None)


def limited(frame: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` rows of ``frame`` (its total rows kept, at the end), and how many are left out."""
    totals = frame["total"].astype(bool) if "total" in frame.columns else pd.Series(False, index=frame.index)
    rows = frame[~totals]
    if len(rows) <= limit:
        return frame, 0
    return pd.concat([rows.iloc[:limit], frame[totals]]), len(rows) - limit


def anchor(prefix: str, ident: str) -> str:
    """``label-ville-fleurie``: an identifier made of ``[a-z0-9-]`` only, whatever ``ident`` holds."""
    return f"{prefix}-{_ANCHOR_UNSAFE.sub('-', ident).strip('-').lower() or 'x'}"


def bold_facts(ch: Chapter, facts: Sequence[tuple[str, object]]) -> Md:
    """A bullet list of "**name**: value" lines (the colon as the language writes it)."""
    return md.bullet_list([Md(ch.t("format.fact", name=f"**{md.cell(k)}**", value=md.cell(v))) for k, v in facts])


def axis_name(ch: Chapter, axis: object) -> str:
    return str(axis) if axis else ch.t("value.unknown")
