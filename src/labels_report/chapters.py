"""The report's chapters: each returns Pandoc Markdown built from a `Report`.

A registry maps a chapter's name (the notebook calls it by name) to its
function, so that adding a chapter is adding an entry. Every figure drawn here
comes with its alt text and a link to the CSV holding its numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from labels_report import charts
from labels_report import markdown as md
from labels_report.markdown import Md
from labels_report.narrative import safe_markdown
from labels_report.report import Report, join_names
from labels_report.status import HELD


class Chapter:
    """What a chapter function gets: the report and where figures go."""

    def __init__(self, report: Report, output_dir: Path):
        self.report = report
        self.output_dir = output_dir
        self.cat = report.cat

    def t(self, key: str, **params: object) -> str:
        return self.cat.text(key, **params)

    def figure_path(self, name: str) -> tuple[Path, str]:
        return self.output_dir / "figures" / f"{name}.png", f"figures/{name}.png"

    def data_link(self, table: str) -> tuple[str, str]:
        return self.t("figure.data_link"), f"donnees/{table}.csv"

    def date(self, value, precision: str = "day") -> str:
        if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
            return self.t("value.unknown")
        return self.cat.date(value, precision or "day")


# -- summary ------------------------------------------------------------------
def summary(ch: Chapter) -> Md:
    r, cat = ch.report, ch.cat
    k = r.key_figures
    town = r.data.town.name
    sentences = [
        cat.plural("summary.held", k["labels_held"], town=town,
                   date=cat.date(r.params.reference_date), total=cat.number(k["labels_total"])),
    ]
    changes = [cat.plural(f"summary.change.{name}", k[name]) for name in ("obtained", "renewed", "upgraded", "lost")
               if k[name]]
    if changes:
        sentences.append(ch.t("summary.changes", year=r.params.year, changes=join_names(cat, changes)))
    else:
        sentences.append(ch.t("summary.no_change", year=r.params.year))
    sentences.append(cat.plural("summary.actions", k["actions_total"], year=r.params.year,
                                done=cat.number(k["actions_done"]), in_progress=cat.number(k["actions_in_progress"])))
    if k["due_within_horizon"]:
        sentences.append(cat.plural("summary.due", k["due_within_horizon"], months=r.params.horizon_months))
    rows = [
        (ch.t("kf.labels_held"), cat.number(k["labels_held"])),
        (ch.t("kf.obtained"), cat.number(k["obtained"])),
        (ch.t("kf.renewed"), cat.number(k["renewed"])),
        (ch.t("kf.upgraded"), cat.number(k["upgraded"])),
        (ch.t("kf.lost"), cat.number(k["lost"])),
        (ch.t("kf.due", months=r.params.horizon_months), cat.number(k["due_within_horizon"])),
        (ch.t("kf.actions_done"), cat.number(k["actions_done"])),
        (ch.t("kf.actions_in_progress"), cat.number(k["actions_in_progress"])),
        (ch.t("kf.actions_planned"), cat.number(k["actions_planned"])),
        (ch.t("kf.budget_planned"), cat.money(k["budget_planned"])),
        (ch.t("kf.budget_spent"), cat.money(k["budget_spent"])),
    ]
    return md.join([
        md.heading(1, ch.t("chapter.summary"), "summary"),
        md.paragraph(ch.t("summary.intro", town=town, year=r.params.year,
                          edition=ch.t(f"edition.{r.params.edition}"))),
        md.paragraph(" ".join(sentences)),
        md.table([ch.t("kf.figure"), ch.t("kf.value")], rows, ch.t("kf.caption", year=r.params.year),
                 align="lr", ident="tbl-key-figures"),
    ])


# -- labels -------------------------------------------------------------------
def state_text(ch: Chapter, state: str) -> str:
    return ch.t(f"state.{state}")


def next_step_text(ch: Chapter, status) -> str:
    if status.next_event:
        return ch.t("next.event", event=ch.t(f"event.{status.next_event}"),
                    date=ch.date(status.next_event_date.value, status.next_event_date.precision))
    if status.held and status.valid_until.value is not None:
        return ch.t("next.renewal_before", date=ch.date(status.valid_until.value, status.valid_until.precision))
    return ch.t("value.none")


def last_event_text(ch: Chapter, status) -> str:
    if not status.last_event:
        return "–"
    return ch.t("next.event", event=ch.t(f"event.{status.last_event}"),
                date=ch.date(status.last_event_date.value, status.last_event_date.precision))


def label_status_rows(ch: Chapter) -> list[list[str]]:
    r = ch.report
    rows = []
    for status in r.statuses:
        row = r.label_row(status.label_id)
        level = r.level_text(status.label_id, status.level) if status.held else "–"
        rows.append([
            str(row["name"]), state_text(ch, status.state), level, last_event_text(ch, status),
            ch.date(status.since.value, status.since.precision) if status.since.value else "–",
            ch.date(status.valid_until.value, status.valid_until.precision) if status.valid_until.value
            else ch.t("value.unknown") if status.held else "–",
            next_step_text(ch, status),
        ])
    return rows


def timeline_bars(ch: Chapter) -> list[dict]:
    r = ch.report
    ref = r.params.reference_date
    bars = []
    for label_id in r.data.labels["label_id"]:
        events = r.data.events[(r.data.events["label_id"] == label_id) & (r.data.events["date"] <= ref)]
        events = events.sort_values(["date", "_row"], kind="stable")
        start = end = None
        open_end = False
        for _, e in events.iterrows():
            if e["event"] in ("awarded", "renewed", "level_changed"):
                begin = e["valid_from"] if isinstance(e["valid_from"], dt.date) else e["date"]
                start = min(start, begin) if start else begin
                if isinstance(e["valid_until"], dt.date):
                    end = max(end, e["valid_until"]) if end else e["valid_until"]
        if start and not end:
            end, open_end = ref, True
        markers = [(e["date"], e["event"]) for _, e in events.iterrows()]
        bars.append({"label": r.label_name(label_id), "start": start, "end": end, "open": open_end,
                     "markers": markers})
    return bars


def timeline_alt(ch: Chapter, bars: list[dict]) -> str:
    parts = []
    for bar in bars:
        if bar["start"] is None:
            parts.append(ch.t("fig.timeline.none", label=bar["label"]))
        elif bar["open"]:
            parts.append(ch.t("fig.timeline.open", label=bar["label"], start=bar["start"].year))
        else:
            parts.append(ch.t("fig.timeline.period", label=bar["label"], start=bar["start"].year,
                              end=bar["end"].year))
    return ch.t("fig.timeline.alt", date=ch.date(ch.report.params.reference_date)) + " " + "; ".join(parts) + "."


def labels(ch: Chapter) -> Md:
    r = ch.report
    blocks: list[str] = [md.heading(1, ch.t("chapter.labels"), "labels"),
                         md.paragraph(ch.t("labels.intro", date=ch.date(r.params.reference_date)))]
    blocks.append(md.table(
        [ch.t("col.label"), ch.t("col.status"), ch.t("col.level"), ch.t("col.last_event"),
         ch.t("col.since"), ch.t("col.valid_until"), ch.t("col.next_step")],
        label_status_rows(ch), ch.t("labels.status_caption", date=ch.date(r.params.reference_date)),
        ident="tbl-label-status"))
    bars = timeline_bars(ch)
    path, rel = ch.figure_path("label-timeline")
    charts.timeline(bars, path, ch.t("fig.timeline.title"), ch.t("fig.year"))
    blocks.append(md.figure(rel, ch.t("fig.timeline.caption"), timeline_alt(ch, bars), "fig-label-timeline",
                            ch.data_link("statut-des-labels")))
    events = r.year_events
    blocks.append(md.heading(2, ch.t("labels.events_title", year=r.params.year), "label-events"))
    if events.empty:
        blocks.append(md.paragraph(ch.t("labels.no_events", year=r.params.year)))
    else:
        rows = [[ch.date(e["date"], e["date_precision"]), r.label_name(e["label_id"]), ch.t(f"event.{e['event']}"),
                 r.level_text(e["label_id"], None if pd.isna(e["level"]) else int(e["level"]))
                 if not pd.isna(e["level"]) else "–",
                 e["reference"] or "–", e["note"] or ""] for _, e in events.iterrows()]
        blocks.append(md.table([ch.t("col.date"), ch.t("col.label"), ch.t("col.event"), ch.t("col.level"),
                                ch.t("col.reference"), ch.t("col.note")], rows,
                               ch.t("labels.events_caption", year=r.params.year), ident="tbl-label-events"))
    for label_id in r.data.labels["label_id"]:
        blocks.append(label_section(ch, label_id))
    return md.join(blocks)


def label_section(ch: Chapter, label_id: str) -> Md:
    r = ch.report
    row = r.label_row(label_id)
    status = r.status(label_id)
    blocks = [md.heading(2, str(row["name"]), f"label-{label_id}")]
    facts = [(ch.t("col.awarding_body"), str(row["awarding_body"]) or ch.t("value.unknown")),
             (ch.t("col.category"), str(row["category"]) or ch.t("value.unknown"))]
    if row["subject"]:
        facts.append((ch.t("col.subject"), str(row["subject"])))
    facts.append((ch.t("col.status"), state_text(ch, status.state)))
    if status.held:
        facts.append((ch.t("col.level"), r.level_text(label_id, status.level)))
    if not r.params.edition_info.public and row.get("referent"):
        facts.append((ch.t("col.referent"), str(row["referent"])))
    blocks.append(md.bullet_list([Md(f"**{md.cell(k)}** : {md.cell(v)}" if ch.cat.lang == "fr"
                                     else f"**{md.cell(k)}**: {md.cell(v)}") for k, v in facts]))
    if row["url"]:
        blocks.append(md.paragraph(md.link(ch.t("labels.more"), str(row["url"]))))
    text = r.data.texts.get((r.params.year, label_id), "")
    if text:
        blocks.append(md.heading(3, ch.t("labels.narrative", year=r.params.year), unnumbered=True))
        blocks.append(Md(safe_markdown(text, heading_shift=3)))
    history = r.data.events[(r.data.events["label_id"] == label_id)
                            & (r.data.events["date"] <= r.params.reference_date)]
    if not history.empty:
        blocks.append(md.heading(3, ch.t("labels.history"), unnumbered=True))
        items = []
        for _, e in history.sort_values(["date", "_row"], kind="stable").iterrows():
            parts = [ch.date(e["date"], e["date_precision"]), ch.t("event." + e["event"])]
            if not pd.isna(e["level"]):
                parts.append(r.level_text(label_id, int(e["level"])))
            if isinstance(e["valid_from"], dt.date) or isinstance(e["valid_until"], dt.date):
                parts.append(ch.t("labels.validity",
                                  start=ch.date(e["valid_from"], e["valid_from_precision"]),
                                  end=ch.date(e["valid_until"], e["valid_until_precision"])))
            if e["reference"]:
                parts.append(ch.t("labels.reference", reference=e["reference"]))
            text = " – ".join(parts)
            items.append(md.link(text, str(e["source_url"])) if e["source_url"] else text)
        blocks.append(md.bullet_list(items))
    return md.join(blocks)


# -- actions ------------------------------------------------------------------
def action_label_names(ch: Chapter, labels: tuple[str, ...]) -> str:
    return ", ".join(ch.report.label_name(label_id) for label_id in labels)


def action_rows(ch: Chapter, frame: pd.DataFrame) -> list[list[str]]:
    cat = ch.cat
    rows = []
    for _, a in frame.iterrows():
        progress = "–" if pd.isna(a["progress"]) else cat.percent(float(a["progress"]))
        rows.append([a["title"], ch.t(f"action_status.{a['status']}"), progress, a["lead_service"] or "–",
                     ", ".join(a["partners"]) or "–",
                     cat.money(None if pd.isna(a["budget_planned"]) else float(a["budget_planned"])),
                     cat.money(None if pd.isna(a["budget_spent"]) else float(a["budget_spent"]))])
    return rows


def budget_by(report: Report, column: str) -> pd.DataFrame:
    """Budget planned and spent of the year by ``column`` (axis, budget_kind): each action once."""
    frame = report.year_actions
    grouped = frame.groupby(column, sort=True, dropna=False)
    return pd.DataFrame({
        "planned": grouped["budget_planned"].sum(min_count=1),
        "spent": grouped["budget_spent"].sum(min_count=1),
        "actions": grouped["action_id"].nunique(),
    }).reset_index()


def actions(ch: Chapter) -> Md:
    r, cat = ch.report, ch.cat
    year = r.params.year
    frame = r.year_actions
    blocks: list[str] = [md.heading(1, ch.t("chapter.actions"), "actions")]
    if frame.empty:
        blocks.append(md.paragraph(ch.t("actions.none", year=year)))
        return md.join(blocks)
    shared = int((frame["labels"].apply(len) > 1).sum())
    blocks.append(md.paragraph(cat.plural("actions.intro", len(frame), year=year)))
    if shared:
        blocks.append(md.paragraph(cat.plural("actions.shared", shared)))
    headers = [ch.t("col.action"), ch.t("col.status"), ch.t("col.progress"), ch.t("col.lead_service"),
               ch.t("col.partners"), ch.t("col.budget_planned"), ch.t("col.budget_spent")]
    blocks.append(md.heading(2, ch.t("actions.by_label"), "actions-by-label"))
    for label_id in r.data.labels["label_id"]:
        mine = r.actions_of_label(label_id)
        if mine.empty:
            continue
        blocks.append(md.heading(3, r.label_name(label_id), f"actions-label-{label_id}"))
        for axis, group in mine.groupby("axis", sort=False):
            blocks.append(md.table(headers, action_rows(ch, group),
                                   ch.t("actions.table_caption", label=r.label_name(label_id),
                                        axis=axis or ch.t("value.unknown"), year=year)))
    by_axis = budget_by(r, "axis")
    blocks.append(md.heading(2, ch.t("actions.budget_title", year=year), "actions-budget"))
    money = lambda v: cat.money(None if pd.isna(v) else float(v))  # noqa: E731
    rows = [[b["axis"] or ch.t("value.unknown"), cat.number(b["actions"]), money(b["planned"]), money(b["spent"])]
            for _, b in by_axis.iterrows()]
    total = frame[["budget_planned", "budget_spent"]].sum(min_count=1)
    rows.append([Md(f"**{md.cell(ch.t('col.total'))}**"), cat.number(len(frame)), money(total["budget_planned"]),
                 money(total["budget_spent"])])
    blocks.append(md.table([ch.t("col.axis"), ch.t("col.actions"), ch.t("col.budget_planned"),
                            ch.t("col.budget_spent")], rows, ch.t("actions.budget_caption", year=year),
                           align="lrrr", ident="tbl-budget-axis"))
    path, rel = ch.figure_path("budget-by-axis")
    categories = [str(a) or ch.t("value.unknown") for a in by_axis["axis"]]
    planned = [0.0 if pd.isna(v) else float(v) for v in by_axis["planned"]]
    spent = [0.0 if pd.isna(v) else float(v) for v in by_axis["spent"]]
    charts.grouped_bars(categories, {ch.t("col.budget_planned"): planned, ch.t("col.budget_spent"): spent}, path,
                        ch.t("fig.budget.title", year=year), ch.t("fig.budget.axis_label"), cat.money)
    alt_parts = [ch.t("fig.budget.item", axis=c, planned=money(p), spent=money(s))
                 for c, p, s in zip(categories, by_axis["planned"], by_axis["spent"], strict=True)]
    blocks.append(md.figure(rel, ch.t("fig.budget.caption", year=year),
                            ch.t("fig.budget.alt", year=year) + " " + "; ".join(alt_parts) + ".",
                            "fig-budget-axis", ch.data_link("budget-par-axe")))
    return md.join(blocks)


CHAPTERS: dict[str, Callable[[Chapter], Md]] = {
    "summary": summary,
    "labels": labels,
    "actions": actions,
}
"""Registry of chapters, by the name their notebook calls."""


def render_chapter(name: str, report: Report, output_dir: Path) -> Md:
    return CHAPTERS[name](Chapter(report, output_dir))
