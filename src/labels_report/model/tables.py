"""Every table of the report, with raw values.

:data:`TABLES` computes the tables, by the name of their CSV file in
``donnees/``: ISO dates written no finer than they are known (``2014``,
``2016-12-14``), plain numbers, vocabulary codes (``held``, ``in_progress``).
:func:`labels_report.model.compute.compute` computes each once per report; the
chapters format these very frames and the exports write them: a number of the
report cannot differ from its CSV.

Totals are rows of their table (``total`` is true): an action serving several
labels is in the row of each label, and once in the total. Beside every sum of
amounts, ``<column>_unknown`` counts the actions whose amount is not known:
the sum is then a lower bound, and the report says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd

from labels_report.core.dates import iso, precision_of, year_end
from labels_report.core.vocab import StrEnum
from labels_report.data.vocabulary import ActionStatus, BudgetKind, LabelState
from labels_report.model.report import Report, total, unknown
from labels_report.model.status import LabelStatus


ACTION_STATUS_WORDS = ActionStatus.values()


class LabelChange(StrEnum):
    """How a label moved from one 31 December to the next."""

    GAINED = "gained"
    ENDED = "ended"
    LEVEL_UP = "level_up"
    LEVEL_DOWN = "level_down"
    STATE_CHANGED = "state_changed"
    UNCHANGED = "unchanged"
    UNKNOWN = "unknown"
    """Not known on one of the two dates: no change can be told."""


class ActionChange(StrEnum):
    """How an action moved from one year to the next."""

    NEW = "new"
    STATUS_CHANGED = "status_changed"
    UNCHANGED = "unchanged"
    DROPPED = "dropped"


# -- raw tables ------------------------------------------------------------------

def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _frame(rows: list[dict], columns: Sequence[str], types: dict[str, str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for column, dtype in (types or {}).items():
        frame[column] = pd.array(frame[column].tolist(), dtype=dtype) if len(frame) else frame[column].astype(dtype)
    return frame


AMOUNT = "Float64"
COUNT = "Int64"


def key_figures(report: Report) -> pd.DataFrame:
    # Counts stay whole numbers and a percentage keeps its decimals: one column of Python numbers
    # (None: not recorded), not one float type for all.
    rows = [{"figure": k, "value": None if v is None else (int(v) if float(v).is_integer() else float(v))}
            for k, v in report.key_figures.items()]
    return pd.DataFrame(rows, columns=["figure", "value"], dtype=object)


def label_status(report: Report) -> pd.DataFrame:
    rows = []
    for status in report.statuses:
        row = report.label_row(status.label_id)
        rows.append({
            "label_id": status.label_id, "label": row["name"], "awarding_body": row["awarding_body"],
            "subject": row["subject"], "state": str(status.state), "level": status.level,
            "level_unit": row["level_unit"], "level_max": _int(row.get("level_max")),
            "since": iso(status.since.value, status.since.precision),
            "valid_until": iso(status.valid_until.value, status.valid_until.precision),
            "last_event": status.last_event or "",
            "last_event_date": iso(status.last_event_date.value, status.last_event_date.precision),
            "next_event": status.next_event or "",
            "next_event_date": iso(status.next_event_date.value, status.next_event_date.precision),
        })
    return _frame(rows, ["label_id", "label", "awarding_body", "subject", "state", "level", "level_unit",
                         "level_max", "since", "valid_until", "last_event", "last_event_date", "next_event",
                         "next_event_date"], {"level": COUNT, "level_max": COUNT})


def label_timeline(report: Report) -> pd.DataFrame:
    rows = []
    for label_id in report.label_ids:
        row = report.label_row(label_id)
        for period in report.label_periods(label_id):
            rows.append({"label_id": label_id, "label": row["name"],
                         "start": iso(period.start.value, period.start.precision),
                         "end": iso(period.end.value, period.end.precision), "open": period.open,
                         "level": period.level, "level_unit": row["level_unit"], "started_by": period.started_by})
    return _frame(rows, ["label_id", "label", "start", "end", "open", "level", "level_unit", "started_by"],
                  {"level": COUNT})


def year_events(report: Report) -> pd.DataFrame:
    rows = []
    for _, e in report.year_events.iterrows():
        rows.append({
            "date": iso(e["date"], e["date_precision"]), "label_id": e["label_id"],
            "label": report.label_name(e["label_id"]), "event": e["event"], "level": _int(e["level"]),
            "level_unit": report.label_row(e["label_id"])["level_unit"],
            "valid_from": iso(_date(e["valid_from"]), e["valid_from_precision"]),
            "valid_until": iso(_date(e["valid_until"]), e["valid_until_precision"]),
            "reference": e["reference"], "source_url": e["source_url"], "note": e["note"],
        })
    return _frame(rows, ["date", "label_id", "label", "event", "level", "level_unit", "valid_from", "valid_until",
                         "reference", "source_url", "note"], {"level": COUNT})


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def deadlines(report: Report) -> pd.DataFrame:
    rows = [{"date": d.iso(), "label_id": d.label_id, "label": report.label_name(d.label_id), "kind": str(d.kind),
             "reference": d.reference, "note": d.note} for d in report.deadlines]
    return _frame(rows, ["date", "label_id", "label", "kind", "reference", "note"])


ACTION_COLUMNS = ["action_id", "title", "description", "labels", "axis", "status", "progress", "lead_service",
                  "partners", "place", "start_date", "end_date", "indicator", "indicator_unit", "indicator_target",
                  "indicator_value", "budget_planned", "budget_spent", "budget_kind"]


def actions(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    public = report.params.edition_info.public
    rows = []
    for _, a in frame.iterrows():
        row = {column: a[column] for column in ACTION_COLUMNS if column in a.index}
        row["labels"] = ";".join(a["labels"])
        row["partners"] = ";".join(a["partners"])
        for column in ("start_date", "end_date"):
            row[column] = iso(_date(a.get(column)), precision_of(a.get(f"{column}_precision")))
        if not public:
            row["comment"] = a.get("comment", "")
        rows.append(row)
    columns = ACTION_COLUMNS + ([] if public else ["comment"])
    return _frame(rows, columns, {"progress": AMOUNT, "indicator_target": AMOUNT, "indicator_value": AMOUNT,
                                  "budget_planned": AMOUNT, "budget_spent": AMOUNT})


def actions_by_label(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    rows = []
    for label_id in report.label_ids:
        for _, a in frame[frame["labels"].apply(lambda labels, i=label_id: i in labels)].iterrows():
            rows.append({"label_id": label_id, "label": report.label_name(label_id), "action_id": a["action_id"],
                         "title": a["title"], "axis": a["axis"], "status": a["status"],
                         "shared": len(a["labels"]) > 1})
    return _frame(rows, ["label_id", "label", "action_id", "title", "axis", "status", "shared"])


BUDGET_COLUMNS = ["budget_planned", "budget_planned_unknown", "budget_spent", "budget_spent_unknown"]
BUDGET_TYPES = {"budget_planned": AMOUNT, "budget_spent": AMOUNT, "budget_planned_unknown": COUNT,
                "budget_spent_unknown": COUNT}


def _amounts(frame: pd.DataFrame) -> dict:
    """The known sums of the planned and spent amounts of ``frame``'s actions, and how many are unknown."""
    return {"budget_planned": total(frame["budget_planned"]), "budget_planned_unknown": unknown(frame["budget_planned"]),
            "budget_spent": total(frame["budget_spent"]), "budget_spent_unknown": unknown(frame["budget_spent"])}


def _budget_row(frame: pd.DataFrame) -> dict:
    return {"actions": int(frame["action_id"].nunique()), **_amounts(frame)}


def budget_by_label(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    rows = []
    for label_id in report.label_ids:
        mine = frame[frame["labels"].apply(lambda labels, i=label_id: i in labels)]
        if not mine.empty:
            rows.append({"label_id": label_id, "label": report.label_name(label_id), **_budget_row(mine),
                         "total": False})
    if rows:
        # Each action once: the total is not the sum of the rows when actions are shared.
        rows.append({"label_id": "", "label": "", **_budget_row(frame), "total": True})
    return _frame(rows, ["label_id", "label", "actions", *BUDGET_COLUMNS, "total"],
                  {"actions": COUNT, **BUDGET_TYPES})


def _status_counts(frame: pd.DataFrame) -> dict:
    counts = frame["status"].value_counts()
    return {name: int(counts.get(name, 0)) for name in ACTION_STATUS_WORDS}


def budget_by_axis(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    rows = []
    for axis in dict.fromkeys(frame["axis"]):
        group = frame[frame["axis"] == axis]
        rows.append({"axis": axis, **_budget_row(group), **_status_counts(group), "total": False})
    if rows:
        rows.append({"axis": "", **_budget_row(frame), **_status_counts(frame), "total": True})
    return _frame(rows, ["axis", "actions", *ACTION_STATUS_WORDS, *BUDGET_COLUMNS, "total"],
                  {"actions": COUNT, **BUDGET_TYPES, **{name: COUNT for name in ACTION_STATUS_WORDS}})


def budget_by_kind(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    kinds = frame["budget_kind"].fillna("")
    rows = []
    for kind in (*BudgetKind.values(), ""):
        group = frame[kinds == kind]
        if not group.empty:
            rows.append({"budget_kind": kind, **_budget_row(group), "total": False})
    if rows:
        rows.append({"budget_kind": "", **_budget_row(frame), "total": True})
    return _frame(rows, ["budget_kind", "actions", *BUDGET_COLUMNS, "total"], {"actions": COUNT, **BUDGET_TYPES})


def indicators(report: Report) -> pd.DataFrame:
    frame = report.year_actions
    rows = []
    for _, a in frame[frame["indicator"].fillna("") != ""].iterrows():
        target, value = a["indicator_target"], a["indicator_value"]
        ratio = None if pd.isna(target) or pd.isna(value) or float(target) == 0 else \
            round(100 * float(value) / float(target), 1)
        rows.append({"action_id": a["action_id"], "title": a["title"], "indicator": a["indicator"],
                     "indicator_unit": a["indicator_unit"], "indicator_target": target, "indicator_value": value,
                     "achievement": ratio})
    return _frame(rows, ["action_id", "title", "indicator", "indicator_unit", "indicator_target", "indicator_value",
                         "achievement"], {"indicator_target": AMOUNT, "indicator_value": AMOUNT,
                                          "achievement": AMOUNT})


# -- year over year --------------------------------------------------------------

def label_change(before: LabelStatus, after: LabelStatus, has_levels: bool = False) -> LabelChange:
    """How a label moved from ``before`` to ``after``. An unknown state on either date, or a level
    unknown on either date for a label held at both that has levels, tells no change: ``unknown``."""
    if LabelState.UNKNOWN in (before.state, after.state):
        return LabelChange.UNKNOWN
    if before.held and after.held and has_levels and (before.level is None or after.level is None):
        return LabelChange.UNKNOWN
    if not before.held and after.held:
        return LabelChange.GAINED
    if before.held and not after.held:
        return LabelChange.ENDED
    if before.held and after.held and before.level is not None and after.level is not None:
        if after.level > before.level:
            return LabelChange.LEVEL_UP
        if after.level < before.level:
            return LabelChange.LEVEL_DOWN
    if before.state != after.state:
        return LabelChange.STATE_CHANGED
    return LabelChange.UNCHANGED


def compare_labels(report: Report) -> pd.DataFrame:
    rows = []
    previous = report.previous
    if previous is not None:
        for after in report.statuses:
            before = report.status(after.label_id, previous.params.reference_date)
            row = report.label_row(after.label_id)
            change = label_change(before, after, has_levels=bool(row["level_unit"]))
            rows.append({"label_id": after.label_id, "label": row["name"], "state_before": str(before.state),
                         "level_before": before.level, "state_after": str(after.state), "level_after": after.level,
                         "level_unit": row["level_unit"], "change": str(change)})
    return _frame(rows, ["label_id", "label", "state_before", "level_before", "state_after", "level_after",
                         "level_unit", "change"], {"level_before": COUNT, "level_after": COUNT})


def compare_actions(report: Report) -> pd.DataFrame:
    rows = []
    previous = report.previous
    if previous is not None and report.actions_compared:
        before = previous.year_actions.set_index("action_id")
        now = report.year_actions.set_index("action_id")
        for action_id in report.data.actions["action_id"]:
            was = before["status"].get(action_id) if action_id in before.index else None
            is_ = now["status"].get(action_id) if action_id in now.index else None
            if was is None and is_ is None:
                continue
            change = ActionChange.NEW if was is None else ActionChange.DROPPED if is_ is None else \
                ActionChange.UNCHANGED if was == is_ else ActionChange.STATUS_CHANGED
            title = (now if action_id in now.index else before).loc[action_id, "title"]
            rows.append({"action_id": action_id, "title": title, "status_before": was or "",
                         "status_after": is_ or "", "change": str(change)})
    return _frame(rows, ["action_id", "title", "status_before", "status_after", "change"])


def _delta(after: dict, before: dict, column: str) -> float | None:
    """The change of a sum from one year to the next: only when both sums are complete (a sum
    over partly unknown amounts is a lower bound, and two lower bounds tell no change)."""
    if after[f"{column}_unknown"] or before[f"{column}_unknown"]:
        return None
    if after[column] is None or before[column] is None:
        return None
    return after[column] - before[column]


def compare_budget(report: Report) -> pd.DataFrame:
    rows = []
    previous = report.previous
    if previous is not None and report.budget_compared:
        now, before = report.year_actions, previous.year_actions
        axes = list(dict.fromkeys([*before["axis"], *now["axis"]]))
        groups = [(x, now[now["axis"] == x], before[before["axis"] == x], False) for x in axes]
        for axis, a, b, is_total in [*groups, ("", now, before, True)]:
            after_sums, before_sums = _amounts(a), _amounts(b)
            rows.append({"axis": axis, **{f"{k}_before": v for k, v in before_sums.items()}, **after_sums,
                         "budget_planned_change": _delta(after_sums, before_sums, "budget_planned"),
                         "budget_spent_change": _delta(after_sums, before_sums, "budget_spent"), "total": is_total})
    columns = ["axis", "budget_planned_before", "budget_planned_unknown_before", "budget_planned",
               "budget_planned_unknown", "budget_planned_change", "budget_spent_before", "budget_spent_unknown_before",
               "budget_spent", "budget_spent_unknown", "budget_spent_change", "total"]
    return _frame(rows, columns, {c: COUNT if c.endswith(("_unknown", "_unknown_before")) else AMOUNT
                                  for c in columns[1:-1]})


def multi_year(report: Report) -> pd.DataFrame:
    rows = []
    for year in report.action_years:
        frame = report.actions_in(year)
        held = sum(1 for label_id in report.label_ids if report.status(label_id, year_end(year)).held)
        rows.append({"year": year, "labels_held": held, "actions": len(frame), **_status_counts(frame),
                     **_amounts(frame)})
    return _frame(rows, ["year", "labels_held", "actions", *ACTION_STATUS_WORDS, *BUDGET_COLUMNS], BUDGET_TYPES)


TABLES: dict[str, Callable[[Report], pd.DataFrame]] = {
    "chiffres-cles": key_figures,
    "statut-des-labels": label_status,
    "chronologie-des-labels": label_timeline,
    "evenements-de-l-annee": year_events,
    "echeances": deadlines,
    "actions": actions,
    "actions-par-label": actions_by_label,
    "budget-par-label": budget_by_label,
    "budget-par-axe": budget_by_axis,
    "budget-par-nature": budget_by_kind,
    "indicateurs": indicators,
    "comparaison-labels": compare_labels,
    "comparaison-actions": compare_actions,
    "comparaison-budget": compare_budget,
    "evolution-pluriannuelle": multi_year,
}
"""Registry of the report's tables, by CSV file name (``donnees/<name>.csv``), in report order. The
provenance (files and their digests, versions, parameters) is in ``manifest.json``, and the staff's
row-by-row data-quality list in ``controle-donnees.xlsx`` beside the editions: neither is published
with the data of the report."""


