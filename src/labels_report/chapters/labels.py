"""Chapter "Les labels": each label's status, its periods of validity, the year's events, one section per label."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from labels_report.chapters import charts
from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter, bold_facts
from labels_report.chapters.columns import Col, join_names
from labels_report.chapters.markdown import Md
from labels_report.chapters.narrative import safe_markdown
from labels_report.core.dates import period_end
from labels_report.data.vocabulary import Event, LabelState

TIMELINE_LABELS = 20
"""Labels one timeline figure draws at most: more labels make more figures."""
ALT_PERIODS = 4
"""Periods a figure's alt text lists one by one for a label; a longer history is summed up."""

def next_step(cat, row: pd.Series) -> str:
    if row["next_event"]:
        return cat.text("next.event", event=cat.text(f"event.{row['next_event']}"),
                        date=tb.show_date(cat, row["next_event_date"]))
    if row["state"] == LabelState.HELD and row["valid_until"]:
        precision = tb.parse_iso(row["valid_until"])[1]
        return cat.text(f"next.renewal_before.{precision}", date=tb.show_date(cat, row["valid_until"]))
    return tb.DASH


def valid_until(cat, row: pd.Series) -> str:
    if row["valid_until"]:
        return tb.show_date(cat, row["valid_until"])
    return cat.text("value.unknown") if row["state"] == LabelState.HELD else tb.DASH


STATUS_COLUMNS = [
    Col("col.label", tb.text("label"), 22),
    Col("col.status", tb.word("state", "state"), 12),
    Col("col.level", tb.level("level", state_column="state"), 12),
    Col("col.since", tb.date("since"), 12),
    Col("col.valid_until", valid_until, 12),
    Col("col.next_step", next_step, 20),
]

EVENT_COLUMNS = [
    Col("col.date", tb.date("date"), 12),
    Col("col.label", tb.text("label"), 18),
    Col("col.event", tb.word("event", "event"), 12),
    Col("col.level", lambda cat, row: tb.DASH if tb.missing(row["level"]) else tb.level("level")(cat, row), 8),
    Col("col.reference", tb.text("reference"), 12),
    Col("col.note", tb.text("note", ""), 30),
]


def _periods_by_label(ch: Chapter) -> dict[str, pd.DataFrame]:
    frame = ch.table("chronologie-des-labels")
    return {str(label_id): rows for label_id, rows in frame.groupby("label_id", sort=False)}


def timeline_rows(ch: Chapter, label_ids: list[str]) -> list[charts.TimelineRow]:
    r = ch.report
    by_label = _periods_by_label(ch)
    reference = r.params.reference_date
    rows = []
    for label_id in label_ids:
        segments = []
        periods = list(by_label.get(label_id, pd.DataFrame()).iterrows())
        for index, (_, p) in enumerate(periods):
            start, _start_precision = tb.parse_iso(p["start"])
            if p["open"] or not p["end"]:
                end = reference
            else:
                end_value, end_precision = tb.parse_iso(p["end"])
                end = period_end(end_value, end_precision)
            if index + 1 < len(periods):
                # "2008-2014" then "2014-2020": the first period ends where the next begins, not on
                # the 31 December of the year its end is known to.
                following, _precision = tb.parse_iso(periods[index + 1][1]["start"])
                end = min(end, following - dt.timedelta(days=1))
            level = "" if tb.missing(p["level"]) else tb.level("level")(ch.cat, p)
            segments.append(charts.Segment(start, max(end, start), level, bool(p["open"])))
        marks = [(e.date, e.event) for e in r.history(label_id) if e.date <= reference]
        rows.append(charts.TimelineRow(r.label_name(label_id), segments, marks))
    return rows


def _span(ch: Chapter, p: pd.Series) -> str:
    cat = ch.cat
    level = "" if tb.missing(p["level"]) else tb.level("level")(cat, p)
    start, end = tb.show_date(cat, p["start"]), tb.show_date(cat, p["end"])
    if p["open"]:
        span = ch.t("fig.timeline.open", start=start)
    elif start == end:
        span = start
    else:
        span = ch.t("fig.timeline.period", start=start, end=end)
    return ch.t("fig.timeline.with_level", span=span, level=level) if level else span


def timeline_alt(ch: Chapter, label_ids: list[str]) -> str:
    """The timeline in words, from the table it draws (chronologie-des-labels). A label with
    many periods is summed up (how many, from when to when, the last one): the alt text stays
    readable, and bounded, however long the history."""
    r, cat = ch.report, ch.cat
    by_label = _periods_by_label(ch)
    parts = []
    for label_id in label_ids:
        mine = by_label.get(label_id)
        name = r.label_name(label_id)
        if mine is None or mine.empty:
            parts.append(ch.t("fig.timeline.none", label=name))
        elif len(mine) > ALT_PERIODS:
            first, last = mine.iloc[0], mine.iloc[-1]
            parts.append(ch.n("fig.timeline.many", len(mine), label=name, first=tb.show_date(cat, first["start"]),
                              last=_span(ch, last)))
        else:
            parts.append(ch.t("fig.timeline.label", label=name,
                              spans=join_names(cat, [_span(ch, p) for _, p in mine.iterrows()])))
    return ch.t("fig.timeline.alt", date=ch.as_of) + " " + " ".join(parts)


def labels(ch: Chapter) -> Md:
    r = ch.report
    year = r.year
    blocks: list[str] = [md.heading(1, ch.t("chapter.labels"), "labels")]
    if not r.label_ids:
        # a town with no label yet: no empty table, no empty timeline
        blocks.append(md.paragraph(ch.t("labels.none")))
        return md.join(blocks)
    blocks.append(md.paragraph(ch.t("labels.intro", date=ch.as_of)))
    blocks.append(ch.render(ch.table("statut-des-labels"), STATUS_COLUMNS,
                            ch.t("labels.status_caption", date=ch.as_of), "tbl-label-status",
                            source="statut-des-labels"))
    ids = r.label_ids
    groups = [ids[start:start + TIMELINE_LABELS] for start in range(0, len(ids), TIMELINE_LABELS)]
    if len(ch.table("chronologie-des-labels")) < charts.MIN_KNOWN:
        groups = []  # one period (or none) is a sentence of the table above, not a chart
    for number, group in enumerate(groups, start=1):
        name = "label-timeline" if number == 1 else f"label-timeline-{number}"
        path, rel = ch.figure_path(name)
        charts.timeline(timeline_rows(ch, group), path, title=ch.t("fig.timeline.title"), year_label=ch.t("fig.year"),
                        reference=r.params.reference_date, reference_text=ch.as_of,
                        marker_names={e: ch.t(f"event.{e}") for e in Event},
                        legend={mark: ch.t(f"fig.timeline.legend.{mark}", date=ch.as_of)
                                for mark in ("period", "next_period", "open", "reference")},
                        accent=ch.accent)
        caption = ch.t("fig.timeline.caption") if len(groups) == 1 else \
            ch.t("fig.timeline.part", caption=ch.t("fig.timeline.caption"), part=number, parts=len(groups))
        blocks.append(md.figure(rel, caption, timeline_alt(ch, group), f"fig-{name}",
                                ch.data_link("chronologie-des-labels")))
    if groups:
        blocks.append(md.paragraph(ch.t("fig.timeline.reading")))

    blocks.append(md.heading(2, ch.t("labels.events_title", year=year), "labels-year-events"))
    events = ch.table("evenements-de-l-annee")
    if events.empty:
        blocks.append(md.paragraph(ch.t("labels.no_events", year=year)))
    else:
        blocks.append(ch.render(events, EVENT_COLUMNS, ch.t("labels.events_caption", year=year),
                                "tbl-label-events", source="evenements-de-l-annee"))
    without = [i for i in r.label_ids if r.history(i) and not any(e.reference for e in r.history(i))]
    if without:
        # Said once for all the labels it concerns, not under each of them.
        blocks.append(md.paragraph(ch.n("labels.no_reference", len(without), names=ch.names(without))))
    for label_id in r.label_ids:
        blocks.append(label_section(ch, label_id))
    return md.join(blocks)


def label_section(ch: Chapter, label_id: str) -> Md:
    r, cat = ch.report, ch.cat
    row = r.label_row(label_id)
    status = ch.table("statut-des-labels").set_index("label_id").loc[label_id]
    blocks = [md.heading(2, str(row["name"]), ch.anchor("label", label_id))]
    facts: list[tuple[str, object]] = [
        (ch.t("col.awarding_body"), str(row["awarding_body"]) or ch.t("value.unknown")),
        (ch.t("col.category"), str(row["category"]) or ch.t("value.unknown")),
    ]
    if row["subject"]:
        facts.append((ch.t("col.subject"), str(row["subject"])))
    facts.append((ch.t("labels.status_on", date=ch.as_of), cat.text(f"state.{status['state']}")))
    if status["state"] == LabelState.HELD:
        facts.append((ch.t("col.level"), ch.level_text(label_id, None if tb.missing(status["level"])
                                                      else int(status["level"]), with_max=True)))
    if status["since"]:
        facts.append((ch.t("col.since"), tb.show_date(cat, status["since"])))
    if status["state"] in (LabelState.HELD, LabelState.EXPIRED):
        facts.append((ch.t("col.valid_until"), valid_until(cat, status)))
    if next_step(cat, status) != tb.DASH:
        facts.append((ch.t("col.next_step"), next_step(cat, status)))
    if not r.params.edition_info.public and row.get("referent"):
        facts.append((ch.t("col.referent"), str(row["referent"])))
    blocks.append(bold_facts(ch, facts))
    if status["state"] == LabelState.UNKNOWN:
        blocks.append(md.paragraph(ch.t("labels.no_event_recorded")))
    if row["url"]:
        blocks.append(md.paragraph(md.link(ch.t("labels.more"), str(row["url"]))))
    count = len(r.actions_of_label(label_id))
    blocks.append(md.paragraph(ch.n("labels.actions_count", count, year=r.year) if count
                               else ch.t("labels.no_actions", year=r.year)))
    text = r.data.texts.get((r.year, label_id), "")
    if text:
        blocks.append(md.heading(3, ch.t("labels.narrative", year=r.year), unnumbered=True))
        blocks.append(Md(safe_markdown(text, heading_shift=3)))
    history = r.data.events[(r.data.events["label_id"] == label_id)
                            & (r.data.events["date"] <= r.params.reference_date)]
    if not history.empty:
        blocks.append(md.heading(3, ch.t("labels.history"), unnumbered=True))
        items = []
        for _, e in history.sort_values(["date", "_row"], kind="stable").iterrows():
            parts = [md.cell(ch.date(e["date"], e["date_precision"])), md.cell(ch.t("event." + e["event"]))]
            if not pd.isna(e["level"]):
                parts.append(md.cell(ch.level_text(label_id, int(e["level"]))))
            has_start, has_end = isinstance(e["valid_from"], dt.date), isinstance(e["valid_until"], dt.date)
            if has_start or has_end:
                start = ch.date(e["valid_from"], e["valid_from_precision"])
                end = ch.date(e["valid_until"], e["valid_until_precision"])
                if not has_start:
                    validity = ch.t("labels.validity_until", end=end)
                elif not has_end:
                    validity = ch.t("labels.validity_from", start=start)
                elif start == end:
                    validity = ch.t("labels.validity_one", period=start)
                else:
                    validity = ch.t("labels.validity", start=start, end=end)
                parts.append(md.cell(validity))
            if e["reference"]:
                parts.append(md.cell(ch.t("labels.reference", reference=e["reference"])))
            line = " – ".join(parts)
            if e["note"]:
                line = ch.t("format.with_note", text=Md(line), note=Md(md.cell(e["note"])))
            if e["source_url"]:
                line += " " + md.link(ch.t("labels.source"), str(e["source_url"]))
            items.append(Md(line))
        blocks.append(md.bullet_list(items))
    return md.join(blocks)
