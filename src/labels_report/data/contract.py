"""The data contract as code: what staff fill in, table by table.

Every table has a CSV file name, a sheet name (for the one-workbook variant)
and columns, each with a *kind* that says how a cell is read
(:mod:`labels_report.data.reading`) and what it becomes in the typed data set
(:mod:`labels_report.data.dataset`):

========  ==============================================  ====================
kind      what the clerk types                            typed value
========  ==============================================  ====================
id        an identifier (``ville-fleurie``, ``A01``)      ``str``
text      free text                                       ``str`` ("" if empty)
date      ``14/12/2016``, ``2016-12-14``; partial:        ``datetime.date`` +
          ``2016-12``, ``12/2016``, ``2016``              ``<col>_precision``
int       a whole number                                  ``Int64``
year      a four-digit year                               ``Int64``
amount    ``500000``, ``500 000 €``, ``500 000,50``       ``Float64``
number    a measure (``8``, ``12,5``)                     ``Float64``
percent   ``0`` to ``100``, ``%`` allowed                 ``Float64``
bool      ``oui``/``non`` (``yes``, ``true``, ``1``...)   ``bool``
list      values separated by ``;``                       ``tuple[str, ...]``
vocab     a word of a controlled vocabulary               canonical ``str``
========  ==============================================  ====================

Dates are French: ``12/01/2017`` is always the 12th of January 2017
(``JJ/MM/AAAA``), never read as month/day. A date that does not exist
(``31/02/2017``) is an error.

Vocabularies map the words clerks type (French, or the canonical English
value) to canonical values; matching ignores case, accents, surrounding spaces,
and treats ``_``/``-`` as spaces. Value rules that hold within one table
(ranges, identifier form, uniqueness) are pandera schemas; rules across tables
live in :mod:`labels_report.data.checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from labels_report.core.text import normalise_word
from labels_report.core.vocab import StrEnum
from labels_report.data.vocabulary import ActionStatus, BudgetKind, Event

Kind = Literal["id", "text", "date", "int", "year", "amount", "number", "percent", "bool", "list", "vocab"]

LABEL_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A label_id is a slug: lowercase ASCII letters, digits, single hyphens."""


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary: canonical values and the words that mean them."""

    name: str
    enum: type[StrEnum]
    words: Mapping[str, tuple[str, ...]]
    """canonical value -> accepted words, the French word shown in drop-downs first
    (in the order the drop-down list offers them)."""

    def __post_init__(self) -> None:
        if set(self.words) != set(self.enum.values()):
            raise ValueError(f"vocabulary {self.name!r} must give words for exactly {self.enum.values()}")

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(str(value) for value in self.words)

    @property
    def lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for value, words in self.words.items():
            for word in (*words, value):
                table[normalise_word(word)] = str(value)
        return table

    def canonical(self, text: str) -> str | None:
        """The canonical value ``text`` stands for, or None if it is not a word of the vocabulary."""
        return _lookup(self.name).get(normalise_word(text))

    def shown(self, lang: str) -> tuple[str, ...]:
        """The words offered to the clerk: French words in French, canonical values otherwise."""
        if lang == "fr":
            return tuple(words[0] for words in self.words.values())
        return self.values

    def accepted(self, lang: str) -> str:
        """The accepted words as an error message lists them."""
        if lang == "fr":
            return ", ".join(self.shown("fr")) + " (ou " + ", ".join(self.values) + ")"
        return ", ".join(f"{value} ({words[0]})" for value, words in self.words.items())


VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        Vocabulary("event", Event, {
            Event.APPLIED: ("candidature", "dépôt de candidature", "candidature déposée"),
            Event.AWARDED: ("obtention", "attribution", "labellisation", "obtenu", "attribué"),
            Event.RENEWED: ("renouvellement", "renouvelé"),
            Event.LEVEL_CHANGED: ("changement de niveau", "changement niveau"),
            Event.JURY_VISIT: ("visite du jury", "visite jury", "passage du jury"),
            Event.SUSPENDED: ("suspension", "suspendu"),
            Event.WITHDRAWN: ("retrait", "retiré"),
            Event.EXPIRED: ("expiration", "expiré", "fin de validité"),
        }),
        # A drop-down offers an action's statuses in the order of its life.
        Vocabulary("status", ActionStatus, {
            ActionStatus.PLANNED: ("prévue", "prévu", "planifiée", "planifié"),
            ActionStatus.IN_PROGRESS: ("en cours",),
            ActionStatus.DONE: ("réalisée", "réalisé", "terminée", "terminé", "fait", "faite"),
            ActionStatus.PAUSED: ("en pause", "suspendue", "suspendu"),
            ActionStatus.ABANDONED: ("abandonnée", "abandonné"),
        }),
        Vocabulary("budget_kind", BudgetKind, {
            BudgetKind.INVESTMENT: ("investissement",),
            BudgetKind.OPERATING: ("fonctionnement",),
        }),
    )
}
"""Registry of vocabularies: a new word is one more entry in a tuple."""

BOOLEAN_WORDS: dict[str, bool] = {
    "oui": True, "non": False, "yes": True, "no": False, "true": True, "false": False,
    "vrai": True, "faux": False, "1": True, "0": False, "o": True, "n": False,
}
"""Words accepted for a yes/no cell (matched like vocabulary words)."""


@cache
def _lookup(name: str) -> dict[str, str]:
    return VOCABULARIES[name].lookup


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    """The column must be present and every row must fill it."""
    vocab: str | None = None
    bound: Literal["start", "end"] = "start"
    """A partial date stands for its first day (start) or its last day (end)."""
    ref: str | None = None
    """Table whose identifier this column names (``labels`` or ``actions``)."""
    example: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    """Also the sheet name in the workbook."""
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    """Columns whose combination is unique."""

    @property
    def sheet(self) -> str:
        return self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("labels", "labels.csv", (
            Column("label_id", "id", True, example="ville-fleurie"),
            Column("name", "text", True, example="Villes et Villages Fleuris"),
            Column("awarding_body", "text", example="Conseil national des villes et villages fleuris"),
            Column("category", "text", example="Cadre de vie"),
            Column("level_unit", "text", example="fleur"),
            Column("level_max", "int", example="4"),
            Column("subject", "text", example="Abbaye Saint-Jean-des-Vignes"),
            Column("renewal_years", "int", example="3"),
            Column("url", "text", example="https://www.villes-et-villages-fleuris.com"),
            Column("referent", "text", example="Service des espaces verts"),
        ), key=("label_id",)),
        Table("label_events", "label_events.csv", (
            Column("label_id", "id", True, ref="labels", example="ville-fleurie"),
            Column("date", "date", True, example="14/12/2016"),
            Column("event", "vocab", True, vocab="event", example="obtention"),
            Column("level", "int", example="2"),
            Column("valid_from", "date", example="2014"),
            Column("valid_until", "date", bound="end", example="2020"),
            Column("reference", "text", example="Délibération 2016-123"),
            Column("source_url", "text", example="https://www.soissons.fr"),
            Column("note", "text", example="Convention signée avec l'UNICEF"),
        )),
        Table("actions", "actions.csv", (
            Column("action_id", "id", True, example="A01"),
            Column("title", "text", True, example="Plan « écoles 3.0 »"),
            Column("description", "text", example="Rénovation des groupes scolaires"),
            Column("labels", "list", True, ref="labels", example="ville-amie-des-enfants; ville-fleurie"),
            Column("axis", "text", example="Équipements dédiés aux enfants"),
            Column("start_date", "date", example="01/09/2016"),
            Column("end_date", "date", bound="end", example="2018"),
            Column("lead_service", "text", example="Service enfance"),
            Column("partners", "list", example="CAF; Associations locales"),
            Column("place", "text", example="Quartier de Chevreux"),
            Column("indicator", "text", example="Spectacles jeune public programmés"),
            Column("indicator_unit", "text", example="spectacles"),
            Column("indicator_target", "number", example="8"),
            Column("public", "bool", True, example="oui"),
        ), key=("action_id",)),
        Table("action_years", "action_years.csv", (
            Column("action_id", "id", True, ref="actions", example="A01"),
            Column("year", "year", True, example="2017"),
            Column("status", "vocab", True, vocab="status", example="en cours"),
            Column("progress", "percent", example="50"),
            Column("budget_planned", "amount", example="500 000"),
            Column("budget_spent", "amount", example="450 000,50"),
            Column("budget_kind", "vocab", vocab="budget_kind", example="investissement"),
            Column("indicator_value", "number", example="9"),
            Column("comment", "text", example="Chantier retardé par les intempéries"),
        ), key=("action_id", "year")),
    )
}
"""Registry of tables, in the order they are read and checked."""


@dataclass(frozen=True)
class TownKey:
    name: str
    required: bool = False
    example: str = ""


TOWN_FILE = "town.yml"
TOWN_SHEET = "town"
TOWN_KEYS: dict[str, TownKey] = {
    k.name: k
    for k in (
        TownKey("name", True, "Soissons"),
        TownKey("insee_code", example="02722"),
        TownKey("department", example="Aisne (02)"),
        TownKey("postcode", example="02200"),
        TownKey("address", example="Place de l'Hôtel de Ville, 02200 Soissons"),
        TownKey("phone", example="03 23 59 90 00"),
        TownKey("website", example="https://www.ville-soissons.fr"),
        TownKey("logo", example="logo.png"),
        TownKey("default_lang", example="fr"),
        TownKey("accent_color", example="#1F5FA8"),
        TownKey("slug", example="soissons"),
        TownKey("author", example="Direction générale des services"),
        TownKey("contact", example="labels@ville-soissons.fr"),
        TownKey("publication_url", example="https://www.ville-soissons.fr/rapports-labels"),
        TownKey("cover_note", example="Document de travail"),
    )
}
"""``town.yml`` keys. ``slug`` is informative: the town's slug is its folder's name, made safe for a
file name (``Château Thierry`` -> ``chateau-thierry``)."""

TOWN_YEAR_KEYS: dict[str, TownKey] = {
    k.name: k
    for k in (
        TownKey("council_date", example="council_date_2017: 26/03/2018"),
        TownKey("deliberation", example="deliberation_2017: \"2018-045\""),
    )
}
"""``town.yml`` keys given once per report year, written ``<key>_<year>``: the date of the council
session that receives the report of that year, and the reference of its deliberation."""

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
TEXTS_FOLDER = "texts"
FRAMING_TEXTS: dict[str, str] = {
    "_avant-propos": "foreword",
    "_faits-marquants": "highlights",
    "_perspectives": "perspectives",
}
"""The report's framing texts, ``texts/<year>/<file>.md`` (a ``_`` can never start a label_id): the
foreword (with its signatory), the highlights of the year and the perspectives for the next one."""
SIGNATORY_KEYS = ("signataire", "signatory")
"""The front-matter key that names a framing text's signatory (``---`` / ``signataire: …`` / ``---``)."""

TEXTS_SHEET = "texts"
"""The workbook's sheet of texts: what ``texts/<year>/*.md`` hold, typed in Excel, one row per text."""
TEXTS_COLUMNS: tuple[Column, ...] = (
    Column("year", "year", True, example="2017"),
    Column("label_or_section", "text", True, example="ville-fleurie, avant-propos, faits-marquants, perspectives"),
    Column("signatory", "text", example="Marie Dupont, maire"),
    Column("text", "text", True, example="Le jury régional a confirmé la troisième fleur…"),
)
"""Columns of the texts sheet: the year, the label (its ``label_id``) or the section the text is for,
the signatory (of the foreword), and the text itself (Markdown without HTML)."""



# -- pandera schemas: rules within one table ---------------------------------------


@dataclass(frozen=True)
class TableRules:
    schema: Any
    """A ``pandera.pandas.DataFrameSchema``."""
    codes: dict[tuple[str, int], str] = field(default_factory=dict)
    """(column, check number) -> issue code."""


def _rules(table: Table) -> TableRules:
    # pandera is imported when a table is first checked: a chapter kernel that is handed a
    # computed report never checks one, and starts sooner without it.
    import pandera.pandas as pa

    checks: dict[str, list[tuple[str, Any]]] = {c.name: [] for c in table.columns}
    unique: dict[str, bool] = {}
    if table.name == "labels":
        checks["label_id"].append(("label_id_format", pa.Check.str_matches(LABEL_ID_PATTERN)))
        checks["level_max"].append(("int_not_positive", pa.Check.ge(1)))
        checks["renewal_years"].append(("int_not_positive", pa.Check.ge(1)))
    if table.name == "action_years":
        checks["progress"].append(("progress_out_of_range", pa.Check.in_range(0, 100)))
        checks["budget_planned"].append(("amount_negative", pa.Check.ge(0)))
        checks["budget_spent"].append(("amount_negative", pa.Check.ge(0)))
    if len(table.key) == 1:
        unique[table.key[0]] = True
    columns = {
        name: pa.Column(checks=[check for _, check in rules], nullable=True,
                        unique=unique.get(name, False), report_duplicates="exclude_first")
        for name, rules in checks.items()
    }
    codes = {(name, i): code for name, rules in checks.items() for i, (code, _) in enumerate(rules)}
    schema = pa.DataFrameSchema(
        columns, unique=list(table.key) if len(table.key) > 1 else None,
        report_duplicates="exclude_first", strict=False, coerce=False, name=table.name,
    )
    return TableRules(schema, codes)


@cache
def rules(table_name: str) -> TableRules:
    """The pandera schema of ``table_name`` and the issue code of each of its checks."""
    return _rules(TABLES[table_name])
