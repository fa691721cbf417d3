"""The parameters of one report: one typed object, checked once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from labels_report.core.dates import add_months, year_end, year_start
from labels_report.core.errors import ParameterError
from labels_report.core.i18n import LOCALES


@dataclass(frozen=True)
class Edition:
    name: str
    formats: tuple[str, ...]
    """Output formats, the edition's main one first."""
    public: bool
    """True: internal fields and personal names are removed from the data."""


EDITIONS: dict[str, Edition] = {
    "conseil": Edition("conseil", ("pdf", "html"), public=False),
    "public": Edition("public", ("html", "pdf"), public=True),
}
"""Registry of editions (also Quarto profiles, with no file of their own: they choose data, not options)."""


@dataclass(frozen=True)
class ReportParams:
    """What a report is about. ``as_of`` defaults to 31 December of ``year``."""

    year: int
    edition: str = "conseil"
    lang: str = "fr"
    as_of: dt.date | None = None
    horizon_months: int = 24

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not 1900 <= self.year <= 2200:
            raise ParameterError(f"year must be a four-digit year, got {self.year!r}")
        if self.edition not in EDITIONS:
            raise ParameterError(f"unknown edition {self.edition!r}; expected one of {', '.join(EDITIONS)}")
        if self.lang not in LOCALES:
            raise ParameterError(f"unknown language {self.lang!r}; expected one of {', '.join(LOCALES)}")
        if not isinstance(self.horizon_months, int) or not 1 <= self.horizon_months <= 120:
            raise ParameterError(f"horizon_months must be between 1 and 120, got {self.horizon_months!r}")
        if self.as_of is None:
            object.__setattr__(self, "as_of", year_end(self.year))

    @property
    def reference_date(self) -> dt.date:
        assert self.as_of is not None
        return self.as_of

    @property
    def year_start(self) -> dt.date:
        return year_start(self.year)

    @property
    def horizon_end(self) -> dt.date:
        """``as_of`` plus ``horizon_months`` (the month's last day when it has no such day)."""
        return add_months(self.reference_date, self.horizon_months)

    @property
    def edition_info(self) -> Edition:
        return EDITIONS[self.edition]


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """``as_of`` given as text by a notebook parameter or the CLI (ISO date, or empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"as_of must be a date YYYY-MM-DD, got {value!r}") from None
