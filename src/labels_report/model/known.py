"""The data as they were known on a date: what a report as of that date may use.

A report as of D is the report the council could have tabled on D. Events
dated after D did not happen yet and are left out, except jury visits: a visit
already scheduled is known in advance and belongs in the calendar. A label
whose first event is after D was not followed yet and is left out; a label
with no event at all stays, as "non renseigné". Action rows of later years
and the texts of later years are left out too, and so are the loader's
warnings about anything left out. Adding later years' data to a town's folder
therefore never changes an earlier year's report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.data.dataset import Dataset
from labels_report.data.vocabulary import Event

SCHEDULED_AHEAD = (Event.JURY_VISIT,)
"""Events a town knows before they happen: kept when dated after D (the calendar lists them)."""

_TEXT_YEAR = re.compile(r"^texts/(\d{4})(/|$)")


def known_on(data: Dataset, on: dt.date, year: int) -> Dataset:
    """``data`` as known on ``on`` by the report of ``year`` (see the module's docstring)."""
    events = data.events
    happened = pd.Series([isinstance(d, dt.date) and d <= on for d in events["date"]], index=events.index,
                         dtype=bool)
    scheduled = ~happened & events["event"].isin([str(e) for e in SCHEDULED_AHEAD])
    followed = set(events.loc[happened, "label_id"])
    not_yet = set(events["label_id"]) - followed
    labels = data.labels[~data.labels["label_id"].isin(not_yet)]
    events = events[(happened | scheduled) & events["label_id"].isin(labels["label_id"])]
    years = data.action_years[data.action_years["year"].fillna(year + 1) <= year]
    texts = {key: text for key, text in data.texts.items() if key[0] <= year}
    signatories = {key: name for key, name in data.signatories.items() if key[0] <= year}

    left_out = {_where(row) for frame, kept in ((data.labels, labels), (data.events, events),
                                                  (data.action_years, years))
                for row in frame[~frame.index.isin(kept.index)].to_dict("records")}
    warnings = tuple(issue for issue in data.warnings
                     if (issue.file, issue.sheet or "", issue.row) not in left_out and not _later_text(issue, year))
    return dataclasses.replace(
        data, labels=labels.reset_index(drop=True), events=events.reset_index(drop=True),
        action_years=years.reset_index(drop=True), texts=texts, signatories=signatories, warnings=warnings)


def _where(row: dict) -> tuple[str, str, int]:
    return str(row["_file"]), str(row["_sheet"] or ""), int(row["_row"])


def _later_text(issue: Issue, year: int) -> bool:
    """An issue about the texts of a year after ``year``."""
    match = _TEXT_YEAR.match(issue.file or "")
    return bool(match) and int(match.group(1)) > year
