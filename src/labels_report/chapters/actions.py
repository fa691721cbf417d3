"""Chapter "Les actions": the year's actions by label, budgets by axis and kind, indicators, one sheet per action."""

from __future__ import annotations

import pandas as pd

from labels_report.chapters import charts
from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter, axis_name, bold_facts
from labels_report.chapters.columns import Col, join_names
from labels_report.chapters.markdown import Md

LABEL_ACTIONS = 40
"""Actions listed under one label at most (all of them are in actions-par-label.csv)."""
ACTION_SHEETS = 150
"""Beyond this many actions in the year, no sheet per action: the data files hold them."""
CHART_BARS = 15
"""Axes the budget chart draws at most (those with the largest budgets)."""


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
            Col("col.budget_planned", tb.money_sum("budget_planned"), 12, "r"),
            Col("col.budget_spent", tb.money_sum("budget_spent"), 12, "r")]


AXIS_COLUMNS = [
    Col("col.axis", tb.text("axis", ""), 22),
    Col("col.actions", tb.number("actions"), 9, "r"),
    *tb.status_columns(9),
    Col("col.planned", tb.money_sum("budget_planned", short=True), 11, "r"),
    Col("col.spent", tb.money_sum("budget_spent", short=True), 11, "r"),
]

INDICATOR_COLUMNS = [
    Col("col.action", tb.text("title"), 22),
    Col("col.indicator", tb.text("indicator"), 22),
    Col("col.unit", tb.text("indicator_unit"), 10),
    Col("col.target", tb.number("indicator_target"), 8, "r"),
    Col("col.value", tb.number("indicator_value"), 8, "r"),
    Col("col.achievement", tb.percent("achievement"), 8, "r"),
]


def budget_alt(ch: Chapter, frame: pd.DataFrame, axes: int) -> str:
    """The chart in words: every bar it draws (``axes``: how many axes the table holds)."""
    cat = ch.cat
    money = tb.money_sum
    items = [ch.t("fig.budget.item", axis=axis_name(ch, row["axis"]), planned=money("budget_planned")(cat, row),
                  spent=money("budget_spent")(cat, row)) for _, row in frame.iterrows()]
    text = ch.t("fig.budget.alt", year=ch.report.year) + " " + "; ".join(items) + "."
    if axes > len(frame):
        text += " " + ch.t("fig.budget.largest", shown=len(frame), axes=axes)
    return text


def lower_bounds(rows: pd.DataFrame, column: str) -> list[bool]:
    """For each row: its sum of ``column`` is known but some of its amounts are not (a lower bound)."""
    return [not tb.missing(value) and bool(missing) for value, missing in
            zip(rows[column], rows[f"{column}_unknown"].fillna(0), strict=True)]


def budget_legend(ch: Chapter, rows: pd.DataFrame) -> list[str]:
    """What the chart's marks other than the bars mean, when it has them."""
    notes = []
    if rows[["budget_planned", "budget_spent"]].isna().any().any():
        notes.append(ch.t("fig.legend.unknown", short=ch.t("value.unknown_short")))
    if tb.partial_sums(rows):
        notes.append(ch.t("fig.legend.partial"))
    return notes


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
    partial = any(tb.partial_sums(ch.table(t)) for t in ("budget-par-label", "budget-par-axe", "budget-par-nature"))
    blocks.append(md.paragraph(ch.n("actions.intro", len(frame), year=year), ch.t("table.abbreviation"),
                               ch.t("table.abbreviation_partial") if partial else ""))
    if k["actions_shared"]:
        blocks.append(md.paragraph(ch.n("actions.shared", k["actions_shared"])))
    if r.params.edition_info.public:
        blocks.append(md.paragraph(ch.t("actions.public_note")))

    blocks.append(md.heading(2, ch.t("actions.by_label"), "actions-by-label"))
    links = ch.table("actions-par-label")
    without = [i for i in r.label_ids if i not in set(links["label_id"])]
    by_id = frame.set_index("action_id", drop=False)
    for label_id, ids in links.groupby("label_id", sort=False)["action_id"]:
        mine = by_id.loc[list(ids)]
        blocks.append(md.heading(3, r.label_name(label_id), ch.anchor("actions-label", label_id)))
        blocks.append(ch.render(mine, ACTION_COLUMNS, ch.t("actions.table_caption", label=r.label_name(label_id),
                                                           year=year), source="actions-par-label",
                                limit=LABEL_ACTIONS))
    if without:
        blocks.append(md.paragraph(ch.n("actions.labels_without", len(without), year=year,
                                        names=ch.names(without))))
    by_label = ch.table("budget-par-label")
    blocks.append(md.paragraph(ch.t("actions.by_label_budget_intro")))
    blocks.append(ch.render(by_label, budget_columns(Col("col.label", tb.text("label", ""), 26)),
                            ch.t("actions.by_label_caption", year=year), "tbl-budget-label",
                            total_label=ch.t("col.total_once"), source="budget-par-label"))

    blocks.append(md.heading(2, ch.t("actions.by_axis", year=year), "actions-by-axis"))
    by_axis = ch.table("budget-par-axe")
    blocks.append(ch.render(by_axis.assign(axis=[axis_name(ch, a) if not t else "" for a, t in
                                                 zip(by_axis["axis"], by_axis["total"], strict=True)]),
                            AXIS_COLUMNS, ch.t("actions.budget_caption", year=year), "tbl-budget-axis",
                            source="budget-par-axe"))
    rows = by_axis[~by_axis["total"].astype(bool)]
    if len(rows) > CHART_BARS:  # the chart draws the largest budgets; the table holds every axis
        rows = rows.assign(_order=rows["budget_planned"].fillna(rows["budget_spent"]).fillna(-1)) \
            .sort_values("_order", ascending=False, kind="stable").head(CHART_BARS)
    known = int(rows["budget_planned"].notna().sum() + rows["budget_spent"].notna().sum())
    if known >= charts.MIN_KNOWN:  # a chart of one known bar compares nothing: the table says it
        path, rel = ch.figure_path("budget-by-axis")
        charts.grouped_bars(
            [axis_name(ch, a) for a in rows["axis"]],
            {ch.t("col.budget_planned"): [None if tb.missing(v) else float(v) for v in rows["budget_planned"]],
             ch.t("col.budget_spent"): [None if tb.missing(v) else float(v) for v in rows["budget_spent"]]},
            path, title=ch.t("fig.budget.title", year=year), value_label=ch.t("fig.budget.axis_label"),
            formatter=cat.money, unknown_text=ch.t("value.unknown_short"),
            partial=[lower_bounds(rows, c) for c in ("budget_planned", "budget_spent")],
            partial_text=ch.t("value.at_least_short", amount=""), legend_notes=budget_legend(ch, rows),
            accent=ch.accent)
        blocks.append(md.figure(rel, ch.t("fig.budget.caption", year=year), budget_alt(ch, rows, len(by_axis) - 1),
                                "fig-budget-axis", ch.data_link("budget-par-axe")))
    else:
        blocks.append(md.paragraph(ch.t("actions.no_budget_chart", year=year)))

    blocks.append(md.heading(2, ch.t("actions.by_kind", year=year), "actions-by-kind"))
    by_kind = ch.table("budget-par-nature")
    blocks.append(ch.render(by_kind, budget_columns(
        Col("col.budget_kind", tb.word("budget_kind", "budget_kind", ch.t("value.unknown")), 26)),
        ch.t("actions.kind_caption", year=year), "tbl-budget-kind", source="budget-par-nature"))

    blocks.append(md.heading(2, ch.t("actions.indicators"), "actions-indicators"))
    indicators = ch.table("indicateurs")
    if indicators.empty:
        blocks.append(md.paragraph(ch.t("actions.no_indicators", year=year)))
    else:
        blocks.append(ch.render(indicators, INDICATOR_COLUMNS, ch.t("actions.indicators_caption", year=year),
                                "tbl-indicators", source="indicateurs"))

    blocks.append(md.heading(2, ch.t("actions.sheets"), "actions-sheets"))
    if len(frame) > ACTION_SHEETS:
        # Hundreds of sheets would bury the report: every action's detail is in the data files.
        _text, href = ch.data_link("actions")
        blocks.append(Md(f"{md.cell(ch.n('actions.sheets_many', len(frame), year=year))} "
                         f"[{md.cell('actions.csv')}]({href}).\n"))
        return md.join(blocks)
    blocks.append(md.paragraph(ch.t("actions.sheets_intro")))
    for _, a in frame.iterrows():
        blocks.append(action_sheet(ch, a))
    return md.join(blocks)
