"""Chapter "D'une année sur l'autre": labels, actions and budgets against the year before, and the years together."""

from __future__ import annotations

import pandas as pd

from labels_report.chapters import charts
from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.actions import budget_legend, lower_bounds
from labels_report.chapters.base import Chapter, axis_name
from labels_report.chapters.columns import Col, join_names, level_words
from labels_report.chapters.markdown import Md
from labels_report.data.vocabulary import ActionStatus, LabelState
from labels_report.model.tables import ActionChange, LabelChange

CHART_YEARS = 15
"""Years the chart of the years draws at most (the most recent ones)."""

def label_state_level(cat, row: pd.Series, when: str) -> str:
    state = row[f"state_{when}"]
    words = cat.text(f"state.{state}")
    if state == LabelState.HELD and not tb.missing(row["level_unit"]):
        level = None if tb.missing(row[f"level_{when}"]) else int(row[f"level_{when}"])
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
    Col("col.planned_before", tb.money_sum("budget_planned_before", "budget_planned_unknown_before", True), 11, "r"),
    Col("col.planned_now", tb.money_sum("budget_planned", short=True), 11, "r"),
    Col("col.delta", tb.signed_money("budget_planned_change"), 10, "r"),
    Col("col.spent_before", tb.money_sum("budget_spent_before", "budget_spent_unknown_before", True), 11, "r"),
    Col("col.spent_now", tb.money_sum("budget_spent", short=True), 11, "r"),
    Col("col.delta", tb.signed_money("budget_spent_change"), 10, "r"),
]

MULTI_YEAR_COLUMNS = [
    Col("col.year", lambda cat, row: str(int(row["year"])), 8),
    Col("col.labels_held", tb.number("labels_held"), 10, "r"),
    Col("col.actions", tb.number("actions"), 8, "r"),
    *tb.status_columns(8),
    Col("col.budget_planned", tb.money_sum("budget_planned", short=True), 12, "r"),
    Col("col.budget_spent", tb.money_sum("budget_spent", short=True), 12, "r"),
]


def actions_and_budget(ch: Chapter, year: int, previous: int) -> list[str]:
    """The actions and the budget of the year against the previous year's."""
    cat = ch.cat
    blocks: list[str] = []
    blocks.append(md.heading(2, ch.t("yoy.actions"), "yoy-actions"))
    actions_frame = ch.table("comparaison-actions")
    counts = actions_frame["change"].value_counts()
    said = [ch.n(f"yoy.action.{c}", int(counts[c]), year=year, previous=previous)
            for c in ActionChange if counts.get(c, 0)]
    blocks.append(md.paragraph(ch.t("yoy.actions_summary", changes=join_names(cat, said)) if said
                               else ch.t("yoy.actions_none", year=year, previous=previous)))
    changed = actions_frame[actions_frame["change"] != ActionChange.UNCHANGED]
    if not changed.empty:
        blocks.append(ch.render(changed, COMPARE_ACTION_COLUMNS,
                                ch.t("yoy.actions_caption", previous=previous, year=year), "tbl-yoy-actions",
                                source="comparaison-actions", before=previous, after=year))
    if not ch.report.budget_compared:
        return blocks  # no action at all: no budget to compare either

    blocks.append(md.heading(2, ch.t("yoy.budget"), "yoy-budget"))
    budget = ch.table("comparaison-budget")
    total_row = budget[budget["total"].astype(bool)].iloc[0]
    blocks.append(md.paragraph(budget_delta_sentence(ch, total_row, previous), ch.t("table.abbreviation"),
                               ch.t("table.abbreviation_partial") if tb.partial_sums(budget) else ""))
    blocks.append(ch.render(
        budget.assign(axis=[axis_name(ch, a) if not t else "" for a, t in
                            zip(budget["axis"], budget["total"], strict=True)]),
        COMPARE_BUDGET_COLUMNS, ch.t("yoy.budget_caption", previous=previous, year=year), "tbl-yoy-budget",
        source="comparaison-budget", before=previous, after=year))
    return blocks


def year_over_year(ch: Chapter) -> Md:
    r, cat = ch.report, ch.cat
    year, previous = r.year, r.year - 1
    blocks: list[str] = [md.heading(1, ch.t("chapter.year_over_year"), "year-over-year")]
    if r.previous is None:
        blocks.append(md.paragraph(ch.t("yoy.no_previous", year=year, previous=previous)))
    else:
        before_date = ch.date(r.previous.params.reference_date)
        # the actions and budgets are compared too when there are some, since the previous year
        intro = "yoy.intro" if r.budget_compared else "yoy.intro_labels"
        blocks.append(md.paragraph(ch.t(intro, year=year, previous=previous, before=before_date, after=ch.as_of)))
        blocks.append(md.heading(2, ch.t("yoy.labels"), "yoy-labels"))
        labels_frame = ch.table("comparaison-labels")
        said = []
        for change in (LabelChange.GAINED, LabelChange.ENDED, LabelChange.LEVEL_UP, LabelChange.LEVEL_DOWN,
                       LabelChange.STATE_CHANGED, LabelChange.UNKNOWN):
            ids = list(labels_frame[labels_frame["change"] == change]["label_id"])
            if ids:
                said.append(ch.n(f"yoy.label.{change}", len(ids), names=ch.names(ids)))
        blocks.append(md.paragraph(ch.t("yoy.labels_changes", changes=join_names(cat, said)) if said
                                   else ch.t("yoy.labels_same", previous=previous)))
        headers = [ch.t("col.label"), ch.t("yoy.col_on", date=before_date), ch.t("yoy.col_on", date=ch.as_of),
                   ch.t("col.change")]
        if not labels_frame.empty:
            blocks.append(ch.render(labels_frame, COMPARE_LABEL_COLUMNS,
                                    ch.t("yoy.labels_caption", previous=previous, year=year), "tbl-yoy-labels",
                                    headers=headers, source="comparaison-labels"))

        if r.actions_compared:
            blocks += actions_and_budget(ch, year, previous)
        else:
            blocks.append(md.heading(2, ch.t("yoy.actions"), "yoy-actions"))
            blocks.append(md.paragraph(ch.t("yoy.actions_start", first=r.first_action_year, year=year,
                                            previous=previous)))

    blocks.append(md.heading(2, ch.t("yoy.years_title"), "yoy-years"))
    years = ch.table("evolution-pluriannuelle")
    first, last = int(years["year"].min()), int(years["year"].max())
    span = {"first": first, "last": last} if first != last else {"year": first}
    one = "" if first != last else "_one"
    blocks.append(md.paragraph(ch.t(f"yoy.years_intro{one}", **span), ch.t("table.abbreviation"),
                               ch.t("table.abbreviation_partial") if tb.partial_sums(years) else ""))
    blocks.append(ch.render(years, MULTI_YEAR_COLUMNS, ch.t(f"yoy.years_caption{one}", **span),
                            "tbl-multi-year", source="evolution-pluriannuelle"))
    if len(years) < charts.MIN_KNOWN:
        return md.join(blocks)  # one year compares nothing: the table says it all
    path, rel = ch.figure_path("years-overview")
    shown = years.tail(CHART_YEARS)  # the most recent years; the table holds them all
    first = int(shown["year"].min())
    years = shown
    statuses = [s for s in ActionStatus if years[s].sum() > 0] or [ActionStatus.IN_PROGRESS]
    charts.years_overview(
        [int(y) for y in years["year"]],
        {ch.t("col.budget_planned"): [None if tb.missing(v) else float(v) for v in years["budget_planned"]],
         ch.t("col.budget_spent"): [None if tb.missing(v) else float(v) for v in years["budget_spent"]]},
        {ch.t(f"col.status.{s}"): [int(v) for v in years[s]] for s in statuses},
        path, budget_title=ch.t("fig.years.budget_title"), actions_title=ch.t("fig.years.actions_title"),
        year_label=ch.t("fig.year"), money=cat.money, count_label=ch.t("col.actions"),
        unknown_text=ch.t("value.unknown_short"),
        partial=[lower_bounds(years, c) for c in ("budget_planned", "budget_spent")],
        partial_text=ch.t("value.at_least_short", amount=""), legend_notes=budget_legend(ch, years),
        accent=ch.accent)
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
                    before=tb.money_sum("budget_planned_before", "budget_planned_unknown_before")(cat, row),
                    after=tb.money_sum("budget_planned")(cat, row))
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
        items.append(ch.t("fig.years.item", year=int(row["year"]), planned=tb.money_sum("budget_planned")(cat, row),
                          spent=tb.money_sum("budget_spent")(cat, row), actions=ch.n("fig.years.actions",
                                                                                 int(row["actions"])),
                          detail=counts))
    return ch.t("fig.years.alt") + " " + " ".join(items)
