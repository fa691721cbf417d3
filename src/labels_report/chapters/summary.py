"""Chapter "En bref": the year in three paragraphs and the key figures."""

from __future__ import annotations

import pandas as pd
from babel import Locale

from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter
from labels_report.chapters.columns import Col, join_names
from labels_report.chapters.markdown import Md
from labels_report.chapters.narrative import safe_markdown
from labels_report.core.i18n import LOCALES
from labels_report.data.vocabulary import ActionStatus, LabelState

MONEY_FIGURES = ("budget_planned", "budget_spent")

SHOWN_FIGURES = ("labels_total", "labels_held", "labels_unknown", "obtained", "renewed", "upgraded", "downgraded",
                 "lost", "renewals_due", "deadlines", "actions_total", "actions_done", "actions_in_progress",
                 "actions_planned", "actions_paused", "actions_abandoned", "actions_shared", "budget_planned",
                 "budget_spent")
"""The key figures the summary's table shows, in order, when they are not zero; the CSV file holds
them all (and the counts of unknown amounts beside the budgets)."""

FOLDED = {"obtained": "year", "renewed": "year", "upgraded": "year", "downgraded": "year", "lost": "year",
          "actions_planned": "actions", "actions_paused": "actions", "actions_abandoned": "actions",
          "actions_shared": "actions", "labels_unknown": "labels", "renewals_due": "ahead", "deadlines": "ahead"}
"""Figures that are folded into one sentence under the table when they are zero (by group), rather
than shown as rows of zeros."""


def key_figure_columns(ch: Chapter) -> list[Col]:
    months = ch.report.params.horizon_months
    date = ch.as_of

    def name(cat, row) -> str:
        return cat.text(f"kf.{row['figure']}", months=months, date=date)

    def value(cat, row) -> str:
        if row["figure"] in MONEY_FIGURES:
            return tb.money_sum("value", "unknown")(cat, row)
        return cat.number(None if tb.missing(row["value"]) else float(row["value"]))

    return [Col("kf.figure", name, 30), Col("kf.value", value, 12, "r")]


def key_figure_rows(ch: Chapter) -> tuple[pd.DataFrame, list[str]]:
    """The rows the table shows (what is not zero, and the budgets however they are known), with the
    count of unknown amounts beside each budget, and the figures that are zero (folded into a sentence)."""
    k = ch.report.key_figures
    rows, zero = [], []
    for figure in SHOWN_FIGURES:
        if figure in FOLDED and not k[figure]:
            zero.append(figure)
            continue
        if figure in MONEY_FIGURES and not k["actions_total"]:
            continue
        rows.append({"figure": figure, "value": k[figure], "unknown": k.get(f"{figure}_unknown", 0)})
    return pd.DataFrame(rows, columns=["figure", "value", "unknown"]), zero


def budget_sentences(ch: Chapter) -> list[str]:
    """What the year's budget is, saying how many amounts are unknown: a sum over partly unknown
    amounts is "au moins", and the share spent is computed over the actions whose two amounts are
    known, saying over how many."""
    k, cat = ch.report.key_figures, ch.cat
    count = k["actions_total"]
    if not count:
        return []
    said = []
    for kind in MONEY_FIGURES:
        amount, missing = k[kind], k[f"{kind}_unknown"]
        if amount is None:
            said.append(ch.t(f"summary.{kind}.none"))
        elif missing:
            said.append(ch.n(f"summary.{kind}.partial", missing, amount=cat.money(amount), total=cat.number(count)))
        else:
            said.append(ch.t(f"summary.{kind}.known", amount=cat.money(amount)))
    rate, compared = k["spending_rate"], k["spending_rate_actions"]
    if rate is not None:
        if compared == count:
            said.append(ch.t("summary.rate.all", rate=cat.percent(rate)))
        else:
            said.append(ch.n("summary.rate.some", compared, rate=cat.percent(rate), total=cat.number(count)))
    return said


def summary_sentences(ch: Chapter) -> list[Md]:
    """The summary's paragraphs, every number read from the key figures."""
    r, cat = ch.report, ch.cat
    k = r.key_figures
    year = r.year
    town = r.data.town.name
    if not k["labels_total"]:
        labels = [ch.t("summary.no_labels", town=town)]
    elif k["labels_total"] == 1:
        # "holds 1 label out of the 1 followed" reads badly; a town of a network often follows one
        [only] = r.statuses
        said = "summary.only_held" if only.held else None if only.state == LabelState.UNKNOWN else "summary.only_not_held"
        labels = [ch.t(said, town=town, date=ch.as_of, name=ch.names([only.label_id]))] if said else []
    else:
        labels = [ch.n("summary.held", k["labels_held"], town=town, date=ch.as_of,
                       total=cat.number(k["labels_total"]))]
    unknown = [s.label_id for s in r.statuses if s.state == LabelState.UNKNOWN]
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
        status = next(s for s in ActionStatus if k[f"actions_{s}"])
        actions.append(ch.t("summary.one_action", year=year, status=ch.t(f"action_status.{status}")))
    else:
        parts = [ch.n(f"summary.status.{s}", k[f"actions_{s}"]) for s in ActionStatus if k[f"actions_{s}"]]
        actions.append(ch.n("summary.actions", k["actions_total"], year=year, detail=join_names(cat, parts)))
    if k["actions_shared"]:
        actions.append(ch.n("summary.shared", k["actions_shared"]))
    actions += budget_sentences(ch)

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
    if r.issues and not r.params.edition_info.public:
        # Once, last, and in the council's edition only: the town's labels come first.
        ahead.append(ch.t("summary.quality"))
    return [md.paragraph(" ".join(labels)), md.paragraph(" ".join(actions)), md.paragraph(" ".join(ahead))]


def framing(ch: Chapter, name: str) -> str:
    """A framing text of the report's year (``_avant-propos``...), made safe, or ""."""
    text = ch.report.data.texts.get((ch.report.year, name), "")
    return safe_markdown(text, heading_shift=3) if text else ""


def foreword(ch: Chapter) -> list[str]:
    """The foreword, before the summary, with its signatory: absent when the town gives none."""
    text = framing(ch, "_avant-propos")
    if not text:
        return []
    blocks = [md.heading(1, ch.t("summary.foreword"), "foreword", unnumbered=True), Md(text)]
    signatory = ch.report.data.signatories.get((ch.report.year, "_avant-propos"), "")
    if signatory:
        blocks.append(Md(f"*{md.cell(signatory)}*\n"))
    return blocks


def data_language(ch: Chapter) -> str:
    """Said once, in an edition whose language is not the town's: the town's own words are in its language."""
    r = ch.report
    town_lang = r.data.town.default_lang
    if town_lang == r.params.lang:
        return ""
    language = Locale.parse(LOCALES[town_lang]).get_language_name(LOCALES[r.params.lang])
    return ch.t("summary.data_language", language=language)


def summary(ch: Chapter) -> Md:
    r = ch.report
    town = r.data.town
    blocks = [
        *foreword(ch),
        md.heading(1, ch.t("chapter.summary"), "summary"),
        md.paragraph(ch.t("summary.intro", town=town.name, year=r.year, date=ch.as_of)),
        md.paragraph(ch.t(f"summary.edition.{r.params.edition}"), data_language(ch)),
        md.heading(2, ch.t("summary.essentials"), "summary-essentials"),
        *summary_sentences(ch),
    ]
    highlights = framing(ch, "_faits-marquants")
    if highlights:
        blocks += [md.heading(2, ch.t("summary.highlights", year=r.year), "summary-highlights"), Md(highlights)]
    blocks += [
        md.heading(2, ch.t("summary.key_figures"), "summary-key-figures"),
        *key_figures(ch),
        md.paragraph(ch.t("summary.rules")),
    ]
    perspectives = framing(ch, "_perspectives")
    if perspectives:
        blocks += [md.heading(2, ch.t("summary.perspectives", year=r.year + 1), "summary-perspectives"),
                   Md(perspectives)]
    return md.join(blocks)


def key_figures(ch: Chapter) -> list[str]:
    """The key-figures table (the figures that are not zero) and one sentence for those that are."""
    r = ch.report
    rows, zero = key_figure_rows(ch)
    blocks = [ch.render(rows, key_figure_columns(ch), ch.t("kf.caption", year=r.year, date=ch.as_of),
                        "tbl-key-figures")]
    said = []
    k = r.key_figures
    skipped = {"labels", "year"} if not k["labels_total"] else set()
    if not k["actions_total"]:
        skipped.add("actions")  # the table's row "0 actions" says it; no list of statuses no action has
    for group in ("labels", "year", "actions"):
        if group in skipped:
            continue
        words = [ch.t(f"kf.zero_word.{f}") for f in zero if FOLDED[f] == group]
        if words:
            said.append(ch.t(f"kf.zero.{group}", words=join_names(ch.cat, words, "list.join_or"), year=r.year))
    for figure in ("deadlines", "renewals_due"):  # no deadline at all says there is no renewal either
        if figure in zero:
            said.append(ch.t(f"kf.zero.{figure}", months=r.params.horizon_months))
            break
    if said:
        blocks.append(md.paragraph(" ".join(said)))
    return blocks
