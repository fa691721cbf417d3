"""Chapter "Annexes": data quality, provenance, method, glossary."""

from __future__ import annotations

from collections.abc import Sequence

from labels_report.chapters import columns as tb
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter
from labels_report.chapters.columns import Col
from labels_report.chapters.markdown import Md
from labels_report.data.vocabulary import ActionStatus, BudgetKind, DeadlineKind, Event, LabelState

GLOSSARY = (
    ("glossary.states", "state", LabelState.values()),
    ("glossary.events", "event", Event.values()),
    ("glossary.action_statuses", "action_status", ActionStatus.values()),
    ("glossary.budget_kinds", "budget_kind", BudgetKind.values()),
    # Other deadlines are events, explained with the events.
    ("glossary.deadlines", "deadline", (DeadlineKind.VALIDITY_END.value,)),
)
"""The glossary: every word of each vocabulary, in its declaration order."""


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
        blocks.append(ch.render(quality, columns, ch.t("annex.quality_caption"), "tbl-quality",
                                headers=[str(h) for h in quality.columns], source="qualite-des-donnees"))
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
                                ch.t("annex.files_caption"), "tbl-input-files", source="provenance-fichiers"))
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
