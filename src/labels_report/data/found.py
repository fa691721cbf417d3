"""What one pass over a town's data folder found: tables as read and typed, issues, sources."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from labels_report.core.errors import Issue
from labels_report.data.contract import TABLES
from labels_report.data.dataset import Town
from labels_report.data.folder import MAX_FILE_BYTES, DataFolder, Outside, TooLarge
from labels_report.data.reading import RawTable


@dataclass
class Found:
    """Everything one pass over a folder found."""

    folder: DataFolder
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

    def header(self, table: str, column: str) -> str:
        """``column`` of ``table`` named as the clerk's file names it (``Identifiant`` in a French
        workbook, ``label_id`` in a CSV file)."""
        raw = self.raws.get(table)
        return raw.headers.get(column, column) if raw is not None else column

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The bytes of a file of the data folder, or None with the issue that says why
        (it leads outside the folder, it is too large, it cannot be read)."""
        try:
            return self.folder.read(rel, limit)
        except Outside as outside:
            self.issues.append(Issue("error", "file_outside_folder", rel, value=outside.target))
        except TooLarge as large:
            self.issues.append(Issue("error", "file_too_large", rel, value=rel,
                                     params={"size": _megabytes(large.size), "limit": _megabytes(large.limit)}))
        except OSError as error:
            self.issues.append(Issue("error", "file_unreadable", rel, value=rel,
                                     params={"reason": error.strerror or type(error).__name__}))
        return None


def _megabytes(size: int) -> int:
    """A size in whole megabytes, rounded up (the messages say "Mo"/"MB")."""
    return -(-size // 2**20)
