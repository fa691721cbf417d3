"""The validated, typed data set of one town: pure data, no I/O.

Produced by :func:`labels_report.data.load.load_dataset`; every later stage
only reads it. Frozen dataclasses: a transformation returns a new object
(``dataclasses.replace``), nothing is mutated in place.

Column types (pandas):

* text columns hold ``str`` ("" when the clerk left the cell empty);
* dates are ``datetime.date`` objects or ``None`` in object columns, each with a
  ``<column>_precision`` column (``"day"``, ``"month"``, ``"year"`` or ``""``):
  a date known only to the year (``2014``) is stored as its first day for
  ``date``/``valid_from``/``start_date`` and as its last day for
  ``valid_until``/``end_date``, and is shown as ``2014``;
* whole numbers (``level``, ``level_max``, ``renewal_years``, ``year``) are
  ``Int64``; amounts and measures are ``Float64`` (``<NA>`` when unknown);
* ``actions.labels`` and ``actions.partners`` are tuples of strings;
  ``actions.public`` is ``bool``;
* every table has a ``_row`` column: the row as the clerk sees it (CSV line
  number, header being line 1, or Excel row number), and a ``_file`` column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from labels_report.core.errors import Issue


@dataclass(frozen=True)
class Town:
    slug: str
    name: str
    insee_code: str = ""
    department: str = ""
    postcode: str = ""
    """The town's postcode ("02200"): a network's table may name a town by it and its name."""
    address: str = ""
    phone: str = ""
    website: str = ""
    logo: str = ""  # path relative to the data folder, "" when none
    default_lang: str = "fr"
    accent_color: str = ""  # "#RRGGBB" or ""
    author: str = ""
    """Who prepared the report (a service), "" when not given."""
    contact: str = ""
    """Where readers ask their questions (an e-mail address, a phone number, a web page)."""
    publication_url: str = ""
    """The address where the town publishes the contents of ``_output/<town>/``: links in the PDF point there."""
    cover_note: str = ""
    """A line for the cover ("Document de travail", "Commune fictive")."""
    sessions: Mapping[int, tuple[dt.date | None, str, str]] = field(default_factory=dict)
    """Report year -> (date of the council session that receives it, its precision, deliberation reference)."""


@dataclass(frozen=True)
class Dataset:
    town: Town
    labels: pd.DataFrame
    events: pd.DataFrame
    actions: pd.DataFrame
    action_years: pd.DataFrame
    texts: Mapping[tuple[int, str], str] = field(default_factory=dict)
    """Narratives: ``(year, label_id)`` -> Markdown written by the service; framing texts under
    ``(year, "_avant-propos")`` and the like (:data:`~labels_report.data.contract.FRAMING_TEXTS`)."""
    signatories: Mapping[tuple[int, str], str] = field(default_factory=dict)
    """``(year, framing text)`` -> who signs it (the foreword's signatory)."""
    sources: Mapping[str, str] = field(default_factory=dict)
    """Every input file read, relative to the data folder -> SHA-256."""
    warnings: tuple[Issue, ...] = ()
    data_dir: str = ""
    headers: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    """(file, sheet or "") -> column -> its header as the clerk typed it (``date de début``): what
    messages call a column."""

    def years(self) -> list[int]:
        """Every year the data speak of (events, action years)."""
        found: set[int] = set()
        found.update(int(y) for y in self.action_years["year"].dropna())
        found.update(d.year for d in self.events["date"] if isinstance(d, dt.date))
        return sorted(found)
