"""What one pass over a town's data folder found: tables as read and typed, issues, sources."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.data.contract import TABLES
from labels_report.data.dataset import Town
from labels_report.data.reading import RawTable


@dataclass
class Found:
    """Everything one pass over a folder found."""

    issues: list[Issue] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    raws: dict[str, RawTable] = field(default_factory=dict)
    shown: dict[tuple[str, int, str], str] = field(default_factory=dict)
    """(table, row, column) -> the cell as the clerk typed it."""
    town: Town | None = None
    workbook_unread: bool = False
    """A workbook is there but could not be used: its town sheet may be the missing town."""
    texts: dict[tuple[int, str], str] = field(default_factory=dict)
    signatories: dict[tuple[int, str], str] = field(default_factory=dict)

    def complete(self, table: str) -> bool:
        """The table was read, to its last row."""
        return table in self.raws and self.raws[table].complete

    def where(self, table: str) -> str:
        """``labels.csv`` or ``donnees.xlsx [labels]``: where a table was read from."""
        raw = self.raws.get(table)
        if raw is None:
            return TABLES[table].file
        return raw.file + (f" [{raw.sheet}]" if raw.sheet else "")
