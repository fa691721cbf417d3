"""Issues as people read them: a sentence, a plain-text table for the terminal, a DataFrame.

Errors come first, then warnings, each in file, row, column order; the table
ends with a count line ("3 erreurs, 1 avertissement").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.core.i18n import catalogue

COLUMNS = ("severity", "file", "row", "column", "value", "problem")
"""The table's columns; their headers are ``issue.table.<column>`` in the catalogue."""
VALUE_WIDTH = 30


def message(issue: Issue, lang: str = "fr") -> str:
    """The explanation of ``issue`` in ``lang`` (what was expected), and the value that was probably
    meant when the issue has a ``suggestion``. Large whole numbers (limits, lengths) are written the
    language's way: "250 000"."""
    cat = catalogue(lang)
    params = {key: cat.number(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000
              else value for key, value in issue.params.items()}
    text = cat.text(f"issue.{issue.code}", **{"value": issue.value or "", **params})
    # The closest known value, when one is close enough to be what was meant: "vouliez-vous dire … ?"
    if params.get("suggestion"):
        text += cat.text("issue.suggestion", suggestion=params["suggestion"])
    return text


def as_typed(issues: Iterable[Issue], headers: Mapping[tuple[str, str], Mapping[str, str]]) -> list[Issue]:
    """``issues`` naming each column the way the clerk's file does (``date de début`` in a French
    workbook, ``start_date`` in a CSV file): ``headers`` maps (file, sheet or "") to each column's
    header as typed (:attr:`~labels_report.data.dataset.Dataset.headers`)."""
    named = []
    for issue in issues:
        typed = headers.get((issue.file, issue.sheet or ""), {}).get(issue.column or "")
        named.append(replace(issue, column=typed) if typed else issue)
    return named


def location(issue: Issue, lang: str = "fr") -> str:
    """``file [sheet], row N, column C`` in ``lang``."""
    cat = catalogue(lang)
    parts = [issue.file + (f" [{issue.sheet}]" if issue.sheet else "")]
    if issue.row is not None:
        parts.append(cat.text("issue.where.row", row=issue.row))
    if issue.column:
        parts.append(cat.text("issue.where.column", column=issue.column))
    return ", ".join(parts)


def _ordered(issues: Iterable[Issue]) -> list[Issue]:
    return sorted(issues, key=Issue.sort_key)


def issue_rows(issues: Iterable[Issue], lang: str = "fr") -> list[dict[str, object]]:
    """The issues, errors first, each as the cells of a table row (:data:`COLUMNS`: severity,
    file, row, column, value, problem), worded in ``lang`` as the command words them."""
    return [_cells(issue, lang) for issue in _ordered(issues)]


def _cells(issue: Issue, lang: str) -> dict[str, object]:
    cat = catalogue(lang)
    return {
        "severity": cat.text(f"issue.severity.{issue.severity}"),
        "file": issue.file + (f" [{issue.sheet}]" if issue.sheet else ""),
        "row": issue.row,
        "column": issue.column or "",
        "value": issue.value or "",
        "problem": message(issue, lang),
    }


def headers(lang: str = "fr") -> list[str]:
    cat = catalogue(lang)
    return [cat.text(f"issue.table.{name}") for name in COLUMNS]


def issues_frame(issues: Iterable[Issue], lang: str = "fr") -> pd.DataFrame:
    """The issues as a table with localised headers (Gravité, Fichier, Ligne, Colonne, Valeur, Problème)."""
    rows = [_cells(issue, lang) for issue in _ordered(issues)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame.rename(columns=dict(zip(COLUMNS, headers(lang), strict=True)))


def count_line(issues: Iterable[Issue], lang: str = "fr") -> str:
    """``3 erreurs, 1 avertissement``."""
    cat = catalogue(lang)
    listed = list(issues)
    errors = sum(1 for i in listed if i.severity == "error")
    warnings = len(listed) - errors
    return cat.text("issue.count.line", errors=cat.plural("issue.count.errors", errors),
                    warnings=cat.plural("issue.count.warnings", warnings))


def issue_line(issue: Issue, lang: str = "fr") -> str:
    """One issue on one line: ``erreur | file [sheet] | row | column | value | problem``.

    The format of the broken-data corpus' ``expected.txt`` files.
    """
    cells = _cells(issue, lang)
    return " | ".join("" if cells[c] is None else str(cells[c]) for c in COLUMNS)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_issues(issues: Iterable[Issue], lang: str = "fr") -> str:
    """A readable plain-text table of ``issues``, errors first, ending with the count line."""
    listed = _ordered(issues)
    head = headers(lang)
    rows = []
    for issue in listed:
        cells = _cells(issue, lang)
        rows.append([str(cells["severity"]), str(cells["file"]), "" if cells["row"] is None else str(cells["row"]),
                     str(cells["column"]), _short(str(cells["value"]), VALUE_WIDTH), str(cells["problem"])])
    lines = []
    if rows:
        widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(len(head) - 1)]

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[-1]

        lines.append(line(head))
        lines.append(line(["-" * w for w in widths] + ["-" * len(head[-1])]))
        lines += [line(r) for r in rows]
        lines.append("")
    lines.append(count_line(listed, lang))
    return "\n".join(lines) + "\n"
