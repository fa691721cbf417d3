"""Rules within a table (pandera schemas) and across tables, and the warnings that need no year.

Every rule adds :class:`~labels_report.core.errors.Issue` records to what the
loader found; none stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.core.i18n import catalogue
from labels_report.core.text import closest
from labels_report.data.contract import rules
from labels_report.data.found import Found
from labels_report.data.reading import RawTable
from labels_report.data.vocabulary import Event

EVENTS_WITH_LEVEL = (Event.AWARDED, Event.LEVEL_CHANGED)
"""Events after which a label that has levels should say which level."""


def check_tables(found: Found) -> None:
    import pandera.errors

    for name, raw in found.raws.items():
        frame = found.frames[name]
        table_rules = rules(name)
        # an empty identifier is already a "required value" error: not also a bad or duplicated one
        checked = frame.copy()
        for column in raw.table.columns:
            if column.kind == "id":
                checked[column.name] = checked[column.name].mask(checked[column.name] == "")
        try:
            table_rules.schema.validate(checked, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            found.issues += _pandera_issues(exc.failure_cases, table_rules.codes, frame, raw, found)


def _pandera_issues(failures: pd.DataFrame, codes: dict[tuple[str, int], str], frame: pd.DataFrame,
                    raw: RawTable, found: Found) -> list[Issue]:
    issues: list[Issue] = []
    table = raw.table
    seen_keys: set[int] = set()
    for failure in failures.itertuples(index=False):
        index = int(failure.index)
        row = frame.loc[index]
        number = int(row["_row"])
        column = str(failure.column)
        if failure.check in ("field_uniqueness", "multiple_fields_uniqueness"):
            key = list(table.key)
            if index in seen_keys or any(pd.isna(row[k]) or row[k] == "" for k in key):
                continue  # one issue per duplicated row; an empty key is already an error
            seen_keys.add(index)
            same = (frame[key] == row[key]).all(axis=1)
            first = int(frame.loc[same, "_row"].iloc[0])
            if len(key) == 1:
                issues.append(Issue("error", "id_duplicate", raw.file, raw.sheet, number, key[0],
                                    str(row[key[0]]), {"first_row": first}))
            else:
                issues.append(Issue("error", "action_year_duplicate", raw.file, raw.sheet, number, key[-1],
                                    str(row[key[-1]]), {"action": row[key[0]], "first_row": first}))
            continue
        code = codes[(column, int(failure.check_number))]
        issues.append(Issue("error", code, raw.file, raw.sheet, number, column,
                            found.shown.get((table.name, number, column), str(failure.failure_case))))
    return issues


# -- rules across tables ----------------------------------------------------------------


def cross_check(found: Found, lang: str) -> None:
    labels, events = found.frames["labels"], found.frames["label_events"]
    actions, years = found.frames["actions"], found.frames["action_years"]
    label_ids = set(labels["label_id"]) if found.complete("labels") else None
    action_ids = set(actions["action_id"]) if found.complete("actions") else None
    issues = found.issues

    def issue(code: str, table: str, frame_row: Mapping[str, Any], column: str, value: object = None,
              **params: object) -> None:
        number = int(frame_row["_row"])
        shown = found.shown.get((table, number, column), "") if value is None else str(value)
        issues.append(Issue("error", code, str(frame_row["_file"]), frame_row["_sheet"] or None, number, column,
                            shown, params))

    scales = {}
    for label in labels.drop_duplicates("label_id").to_dict("records"):
        unreadable = pd.isna(label["level_max"]) and ("labels", int(label["_row"]), "level_max") in found.shown
        if not unreadable:  # a level_max that could not be read is already an error
            scales[label["label_id"]] = (label["level_unit"], label["level_max"])
    for event in events.to_dict("records"):
        label_id = event["label_id"]
        if label_ids is not None and label_id and label_id not in label_ids:
            issue("label_unknown", "label_events", event, "label_id", labels_file=found.where("labels"),
                  id_column=found.header("labels", "label_id"),
                  suggestion=closest(label_id, label_ids) or "")
        if not pd.isna(event["level"]) and label_id in scales:
            unit, maximum = scales[label_id]
            if not unit or pd.isna(maximum):
                issue("level_without_scale", "label_events", event, "level", label=label_id,
                      labels_file=found.where("labels"))
            elif int(maximum) >= 1 and not 1 <= int(event["level"]) <= int(maximum):
                issue("level_out_of_range", "label_events", event, "level", max=int(maximum), unit=unit)
        start, end = event["valid_from"], event["valid_until"]
        if start is not None and end is not None and end < start:
            issue("valid_until_before_from", "label_events", event, "valid_until", start=found.shown.get(
                ("label_events", int(event["_row"]), "valid_from"), ""))

    periods: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for action in actions.to_dict("records"):
        if label_ids is not None:
            for label_id in action["labels"]:
                if label_id not in label_ids:
                    issue("label_unknown", "actions", action, "labels", label_id, labels_file=found.where("labels"),
                          id_column=found.header("labels", "label_id"),
                          suggestion=closest(label_id, label_ids) or "")
        start, end = action["start_date"], action["end_date"]
        if start is not None and end is not None and end < start:
            issue("end_before_start", "actions", action, "end_date", start=found.shown.get(
                ("actions", int(action["_row"]), "start_date"), ""))
            start = end = None  # no period to check the years against
        periods.setdefault(action["action_id"], (start, end))

    cat = catalogue(lang)
    for row in years.to_dict("records"):
        action_id = row["action_id"]
        if action_ids is not None and action_id and action_id not in action_ids:
            issue("action_unknown", "action_years", row, "action_id", actions_file=found.where("actions"),
                  id_column=found.header("actions", "action_id"),
                  suggestion=closest(action_id, action_ids) or "")
            continue
        if pd.isna(row["year"]) or action_id not in periods:
            continue
        start, end = periods[action_id]
        year = int(row["year"])
        if (start is not None and year < start.year) or (end is not None and year > end.year):
            if start is not None and end is not None:
                period = cat.text("issue.period.between", start=start.year, end=end.year)
            elif start is not None:
                period = cat.text("issue.period.from", start=start.year)
            else:
                period = cat.text("issue.period.until", end=end.year)  # type: ignore[union-attr]
            issue("year_outside_action", "action_years", row, "year", action=action_id, period=period)


_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_RAW_HTML = re.compile(r"<!--|<![A-Za-z]|<\?|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def raw_html(text: str) -> list[tuple[int, str]]:
    """(line, tag) of each piece of raw HTML in Markdown ``text``, code excluded."""
    found: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _RAW_HTML.search(_CODE_SPAN.sub("", line))
        if match:
            found.append((number, match.group(0)[:60]))
    return found


def load_warnings(found: Found) -> list[Issue]:
    if not found.complete("labels") or not found.complete("label_events"):
        return []
    labels, events = found.frames["labels"], found.frames["label_events"]
    warnings: list[Issue] = []
    with_events = set(events["label_id"])
    scaled = {row["label_id"] for row in labels.to_dict("records") if row["level_unit"] and not pd.isna(row["level_max"])}
    for label in labels.to_dict("records"):
        if label["label_id"] and label["label_id"] not in with_events:
            warnings.append(Issue("warning", "label_no_event", label["_file"], label["_sheet"] or None,
                                  int(label["_row"]), "label_id", label["label_id"],
                                  {"events_file": found.where("label_events")}))
    for event in events.to_dict("records"):
        if event["label_id"] in scaled and event["event"] in EVENTS_WITH_LEVEL and pd.isna(event["level"]):
            warnings.append(Issue("warning", "level_empty", event["_file"], event["_sheet"] or None,
                                  int(event["_row"]), "level", "", {"label": event["label_id"]}))
    return warnings
