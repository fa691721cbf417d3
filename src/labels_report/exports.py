"""The tables behind the report, as files: CSV (UTF-8) in ``donnees/`` and one workbook."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from labels_report.chapters import budget_by
from labels_report.report import Report


def report_tables(report: Report) -> dict[str, pd.DataFrame]:
    """Every table of the report with raw values (ISO dates, plain numbers), by file name."""
    cat = report.cat
    status_rows = []
    for status in report.statuses:
        row = report.label_row(status.label_id)
        status_rows.append({
            "label_id": status.label_id,
            "label": row["name"],
            "state": status.state,
            "level": status.level,
            "level_unit": row["level_unit"],
            "since": status.since.value.isoformat() if status.since.value else "",
            "valid_until": status.valid_until.value.isoformat() if status.valid_until.value else "",
            "next_event": status.next_event or "",
            "next_event_date": status.next_event_date.value.isoformat() if status.next_event_date.value else "",
        })
    key = pd.DataFrame([{"figure": name, "value": value} for name, value in report.key_figures.items()])
    actions = report.year_actions.copy()
    actions["labels"] = actions["labels"].apply(";".join)
    actions["partners"] = actions["partners"].apply(";".join)
    keep = ["action_id", "title", "labels", "axis", "status", "progress", "lead_service", "partners",
            "budget_planned", "budget_spent", "budget_kind", "indicator", "indicator_unit", "indicator_target",
            "indicator_value"]
    del cat
    return {
        "chiffres-cles": key,
        "statut-des-labels": pd.DataFrame(status_rows),
        "actions": actions[[c for c in keep if c in actions.columns]],
        "budget-par-axe": budget_by(report, "axis"),
    }


def write_exports(tables: Mapping[str, pd.DataFrame], folder: Path, workbook_name: str) -> list[Path]:
    """Write each table as ``folder/<name>.csv`` and all of them as sheets of ``workbook_name``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    workbook = folder / workbook_name
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    written.append(workbook)
    return written
