"""Chapter "Annexes": method and sources, what the data leave unknown, glossary.

Written for the report's readers, not for its makers. The council edition
tells the data-quality warnings grouped by kind of problem, in plain words,
and ends its method with one provenance line (tool version, day of the build,
a short fingerprint of the data): the full detail (every file's digest,
versions, parameters) is in ``manifest.json``, and the row-by-row list for the
staff in ``controle-donnees.xlsx`` beside the editions. The public edition has
no technical annex: one sentence says where information is not available.
"""

from __future__ import annotations

from collections.abc import Sequence

from labels_report import __version__
from labels_report.chapters import markdown as md
from labels_report.chapters.base import Chapter
from labels_report.chapters.columns import join_names
from labels_report.chapters.markdown import Md
from labels_report.core.errors import Issue
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

METHOD = ("status", "unknown", "year", "deadlines", "shared", "budget", "editions", "data")
"""The paragraphs of "Méthode et sources", in order (``annex.method.<name>``)."""

FINGERPRINT = 8
"""Characters of the data's digest the provenance line shows (the whole digest is in manifest.json)."""

NAMED = 12
"""Subjects a data-quality group names at most ("… et 4 autres")."""

ACTION_CODES = ("action_no_budget", "action_not_updated")
LABEL_CODES = ("label_no_event", "level_empty", "label_renewal_not_planned")
"""Issue codes grouped by the action or the label they are about; any other code is grouped by the
file or value it names (a file the folder holds but the tool does not read...)."""


def definition_list(items: Sequence[tuple[str, str]]) -> Md:
    return Md("".join(f"{md.cell(term)}\n:   {md.cell(meaning)}\n\n" for term, meaning in items))


def _subject(ch: Chapter, issue: Issue) -> str:
    """What an issue is about, named for a reader: the action's title, the label's name, else the value."""
    r = ch.report
    if issue.code in ACTION_CODES:
        action_id = str(issue.params.get("action", issue.value or ""))
        titles = r.data.actions.set_index("action_id")["title"] if not r.data.actions.empty else {}
        return str(titles.get(action_id, action_id)) if action_id in titles else action_id
    if issue.code in LABEL_CODES:
        return r.label_name(str(issue.params.get("label", issue.value or "")))
    return str(issue.value or issue.file)


def quality_groups(ch: Chapter) -> list[tuple[str, list[str]]]:
    """The issues grouped by kind of problem, in the order of their first issue: (code, subjects)."""
    groups: dict[str, list[str]] = {}
    for issue in ch.report.issues:
        subjects = groups.setdefault(issue.code, [])
        subject = _subject(ch, issue)
        if subject not in subjects:
            subjects.append(subject)
    return list(groups.items())


def _names(ch: Chapter, subjects: list[str]) -> str:
    if len(subjects) <= NAMED:
        return join_names(ch.cat, subjects)
    return ch.n("quality.more", len(subjects) - NAMED, names=", ".join(subjects[:NAMED]))


def quality_line(ch: Chapter, code: str, subjects: list[str]) -> str:
    key = f"quality.{code}" if ch.cat.has(f"quality.{code}") else "quality.other"
    return ch.n(key, len(subjects), names=_names(ch, subjects))


def not_available(ch: Chapter) -> str | None:
    """One sentence: where the report's information is not available, or None when it all is."""
    k, r = ch.report.key_figures, ch.report
    held = [s for s in r.statuses if s.held]
    parts = [
        ("unknown.labels_state", k["labels_unknown"]),
        ("unknown.labels_level", sum(1 for s in held if s.level is None and r.label_row(s.label_id)["level_unit"])),
        ("unknown.labels_validity", sum(1 for s in held if s.valid_until.value is None)),
        ("unknown.budget_planned", k["budget_planned_unknown"]),
        ("unknown.budget_spent", k["budget_spent_unknown"]),
    ]
    said = [ch.n(key, count) for key, count in parts if count]
    if not said:
        return None
    return ch.t("annex.not_available", parts=join_names(ch.cat, said))


def provenance(ch: Chapter) -> str:
    computed = ch.computed
    built = ch.date(computed.built_on) if computed.built_on else ch.t("value.unknown")
    if not computed.fingerprint:
        return ch.t("annex.provenance_line_short", version=__version__, date=built)
    return ch.t("annex.provenance_line", version=__version__, date=built,
                fingerprint=computed.fingerprint[:FINGERPRINT])


def annexes(ch: Chapter) -> Md:
    r = ch.report
    council = not r.params.edition_info.public
    blocks: list[str] = [md.heading(1, ch.t("chapter.annexes"), "annexes")]

    blocks.append(md.heading(2, ch.t("annex.method"), "annex-method"))
    for name in METHOD:
        blocks.append(md.paragraph(ch.t(f"annex.method.{name}", months=r.params.horizon_months)))
    if council:
        blocks.append(md.paragraph(provenance(ch)))

    unavailable = not_available(ch)
    if council:
        blocks.append(md.heading(2, ch.t("annex.quality"), "annex-quality"))
        groups = quality_groups(ch)
        if unavailable:
            blocks.append(md.paragraph(unavailable))
        if groups:
            blocks.append(md.paragraph(ch.t("annex.quality_intro")))
            blocks.append(md.bullet_list([quality_line(ch, code, subjects) for code, subjects in groups]))
            blocks.append(md.paragraph(ch.t("annex.quality_staff")))
        elif not unavailable:
            blocks.append(md.paragraph(ch.t("annex.quality_none")))
    elif unavailable:
        blocks.append(md.paragraph(unavailable))

    blocks.append(md.heading(2, ch.t("annex.glossary"), "annex-glossary"))
    for title, prefix, words in GLOSSARY:
        blocks.append(md.heading(3, ch.t(title), unnumbered=True))
        blocks.append(definition_list([(ch.t(f"{prefix}.{w}"), ch.t(f"glossary.{prefix}.{w}")) for w in words]))
    return md.join(blocks)
