"""How a chapter shows a table of the report, and the words for levels and lists.

A :class:`Col` says how one column of a raw table (:mod:`labels_report.model.tables`)
is written: its header (a message key), how a cell is written from the raw
row, its relative width and alignment. :func:`render` writes a frame as a Pandoc
pipe table, every data string escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from labels_report.chapters import markdown as md
from labels_report.chapters.markdown import Md
from labels_report.core.dates import parse_iso
from labels_report.core.i18n import Catalogue
from labels_report.data.vocabulary import ActionStatus, LabelState

DASH = "–"

Cell = Callable[[Catalogue, pd.Series], "str | Md"]


@dataclass(frozen=True)
class Col:
    """One column as a chapter shows it: a header (message key), how a cell is written
    from the raw row, its relative width and alignment."""

    header: str
    cell: Cell
    width: int = 10
    align: str = "l"


def missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def show_date(cat: Catalogue, text: object, empty: str = DASH) -> str:
    """An ISO date of a raw table (``2014``, ``2016-12-14``) as the report writes it."""
    if missing(text):
        return empty
    value, precision = parse_iso(str(text))
    return cat.date(value, precision)


def text(column: str, empty: str = DASH) -> Cell:
    return lambda cat, row: empty if missing(row[column]) else str(row[column])


def number(column: str, empty: str = DASH) -> Cell:
    return lambda cat, row: empty if missing(row[column]) else cat.number(row[column])


def money(column: str, short: bool = False) -> Cell:
    """An amount; unknown is "non renseigné" (``short``: "n. r.", for narrow columns), never 0."""
    def cell(cat: Catalogue, row: pd.Series) -> str:
        if missing(row[column]):
            return cat.text("value.unknown_short" if short else "value.unknown")
        return cat.money(float(row[column]))
    return cell


def money_sum(column: str, unknown_column: str | None = None, short: bool = False) -> Cell:
    """A sum of amounts from a table whose ``<column>_unknown`` counts the amounts not known:
    "non renseigné" when none is known, "au moins 500 000 €" (``short``: "≥ 500 000 €") when
    some are not, the amount when all are."""
    unknown_column = unknown_column or f"{column}_unknown"

    def cell(cat: Catalogue, row: pd.Series) -> str:
        if missing(row[column]):
            return cat.text("value.unknown_short" if short else "value.unknown")
        amount = cat.money(float(row[column]))
        if unknown_column in row.index and not missing(row[unknown_column]) and int(row[unknown_column]):
            return cat.text("value.at_least_short" if short else "value.at_least", amount=amount)
        return amount
    return cell


def partial_sums(frame: pd.DataFrame) -> bool:
    """Whether a table shows a sum over partly unknown amounts (a "≥" to explain)."""
    for column in frame.columns:
        if str(column).endswith(("_unknown", "_unknown_before")):
            value = str(column).replace("_unknown", "")
            if value in frame.columns and (frame[value].notna() & (frame[column].fillna(0) > 0)).any():
                return True
    return False


def signed_money(column: str) -> Cell:
    def cell(cat: Catalogue, row: pd.Series) -> str:
        if missing(row[column]):
            return DASH
        value = float(row[column])
        return ("+" if value > 0 else "") + cat.money(value)
    return cell


def percent(column: str) -> Cell:
    return lambda cat, row: DASH if missing(row[column]) else cat.percent(float(row[column]))


def date(column: str) -> Cell:
    return lambda cat, row: show_date(cat, row[column])


def word(column: str, prefix: str, empty: str = DASH) -> Cell:
    """A vocabulary code shown with the catalogue's word (``state.held`` -> "détenu")."""
    return lambda cat, row: empty if missing(row[column]) else cat.text(f"{prefix}.{row[column]}")


def level(column: str, unit_column: str = "level_unit", state_column: str | None = None) -> Cell:
    def cell(cat: Catalogue, row: pd.Series) -> str:
        if state_column is not None and row[state_column] != LabelState.HELD:
            return DASH
        value = None if missing(row[column]) else int(row[column])
        return level_words(cat, "" if missing(row[unit_column]) else str(row[unit_column]), value)
    return cell


SHOWN_STATUSES = (ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED)
"""Statuses a table gives a column each; the others share one ("autres")."""
OTHER_STATUSES = tuple(status for status in ActionStatus if status not in SHOWN_STATUSES)


def status_columns(width: int) -> list[Col]:
    """A column per main action status, then one for the others, from a table's status counts."""
    return [*[Col(f"col.status.{s}", number(s), width, "r") for s in SHOWN_STATUSES],
            Col("col.other_statuses", lambda cat, row: cat.number(sum(int(row[s]) for s in OTHER_STATUSES)),
                9, "r")]


def render(cat: Catalogue, frame: pd.DataFrame, columns: Sequence[Col], caption: str,
           ident: str | None = None, total_label: str | None = None,
           header_params: dict[str, object] | None = None, headers: Sequence[str] | None = None) -> Md:
    """``frame`` as a Pandoc pipe table (every data string escaped), with a caption.

    Headers are the columns' messages (filled with ``header_params``), or
    ``headers`` as given. Rows whose ``total`` column is true are written in
    bold, their first cell replaced by ``total_label``. Relative widths follow
    ``Col.width`` (Pandoc uses the dashes of the separator line when a row is
    wider than the page).
    """
    marks = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    if headers is None:
        headers = [cat.text(c.header, **(header_params or {})) for c in columns]
    lines = ["| " + " | ".join(md.cell(h) for h in headers) + " |",
             "|" + "|".join(marks[c.align].format("-" * max(3, c.width)) for c in columns) + "|"]
    for _, row in frame.iterrows():
        is_total = bool(row["total"]) if "total" in row.index and not missing(row["total"]) else False
        cells = []
        for i, column in enumerate(columns):
            value = column.cell(cat, row)
            if is_total and i == 0 and total_label is not None:
                value = total_label
            written = md.cell(value) or " "
            cells.append(f"**{written}**" if is_total and written.strip() else written)
        lines.append("| " + " | ".join(cells) + " |")
    label = f" {{#{ident}}}" if ident else ""
    return Md("\n".join(lines) + f"\n\nTable: {md.cell(caption)}{label}\n")


def level_words(cat: Catalogue, unit: str, level: int | None, level_max: int | None = None) -> str:
    """A level in the label's unit: "3 fleurs", "2 étoiles sur 3"; the plain title when the
    label has no unit; "non renseigné" when it has one but the level is not known."""
    if not unit:
        return cat.text("level.plain_title")
    if level is None:
        return cat.text("value.unknown")
    text = unit_plural(cat, unit, level)
    if level_max is not None:
        text = cat.text("level.of_max", level=text, max=cat.number(level_max))
    return text


def unit_plural(cat: Catalogue, unit: str, level: int) -> str:
    """"3 fleurs", "1 étoile", "4 @": the label's own unit, pluralised by the catalogue
    when it knows the unit, else written as typed."""
    key = f"unit.{unit.strip().lower()}"
    if cat.has(key):
        return cat.plural(key, level)
    return f"{cat.number(level)} {unit}"


def join_names(cat: Catalogue, names: Iterable[str], key: str = "list.join") -> str:
    """"A, B et C" in the report's language (``list.join_or``: "A, B ou C")."""
    items = list(names)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return cat.text(key, head=", ".join(items[:-1]), last=items[-1])
