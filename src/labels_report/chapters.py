"""The report's chapters: each returns Pandoc Markdown built from a `Report`.

A registry maps a chapter's name (the notebook calls it by name) to its
function, so that adding a chapter is adding an entry. Chapters compute no
figure: they write the report's tables (:mod:`labels_report.tables`, the same
frames the CSV exports hold) and sentences from its key figures. Every figure
drawn here comes with alt text generated from the table it draws and a link
to that table's CSV. Every word comes from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from labels_report import charts
from labels_report import markdown as md
from labels_report import tables as tb
from labels_report.deadlines import next_beyond, write_ics
from labels_report.markdown import Md
from labels_report.narrative import safe_markdown
from labels_report.report import ACTION_STATUSES, Report, join_names
from labels_report.status import EVENT_STATE, HELD
from labels_report.tables import Col

ICS_NAME = "echeances.ics"
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class Chapter:
    """What a chapter function gets: the report and where figures (and the calendar file) go."""

    def __init__(self, report: Report, output_dir: Path):
        self.report = report
        self.output_dir = output_dir
        self.cat = report.cat
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
        return self.report.table(name)

    def render(self, frame: pd.DataFrame, columns: Sequence[Col], caption: str, ident: str | None = None,
               total_label: str | None = None, **header_params: object) -> Md:
        return tb.render(self.cat, frame, columns, caption, ident,
                         total_label=total_label if total_label is not None else self.t("col.total"),
                         header_params=header_params)

    def figure_path(self, name: str) -> tuple[Path, str]:
        return self.output_dir / "figures" / f"{name}.png", f"figures/{name}.png"

    def data_link(self, table: str) -> tuple[str, str]:
        assert table in tb.TABLES, table
        return self.t("figure.data_link", file=f"{table}.csv"), f"donnees/{table}.csv"

    def date(self, value, precision: str = "day") -> str:
        if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
            return self.t("value.unknown")
        return tb.date_text(self.cat, value, precision or "day")

    @property
    def as_of(self) -> str:
        return self.date(self.report.params.reference_date)

    def names(self, label_ids: Sequence[str]) -> str:
        return join_names(self.cat, [self.report.label_name(i) for i in label_ids])


def anchor(prefix: str, ident: str) -> str:
    """``label-ville-fleurie``: an identifier made of ``[a-z0-9-]`` only, whatever ``ident`` holds."""
    return f"{prefix}-{_ANCHOR_UNSAFE.sub('-', ident).strip('-').lower() or 'x'}"


def bold_facts(ch: Chapter, facts: Sequence[tuple[str, object]]) -> Md:
    """A bullet list of "**name**: value" lines (the colon as the language writes it)."""
    return md.bullet_list([Md(ch.t("format.fact", name=f"**{md.cell(k)}**", value=md.cell(v))) for k, v in facts])


# -- summary ------------------------------------------------------------------

MONEY_FIGURES = ("budget_planned", "budget_spent")


def key_figure_columns(ch: Chapter) -> list[Col]:
    months = ch.report.params.horizon_months
    date = ch.as_of

    def name(cat, row) -> str:
        return cat.text(f"kf.{row['figure']}", months=months, date=date)

    def value(cat, row) -> str:
        raw = None if tb.missing(row["value"]) else float(row["value"])
        return cat.money(raw) if row["figure"] in MONEY_FIGURES else cat.number(raw)

    return [Col("kf.figure", name, 30), Col("kf.value", value, 12, "r")]


def summary_sentences(ch: Chapter) -> list[Md]:
    """The summary's paragraphs, every number read from the key figures."""
    r, cat = ch.report, ch.cat
    k = r.key_figures
    year = r.year
    town = r.data.town.name
    if not k["labels_total"]:
        labels = [ch.t("summary.no_labels", town=town)]
    else:
        labels = [ch.n("summary.held", k["labels_held"], town=town, date=ch.as_of,
                       total=cat.number(k["labels_total"]))]
    unknown = [s.label_id for s in r.statuses if s.state == "unknown"]
    if unknown:
        labels.append(ch.n("summary.unknown", len(unknown), names=ch.names(unknown)))
    changes = [ch.n(f"summary.change.{kind}", len(ids), names=ch.names(ids))
               for kind, ids in r.year_changes.items() if ids]
    if changes:
        labels.append(ch.t("summary.changes", year=year, changes=join_names(cat, changes)))
    elif k["labels_total"]:
        labels.append(ch.t("summary.no_change", year=year))

    actions: list[str] = []
    if k["actions_total"] == 0:
        actions.append(ch.t("summary.no_actions", year=year))
    elif k["actions_total"] == 1:
        status = next(s for s in ACTION_STATUSES if k[f"actions_{s}"])
        actions.append(ch.t("summary.one_action", year=year, status=ch.t(f"action_status.{status}")))
    else:
        parts = [ch.n(f"summary.status.{s}", k[f"actions_{s}"]) for s in ACTION_STATUSES if k[f"actions_{s}"]]
        actions.append(ch.n("summary.actions", k["actions_total"], year=year, detail=join_names(cat, parts)))
    if k["actions_shared"]:
        actions.append(ch.n("summary.shared", k["actions_shared"]))
    planned, spent = k["budget_planned"], k["budget_spent"]
    if planned is None and spent is None:
        if k["actions_total"]:
            actions.append(ch.t("summary.budget.none", year=year))
    elif spent is None:
        actions.append(ch.t("summary.budget.planned_only", planned=cat.money(planned)))
    elif planned is None:
        actions.append(ch.t("summary.budget.spent_only", spent=cat.money(spent)))
    else:
        rate = cat.percent(100 * spent / planned) if planned else cat.text("value.unknown")
        actions.append(ch.t("summary.budget.both", planned=cat.money(planned), spent=cat.money(spent), rate=rate))

    ahead: list[str] = []
    months = r.params.horizon_months
    if r.deadlines:
        first = r.deadlines[0]
        ahead.append(ch.n("summary.deadlines", len(r.deadlines), months=months,
                          date=ch.date(first.date, first.precision), label=r.label_name(first.label_id),
                          what=ch.t(f"deadline.{first.kind}")))
        if k["renewals_due"]:
            ahead.append(ch.n("summary.renewals_due", k["renewals_due"]))
    else:
        ahead.append(ch.t("summary.no_deadline", months=months))
    if r.issues:
        ahead.append(ch.n("summary.quality", len(r.issues)))
    return [md.paragraph(" ".join(labels)), md.paragraph(" ".join(actions)), md.paragraph(" ".join(ahead))]


def summary(ch: Chapter) -> Md:
    r = ch.report
    town = r.data.town
    return md.join([
        md.heading(1, ch.t("chapter.summary"), "summary"),
        md.paragraph(ch.t("summary.intro", town=town.name, year=r.year, date=ch.as_of)),
        md.paragraph(ch.t(f"summary.edition.{r.params.edition}")),
        md.heading(2, ch.t("summary.essentials"), "summary-essentials"),
        *summary_sentences(ch),
        md.heading(2, ch.t("summary.key_figures"), "summary-key-figures"),
        ch.render(ch.table("chiffres-cles"), key_figure_columns(ch), ch.t("kf.caption", year=r.year, date=ch.as_of),
                  "tbl-key-figures"),
        md.paragraph(ch.t("summary.rules")),
    ])


# -- labels -------------------------------------------------------------------

def next_step(cat, row: pd.Series) -> str:
    if row["next_event"]:
        return cat.text("next.event", event=cat.text(f"event.{row['next_event']}"),
                        date=tb.show_date(cat, row["next_event_date"]))
    if row["state"] == HELD and row["valid_until"]:
        precision = tb.parse_iso(row["valid_until"])[1]
        return cat.text(f"next.renewal_before.{precision}", date=tb.show_date(cat, row["valid_until"]))
    if row["state"] == HELD:
        return cat.text("next.validity_unknown")
    return tb.DASH


def valid_until(cat, row: pd.Series) -> str:
    if row["valid_until"]:
        return tb.show_date(cat, row["valid_until"])
    return cat.text("value.unknown") if row["state"] == HELD else tb.DASH


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


def timeline_rows(ch: Chapter) -> list[charts.TimelineRow]:
    r = ch.report
    frame = ch.table("chronologie-des-labels")
    events = r.data.events
    rows = []
    for label_id in r.label_ids:
        mine = frame[frame["label_id"] == label_id]
        segments = []
        for _, p in mine.iterrows():
            start, start_precision = tb.parse_iso(p["start"])
            if p["open"] or not p["end"]:
                end = r.params.reference_date
            else:
                end_value, end_precision = tb.parse_iso(p["end"])
                end = _last_day(end_value, end_precision)
            level = "" if tb.missing(p["level"]) else tb.level("level")(ch.cat, p)
            segments.append(charts.Segment(start, max(end, start), level, bool(p["open"])))
        marks = events[(events["label_id"] == label_id) & (events["date"] <= r.params.reference_date)]
        rows.append(charts.TimelineRow(r.label_name(label_id), segments,
                                       [(d, e) for d, e in zip(marks["date"], marks["event"], strict=True)]))
    return rows


def _last_day(value: dt.date, precision: str) -> dt.date:
    if precision == "year":
        return dt.date(value.year, 12, 31)
    if precision == "month":
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return value


def timeline_alt(ch: Chapter) -> str:
    """The timeline in words, from the table it draws (chronologie-des-labels)."""
    r, cat = ch.report, ch.cat
    frame = ch.table("chronologie-des-labels")
    parts = []
    for label_id in r.label_ids:
        mine = frame[frame["label_id"] == label_id]
        name = r.label_name(label_id)
        if mine.empty:
            parts.append(ch.t("fig.timeline.none", label=name))
            continue
        spans = []
        for _, p in mine.iterrows():
            level = "" if tb.missing(p["level"]) else tb.level("level")(cat, p)
            start, end = tb.show_date(cat, p["start"]), tb.show_date(cat, p["end"])
            if p["open"]:
                span = ch.t("fig.timeline.open", start=start)
            elif start == end:
                span = start
            else:
                span = ch.t("fig.timeline.period", start=start, end=end)
            spans.append(ch.t("fig.timeline.with_level", span=span, level=level) if level else span)
        parts.append(ch.t("fig.timeline.label", label=name, spans=join_names(cat, spans)))
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
                            ch.t("labels.status_caption", date=ch.as_of), "tbl-label-status"))
    path, rel = ch.figure_path("label-timeline")
    charts.timeline(timeline_rows(ch), path, title=ch.t("fig.timeline.title"), year_label=ch.t("fig.year"),
                    reference=r.params.reference_date, reference_text=ch.as_of,
                    marker_names={e: ch.t(f"event.{e}") for e in EVENT_STATE})
    blocks.append(md.figure(rel, ch.t("fig.timeline.caption"), timeline_alt(ch), "fig-label-timeline",
                            ch.data_link("chronologie-des-labels")))
    blocks.append(md.paragraph(ch.t("fig.timeline.reading")))

    blocks.append(md.heading(2, ch.t("labels.events_title", year=year), "labels-year-events"))
    events = ch.table("evenements-de-l-annee")
    if events.empty:
        blocks.append(md.paragraph(ch.t("labels.no_events", year=year)))
    else:
        blocks.append(ch.render(events, EVENT_COLUMNS, ch.t("labels.events_caption", year=year),
                                "tbl-label-events"))
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
    if status["state"] == HELD:
        facts.append((ch.t("col.level"), r.level_text(label_id, None if tb.missing(status["level"])
                                                      else int(status["level"]), with_max=True)))
    if status["since"]:
        facts.append((ch.t("col.since"), tb.show_date(cat, status["since"])))
    if status["state"] in (HELD, "expired"):
        facts.append((ch.t("col.valid_until"), valid_until(cat, status)))
    if next_step(cat, status) != tb.DASH:
        facts.append((ch.t("col.next_step"), next_step(cat, status)))
    if not r.params.edition_info.public and row.get("referent"):
        facts.append((ch.t("col.referent"), str(row["referent"])))
    blocks.append(bold_facts(ch, facts))
    if status["state"] == "unknown":
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
                parts.append(md.cell(r.level_text(label_id, int(e["level"]))))
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
        refs = [str(x) for x in history["reference"] if x]
        if not refs:
            blocks.append(md.paragraph(ch.t("labels.no_reference")))
    return md.join(blocks)


# -- calendar -----------------------------------------------------------------

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
    write_ics(r, ch.output_dir / ICS_NAME)
    blocks: list[str] = [
        md.heading(1, ch.t("chapter.calendar"), "calendar"),
        md.paragraph(ch.t("calendar.intro", months=months, start=ch.as_of,
                          end=ch.date(r.params.horizon_end))),
    ]
    frame = ch.table("echeances")
    if frame.empty:
        blocks.append(md.paragraph(ch.t("calendar.none", months=months)))
        later = next_beyond(r)
        if later is not None:
            blocks.append(md.paragraph(ch.t("calendar.next_beyond", what=ch.t(f"deadline.{later.kind}"),
                                            label=r.label_name(later.label_id),
                                            date=ch.date(later.date, later.precision))))
    else:
        blocks.append(md.paragraph(ch.n("calendar.count", len(frame), months=months)))
        blocks.append(ch.render(frame, DEADLINE_COLUMNS, ch.t("calendar.caption", months=months), "tbl-deadlines"))
    open_ended = [s.label_id for s in r.statuses if s.held and s.valid_until.value is None]
    if open_ended:
        blocks.append(md.paragraph(ch.n("calendar.unknown_end", len(open_ended), names=ch.names(open_ended))))
    blocks.append(md.paragraph(Md(md.cell(ch.t("calendar.ics_intro")) + " "
                                  + f"[{md.cell(ch.t('calendar.ics_link', file=ICS_NAME))}]({ICS_NAME})")))
    blocks.append(md.paragraph(ch.t("calendar.method")))
    return md.join(blocks)


# -- actions ------------------------------------------------------------------

def status_progress(cat, row: pd.Series) -> str:
    """"en cours (50 %)": the status, with the progress when it is known."""
    status = cat.text(f"action_status.{row['status']}")
    if tb.missing(row["progress"]):
        return status
    return cat.text("actions.status_progress", status=status, progress=cat.percent(float(row["progress"])))


def partners(cat, row: pd.Series) -> str:
    return ", ".join(p for p in str(row["partners"]).split(";") if p) or tb.DASH


ACTION_COLUMNS = [
    Col("col.action", tb.text("title"), 26),
    Col("col.axis", tb.text("axis"), 14),
    Col("col.status_progress", status_progress, 12),
    Col("col.lead_service", tb.text("lead_service"), 13),
    Col("col.partners", partners, 13),
    Col("col.planned", tb.money("budget_planned", short=True), 11, "r"),
    Col("col.spent", tb.money("budget_spent", short=True), 11, "r"),
]


def budget_columns(first: Col) -> list[Col]:
    return [first, Col("col.actions", tb.number("actions"), 8, "r"),
            Col("col.budget_planned", tb.money("budget_planned"), 12, "r"),
            Col("col.budget_spent", tb.money("budget_spent"), 12, "r")]


AXIS_COLUMNS = [
    Col("col.axis", tb.text("axis", ""), 22),
    Col("col.actions", tb.number("actions"), 9, "r"),
    *[Col(f"col.status.{s}", tb.number(s), 9, "r") for s in ("done", "in_progress", "planned")],
    Col("col.other_statuses", lambda cat, row: cat.number(int(row["paused"]) + int(row["abandoned"])), 9, "r"),
    Col("col.planned", tb.money("budget_planned", short=True), 11, "r"),
    Col("col.spent", tb.money("budget_spent", short=True), 11, "r"),
]

INDICATOR_COLUMNS = [
    Col("col.action", tb.text("title"), 22),
    Col("col.indicator", tb.text("indicator"), 22),
    Col("col.unit", tb.text("indicator_unit"), 10),
    Col("col.target", tb.number("indicator_target"), 8, "r"),
    Col("col.value", tb.number("indicator_value"), 8, "r"),
    Col("col.achievement", tb.percent("achievement"), 8, "r"),
]


def axis_name(ch: Chapter, axis: object) -> str:
    return str(axis) if axis else ch.t("value.unknown")


def budget_alt(ch: Chapter, frame: pd.DataFrame) -> str:
    cat = ch.cat
    money = tb.money
    items = [ch.t("fig.budget.item", axis=axis_name(ch, row["axis"]), planned=money("budget_planned")(cat, row),
                  spent=money("budget_spent")(cat, row)) for _, row in frame.iterrows()]
    return ch.t("fig.budget.alt", year=ch.report.year) + " " + "; ".join(items) + "."


def action_sheet(ch: Chapter, a: pd.Series) -> Md:
    r, cat = ch.report, ch.cat
    facts: list[tuple[str, object]] = [
        (ch.t("col.labels"), join_names(cat, [r.label_name(i) for i in str(a["labels"]).split(";") if i])),
        (ch.t("col.axis"), axis_name(ch, a["axis"])),
        (ch.t("col.status"), ch.t(f"action_status.{a['status']}")
         + ("" if tb.missing(a["progress"]) else f" ({cat.percent(float(a['progress']))})")),
    ]
    if a["start_date"] or a["end_date"]:
        facts.append((ch.t("col.period"), ch.t("actions.period", start=tb.show_date(cat, a["start_date"], "?"),
                                               end=tb.show_date(cat, a["end_date"], ch.t("actions.ongoing")))))
    for column, key in (("lead_service", "col.lead_service"), ("place", "col.place")):
        if a[column]:
            facts.append((ch.t(key), str(a[column])))
    if a["partners"]:
        facts.append((ch.t("col.partners"), partners(cat, a)))
    if a["indicator"]:
        facts.append((ch.t("col.indicator"), ch.t(
            "actions.indicator", indicator=a["indicator"],
            value=tb.number("indicator_value", ch.t("value.unknown"))(cat, a),
            target=tb.number("indicator_target", ch.t("value.unknown"))(cat, a),
            unit=a["indicator_unit"] or "")))
    budget = ch.t("actions.budget", planned=tb.money("budget_planned")(cat, a), spent=tb.money("budget_spent")(cat, a))
    if a["budget_kind"]:
        budget += " " + ch.t("actions.budget_kind", kind=ch.t(f"budget_kind.{a['budget_kind']}"))
    facts.append((ch.t("col.budget"), budget))
    if "comment" in a.index and a["comment"]:
        facts.append((ch.t("col.comment"), str(a["comment"])))
    blocks = [md.heading(3, str(a["title"]), ch.anchor("action", str(a["action_id"])), unnumbered=True)]
    if a["description"]:
        blocks.append(md.paragraph(str(a["description"])))
    blocks.append(bold_facts(ch, facts))
    return md.join(blocks)


def actions(ch: Chapter) -> Md:
    r, cat = ch.report, ch.cat
    year = r.year
    frame = ch.table("actions")
    k = r.key_figures
    blocks: list[str] = [md.heading(1, ch.t("chapter.actions"), "actions")]
    if frame.empty:
        blocks.append(md.paragraph(ch.t("actions.none", year=year)))
        return md.join(blocks)
    blocks.append(md.paragraph(ch.n("actions.intro", len(frame), year=year), ch.t("table.abbreviation")))
    blocks.append(md.paragraph(ch.n("actions.shared", k["actions_shared"]) if k["actions_shared"]
                               else ch.t("actions.none_shared")))
    if r.params.edition_info.public:
        blocks.append(md.paragraph(ch.t("actions.public_note")))

    blocks.append(md.heading(2, ch.t("actions.by_label"), "actions-by-label"))
    links = ch.table("actions-par-label")
    without = [i for i in r.label_ids if i not in set(links["label_id"])]
    for label_id in r.label_ids:
        ids = list(links[links["label_id"] == label_id]["action_id"])
        if not ids:
            continue
        mine = frame[frame["action_id"].isin(ids)]
        blocks.append(md.heading(3, r.label_name(label_id), ch.anchor("actions-label", label_id)))
        blocks.append(ch.render(mine, ACTION_COLUMNS, ch.t("actions.table_caption", label=r.label_name(label_id),
                                                           year=year)))
    if without:
        blocks.append(md.paragraph(ch.n("actions.labels_without", len(without), year=year,
                                        names=ch.names(without))))
    by_label = ch.table("budget-par-label")
    blocks.append(md.paragraph(ch.t("actions.by_label_budget_intro")))
    blocks.append(ch.render(by_label, budget_columns(Col("col.label", tb.text("label", ""), 26)),
                            ch.t("actions.by_label_caption", year=year), "tbl-budget-label",
                            total_label=ch.t("col.total_once")))

    blocks.append(md.heading(2, ch.t("actions.by_axis", year=year), "actions-by-axis"))
    by_axis = ch.table("budget-par-axe")
    blocks.append(ch.render(by_axis.assign(axis=[axis_name(ch, a) if not t else "" for a, t in
                                                 zip(by_axis["axis"], by_axis["total"], strict=True)]),
                            AXIS_COLUMNS, ch.t("actions.budget_caption", year=year), "tbl-budget-axis"))
    rows = by_axis[~by_axis["total"].astype(bool)]
    if rows["budget_planned"].notna().any() or rows["budget_spent"].notna().any():
        path, rel = ch.figure_path("budget-by-axis")
        charts.grouped_bars(
            [axis_name(ch, a) for a in rows["axis"]],
            {ch.t("col.budget_planned"): [None if tb.missing(v) else float(v) for v in rows["budget_planned"]],
             ch.t("col.budget_spent"): [None if tb.missing(v) else float(v) for v in rows["budget_spent"]]},
            path, title=ch.t("fig.budget.title", year=year), value_label=ch.t("fig.budget.axis_label"),
            formatter=cat.money, unknown_text=ch.t("value.unknown_short"))
        blocks.append(md.figure(rel, ch.t("fig.budget.caption", year=year), budget_alt(ch, rows),
                                "fig-budget-axis", ch.data_link("budget-par-axe")))
    else:
        blocks.append(md.paragraph(ch.t("actions.no_budget_chart", year=year)))

    blocks.append(md.heading(2, ch.t("actions.by_kind", year=year), "actions-by-kind"))
    by_kind = ch.table("budget-par-nature")
    blocks.append(ch.render(by_kind, budget_columns(
        Col("col.budget_kind", tb.word("budget_kind", "budget_kind", ch.t("value.unknown")), 26)),
        ch.t("actions.kind_caption", year=year), "tbl-budget-kind"))

    blocks.append(md.heading(2, ch.t("actions.indicators"), "actions-indicators"))
    indicators = ch.table("indicateurs")
    if indicators.empty:
        blocks.append(md.paragraph(ch.t("actions.no_indicators", year=year)))
    else:
        blocks.append(ch.render(indicators, INDICATOR_COLUMNS, ch.t("actions.indicators_caption", year=year),
                                "tbl-indicators"))

    blocks.append(md.heading(2, ch.t("actions.sheets"), "actions-sheets"))
    blocks.append(md.paragraph(ch.t("actions.sheets_intro")))
    for _, a in frame.iterrows():
        blocks.append(action_sheet(ch, a))
    return md.join(blocks)


# -- year over year -----------------------------------------------------------

def label_state_level(cat, row: pd.Series, when: str) -> str:
    state = row[f"state_{when}"]
    words = cat.text(f"state.{state}")
    if state == HELD and not tb.missing(row["level_unit"]):
        level = None if tb.missing(row[f"level_{when}"]) else int(row[f"level_{when}"])
        from labels_report.report import level_words

        words += f" ({level_words(cat, str(row['level_unit']), level)})"
    return words


COMPARE_LABEL_COLUMNS = [
    Col("col.label", tb.text("label"), 24),
    Col("yoy.col_on", lambda cat, row: label_state_level(cat, row, "before"), 18),
    Col("yoy.col_on", lambda cat, row: label_state_level(cat, row, "after"), 18),
    Col("col.change", tb.word("change", "change"), 14),
]


COMPARE_ACTION_COLUMNS = [
    Col("col.action", tb.text("title"), 30),
    Col("col.before", tb.word("status_before", "action_status"), 12),
    Col("col.after", tb.word("status_after", "action_status"), 12),
    Col("col.change", tb.word("change", "action_change"), 16),
]

COMPARE_BUDGET_COLUMNS = [
    Col("col.axis", tb.text("axis", ""), 22),
    Col("col.planned_before", tb.money("budget_planned_before", short=True), 11, "r"),
    Col("col.planned_now", tb.money("budget_planned", short=True), 11, "r"),
    Col("col.delta", tb.signed_money("budget_planned_change"), 10, "r"),
    Col("col.spent_before", tb.money("budget_spent_before", short=True), 11, "r"),
    Col("col.spent_now", tb.money("budget_spent", short=True), 11, "r"),
    Col("col.delta", tb.signed_money("budget_spent_change"), 10, "r"),
]

MULTI_YEAR_COLUMNS = [
    Col("col.year", lambda cat, row: str(int(row["year"])), 8),
    Col("col.labels_held", tb.number("labels_held"), 10, "r"),
    Col("col.actions", tb.number("actions"), 8, "r"),
    *[Col(f"col.status.{s}", tb.number(s), 8, "r") for s in ("done", "in_progress", "planned")],
    Col("col.other_statuses", lambda cat, row: cat.number(int(row["paused"]) + int(row["abandoned"])), 9, "r"),
    Col("col.budget_planned", tb.money("budget_planned", short=True), 12, "r"),
    Col("col.budget_spent", tb.money("budget_spent", short=True), 12, "r"),
]


def year_over_year(ch: Chapter) -> Md:
    r, cat = ch.report, ch.cat
    year, previous = r.year, r.year - 1
    blocks: list[str] = [md.heading(1, ch.t("chapter.year_over_year"), "year-over-year")]
    if r.previous is None:
        blocks.append(md.paragraph(ch.t("yoy.no_previous", year=year, previous=previous)))
    else:
        before_date = ch.date(r.previous.params.reference_date)
        blocks.append(md.paragraph(ch.t("yoy.intro", year=year, previous=previous, before=before_date,
                                        after=ch.as_of)))
        blocks.append(md.heading(2, ch.t("yoy.labels"), "yoy-labels"))
        labels_frame = ch.table("comparaison-labels")
        said = []
        for change in ("gained", "ended", "level_up", "level_down", "state_changed"):
            ids = list(labels_frame[labels_frame["change"] == change]["label_id"])
            if ids:
                said.append(ch.n(f"yoy.label.{change}", len(ids), names=ch.names(ids)))
        blocks.append(md.paragraph(ch.t("yoy.labels_changes", changes=join_names(cat, said)) if said
                                   else ch.t("yoy.labels_same", previous=previous)))
        headers = [ch.t("col.label"), ch.t("yoy.col_on", date=before_date), ch.t("yoy.col_on", date=ch.as_of),
                   ch.t("col.change")]
        if not labels_frame.empty:
            blocks.append(tb.render(cat, labels_frame, COMPARE_LABEL_COLUMNS,
                                    ch.t("yoy.labels_caption", previous=previous, year=year), "tbl-yoy-labels",
                                    headers=headers))

        blocks.append(md.heading(2, ch.t("yoy.actions"), "yoy-actions"))
        actions_frame = ch.table("comparaison-actions")
        counts = actions_frame["change"].value_counts()
        said = [ch.n(f"yoy.action.{c}", int(counts[c]), year=year, previous=previous)
                for c in ("new", "status_changed", "unchanged", "dropped") if counts.get(c, 0)]
        blocks.append(md.paragraph(ch.t("yoy.actions_summary", changes=join_names(cat, said)) if said
                                   else ch.t("yoy.actions_none", year=year, previous=previous)))
        changed = actions_frame[actions_frame["change"] != "unchanged"]
        if not changed.empty:
            blocks.append(ch.render(changed, COMPARE_ACTION_COLUMNS,
                                    ch.t("yoy.actions_caption", previous=previous, year=year), "tbl-yoy-actions",
                                    before=previous, after=year))

        blocks.append(md.heading(2, ch.t("yoy.budget"), "yoy-budget"))
        budget = ch.table("comparaison-budget")
        total_row = budget[budget["total"].astype(bool)].iloc[0]
        blocks.append(md.paragraph(budget_delta_sentence(ch, total_row, previous), ch.t("table.abbreviation")))
        blocks.append(ch.render(
            budget.assign(axis=[axis_name(ch, a) if not t else "" for a, t in
                                zip(budget["axis"], budget["total"], strict=True)]),
            COMPARE_BUDGET_COLUMNS, ch.t("yoy.budget_caption", previous=previous, year=year), "tbl-yoy-budget",
            before=previous, after=year))

    blocks.append(md.heading(2, ch.t("yoy.years_title"), "yoy-years"))
    years = ch.table("evolution-pluriannuelle")
    first, last = int(years["year"].min()), int(years["year"].max())
    blocks.append(md.paragraph(ch.t("yoy.years_intro", first=first, last=last), ch.t("table.abbreviation")))
    blocks.append(ch.render(years, MULTI_YEAR_COLUMNS, ch.t("yoy.years_caption", first=first, last=last),
                            "tbl-multi-year"))
    path, rel = ch.figure_path("years-overview")
    statuses = [s for s in ACTION_STATUSES if years[s].sum() > 0] or ["in_progress"]
    charts.years_overview(
        [int(y) for y in years["year"]],
        {ch.t("col.budget_planned"): [None if tb.missing(v) else float(v) for v in years["budget_planned"]],
         ch.t("col.budget_spent"): [None if tb.missing(v) else float(v) for v in years["budget_spent"]]},
        {ch.t(f"col.status.{s}"): [int(v) for v in years[s]] for s in statuses},
        path, budget_title=ch.t("fig.years.budget_title"), actions_title=ch.t("fig.years.actions_title"),
        year_label=ch.t("fig.year"), money=cat.money, count_label=ch.t("col.actions"),
        unknown_text=ch.t("value.unknown_short"))
    blocks.append(md.figure(rel, ch.t("fig.years.caption", first=first, last=last), years_alt(ch, years, statuses),
                            "fig-years-overview", ch.data_link("evolution-pluriannuelle")))
    return md.join(blocks)


def budget_delta_sentence(ch: Chapter, row: pd.Series, previous: int) -> str:
    cat = ch.cat
    planned, before = row["budget_planned"], row["budget_planned_before"]
    if tb.missing(planned) and tb.missing(before):
        return ch.t("yoy.budget_none", previous=previous, year=ch.report.year)
    if tb.missing(row["budget_planned_change"]):
        return ch.t("yoy.budget_partial", previous=previous, year=ch.report.year,
                    before=tb.money("budget_planned_before")(cat, row), after=tb.money("budget_planned")(cat, row))
    change = float(row["budget_planned_change"])
    key = "yoy.budget_up" if change > 0 else "yoy.budget_down" if change < 0 else "yoy.budget_same"
    return ch.t(key, previous=previous, year=ch.report.year, before=cat.money(float(before)),
                after=cat.money(float(planned)), delta=cat.money(abs(change)))


def years_alt(ch: Chapter, years: pd.DataFrame, statuses: list[str]) -> str:
    cat = ch.cat
    items = []
    for _, row in years.iterrows():
        counts = join_names(cat, [ch.n(f"summary.status.{s}", int(row[s])) for s in statuses if int(row[s])]) \
            or cat.number(0)
        items.append(ch.t("fig.years.item", year=int(row["year"]), planned=tb.money("budget_planned")(cat, row),
                          spent=tb.money("budget_spent")(cat, row), actions=ch.n("fig.years.actions",
                                                                                 int(row["actions"])),
                          detail=counts))
    return ch.t("fig.years.alt") + " " + " ".join(items)


# -- annexes ------------------------------------------------------------------

GLOSSARY = (
    ("glossary.states", "state", ("held", "applied", "suspended", "withdrawn", "expired", "not_held", "unknown")),
    ("glossary.events", "event", tuple(EVENT_STATE)),
    ("glossary.action_statuses", "action_status", ACTION_STATUSES),
    ("glossary.budget_kinds", "budget_kind", ("investment", "operating")),
    ("glossary.deadlines", "deadline", ("validity_end",)),
)


def definition_list(items: Sequence[tuple[str, str]]) -> Md:
    return Md("".join(f"{md.cell(term)}\n:   {md.cell(meaning)}\n\n" for term, meaning in items))


def annexes(ch: Chapter) -> Md:
    r = ch.report
    blocks: list[str] = [md.heading(1, ch.t("chapter.annexes"), "annexes")]

    blocks.append(md.heading(2, ch.t("annex.quality"), "annex-quality"))
    quality = ch.table("qualite-des-donnees")
    if quality.empty:
        blocks.append(md.paragraph(ch.t("annex.quality_none")))
    else:
        blocks.append(md.paragraph(ch.n("annex.quality_intro", len(quality))))
        columns = [Col("", tb.text(str(h)), w) for h, w in zip(quality.columns, (13, 15, 6, 14, 14, 38), strict=False)]
        blocks.append(tb.render(ch.cat, quality, columns, ch.t("annex.quality_caption"), "tbl-quality",
                                headers=[str(h) for h in quality.columns]))
    if r.params.edition_info.public:
        blocks.append(md.paragraph(ch.t("annex.quality_public")))

    blocks.append(md.heading(2, ch.t("annex.provenance"), "annex-provenance"))
    blocks.append(md.paragraph(ch.t("annex.provenance_intro", date=ch.as_of)))
    params = ch.table("provenance-parametres")
    blocks.append(ch.render(params, [Col("col.parameter", lambda cat, row: cat.text(f"param.{row['parameter']}"), 16),
                                     Col("col.value", tb.text("value"), 20)],
                            ch.t("annex.parameters_caption"), "tbl-parameters"))
    files = ch.table("provenance-fichiers")
    if files.empty:
        blocks.append(md.paragraph(ch.t("annex.no_files")))
    else:
        blocks.append(ch.render(files, [Col("col.file", tb.text("file"), 14),
                                        Col("col.sha256", lambda cat, row: Md(f"`{row['sha256']}`"), 46)],
                                ch.t("annex.files_caption"), "tbl-input-files"))
    blocks.append(ch.render(ch.table("provenance-versions"),
                            [Col("col.component", tb.text("component"), 16),
                             Col("col.version", tb.text("version"), 16)],
                            ch.t("annex.versions_caption"), "tbl-versions"))
    blocks.append(md.paragraph(ch.t("annex.manifest")))

    blocks.append(md.heading(2, ch.t("annex.method"), "annex-method"))
    for key in ("annex.method.status", "annex.method.unknown", "annex.method.year", "annex.method.deadlines",
                "annex.method.shared", "annex.method.budget", "annex.method.editions", "annex.method.data"):
        blocks.append(md.paragraph(ch.t(key, months=r.params.horizon_months)))

    blocks.append(md.heading(2, ch.t("annex.glossary"), "annex-glossary"))
    for title, prefix, words in GLOSSARY:
        blocks.append(md.heading(3, ch.t(title), unnumbered=True))
        blocks.append(definition_list([(ch.t(f"{prefix}.{w}"), ch.t(f"glossary.{prefix}.{w}")) for w in words]))
    return md.join(blocks)


CHAPTERS: dict[str, Callable[[Chapter], Md]] = {
    "summary": summary,
    "labels": labels,
    "calendar": calendar,
    "actions": actions,
    "year_over_year": year_over_year,
    "annexes": annexes,
}
"""Registry of chapters, by the name their notebook calls."""


def render_chapter(name: str, report: Report, output_dir: Path) -> Md:
    return CHAPTERS[name](Chapter(report, output_dir))
