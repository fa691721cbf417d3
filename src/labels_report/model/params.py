"""The parameters of one report: one typed object, checked once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from labels_report.core.dates import FIRST_YEAR, LAST_YEAR, add_months, year_end, year_start
from labels_report.core.errors import ParameterError
from labels_report.core.i18n import LOCALES
MAX_HORIZON = 120
"""Months ahead the deadlines may be listed: ten years."""


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
        if not isinstance(self.year, int) or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ParameterError("year_out_of_range", value=self.year, first=FIRST_YEAR, last=LAST_YEAR)
        if self.edition not in EDITIONS:
            raise ParameterError("edition_unknown", value=self.edition, expected=", ".join(EDITIONS))
        if self.lang not in LOCALES:
            raise ParameterError("lang_unknown", value=self.lang, expected=", ".join(LOCALES))
        if not isinstance(self.horizon_months, int) or not 1 <= self.horizon_months <= MAX_HORIZON:
            raise ParameterError("horizon_out_of_range", value=self.horizon_months, last=MAX_HORIZON)
        if self.as_of is None:
            object.__setattr__(self, "as_of", year_end(self.year))
        # The situation of a year is read during that year or the next (a council session in
        # March tables the year before, as known then); any other date is a typing mistake.
        if not self.year <= self.reference_date.year <= self.year + 1:
            raise ParameterError("as_of_out_of_range", value=self.reference_date.isoformat(), year=self.year,
                                 next=self.year + 1)

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
        raise ParameterError("as_of_invalid", value=str(value)) from None
