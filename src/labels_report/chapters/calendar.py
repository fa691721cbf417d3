"""Chapter "Échéances": what falls due within the horizon, and the calendar file to subscribe to."""

from __future__ import annotations

import pandas as pd

from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import ICS_NAME, Chapter
from labels_report.chapters.columns import Col
from labels_report.chapters.markdown import Md
from labels_report.model.deadlines import next_beyond

def deadline_detail(cat, row: pd.Series) -> str:
    parts = []
    if len(str(row["date"])) < 10:
        value, precision = tb.parse_iso(str(row["date"]))
        parts.append(cat.text(f"calendar.precision.{precision}", date=cat.date(value, precision)))
    if row["reference"]:
        parts.append(cat.text("labels.reference", reference=row["reference"]))
    if row["note"]:
        parts.append(str(row["note"]))
    return cat.text("list.separator").join(parts) or tb.DASH


DEADLINE_COLUMNS = [
    Col("col.date", tb.date("date"), 12),
    Col("col.label", tb.text("label"), 20),
    Col("col.deadline", tb.word("kind", "deadline"), 18),
    Col("col.detail", lambda cat, row: deadline_detail(cat, row) or tb.DASH, 30),
]


def calendar(ch: Chapter) -> Md:
    r = ch.report
    months = r.params.horizon_months
    blocks: list[str] = [
        md.heading(1, ch.t("chapter.calendar"), "calendar"),
        md.paragraph(ch.t("calendar.intro", months=months, start=ch.as_of,
                          end=ch.date(r.params.horizon_end))),
    ]
    frame = ch.table("echeances")
    if frame.empty:
        blocks.append(md.paragraph(ch.t("calendar.none", months=months)))
        later = next_beyond(r.statuses, r.data.events, r.params.horizon_end)
        if later is not None:
            blocks.append(md.paragraph(ch.t("calendar.next_beyond", what=ch.t(f"deadline.{later.kind}"),
                                            label=r.label_name(later.label_id),
                                            date=ch.date(later.date, later.precision))))
    else:
        blocks.append(md.paragraph(ch.n("calendar.count", len(frame), months=months)))
        blocks.append(ch.render(frame, DEADLINE_COLUMNS, ch.t("calendar.caption", months=months), "tbl-deadlines",
                                source="echeances"))
    open_ended = [s.label_id for s in r.statuses if s.held and s.valid_until.value is None]
    if open_ended:
        blocks.append(md.paragraph(ch.n("calendar.unknown_end", len(open_ended), names=ch.names(open_ended))))
    blocks.append(md.paragraph(Md(md.cell(ch.t("calendar.ics_intro")) + " "
                                  + f"[{md.cell(ch.t('calendar.ics_link', file=ICS_NAME))}]({ICS_NAME})")))
    blocks.append(md.paragraph(ch.t("calendar.method")))
    return md.join(blocks)
