"""Chapter "En bref": the year in three paragraphs and the key figures."""

from __future__ import annotations

from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter
from labels_report.chapters.columns import Col, join_names
from labels_report.chapters.markdown import Md
from labels_report.data.vocabulary import ActionStatus, LabelState

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
