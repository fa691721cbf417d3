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
    french: str = ""
    """The column's header in the French workbook (``date de début``); the name (``start_date``) is
    its header in CSV files and in the English workbook of earlier versions. Both are read."""

    def header(self, lang: str = "fr") -> str:
        """The header a workbook in ``lang`` gives the column."""
        return self.french if lang == "fr" and self.french else self.name


def header_key(text: object) -> str:
    """A header, a sheet name or a key as typed, folded for matching: case, accents, surrounding
    spaces, and ``_``/``-`` read as spaces (``Label ID``, ``label_id`` and ``LABEL-ID`` match)."""
    return normalise_word(str(text if text is not None else "").replace("\ufeff", ""))


@dataclass(frozen=True)
class Table:
    name: str
    """The table's name, and its sheet's name in the English workbook."""
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    """Columns whose combination is unique."""
    french: str = ""
    """The sheet's name in the French workbook (``Événements``)."""

    def sheet_name(self, lang: str = "fr") -> str:
        """The sheet a workbook in ``lang`` holds the table in."""
        return self.french if lang == "fr" and self.french else self.name

    @property
    def sheet_names(self) -> tuple[str, ...]:
        """Every name the table's sheet is read under, French first."""
        return tuple(dict.fromkeys(n for n in (self.french, self.name) if n))

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def headers(self, lang: str = "fr") -> tuple[str, ...]:
        """The header row of the table's sheet in a workbook in ``lang``."""
        return tuple(c.header(lang) for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def column_for(self, typed: object) -> str | None:
        """The name of the column a header cell names (French or English, as typed), or None."""
        return _aliases(self.columns).get(header_key(typed))

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


@cache
def _aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in columns:
        for header in (column.name, column.french):
            if header:
                table.setdefault(header_key(header), column.name)
    return table


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("labels", "labels.csv", (
            Column("label_id", "id", True, example="ville-fleurie", french="identifiant"),
            Column("name", "text", True, example="Villes et Villages Fleuris", french="nom"),
            Column("awarding_body", "text", example="Conseil national des villes et villages fleuris", french="organisme"),
            Column("category", "text", example="Cadre de vie", french="catégorie"),
            Column("level_unit", "text", example="fleur", french="unité de niveau"),
            Column("level_max", "int", example="4", french="niveau maximum"),
            Column("subject", "text", example="Abbaye Saint-Jean-des-Vignes", french="objet labellisé"),
            Column("renewal_years", "int", example="3", french="durée de validité"),
            Column("url", "text", example="https://www.villes-et-villages-fleuris.com", french="adresse web"),
            Column("referent", "text", example="Service des espaces verts", french="référent"),
        ), key=("label_id",), french="Labels"),
        Table("label_events", "label_events.csv", (
            Column("label_id", "id", True, ref="labels", example="ville-fleurie", french="label"),
            Column("date", "date", True, example="14/12/2016", french="date"),
            Column("event", "vocab", True, vocab="event", example="obtention", french="événement"),
            Column("level", "int", example="2", french="niveau"),
            Column("valid_from", "date", example="2014", french="début de validité"),
            Column("valid_until", "date", bound="end", example="2020", french="fin de validité"),
            Column("reference", "text", example="Délibération 2016-123", french="référence"),
            Column("source_url", "text", example="https://www.soissons.fr", french="source"),
            Column("note", "text", example="Convention signée avec l'UNICEF", french="remarque"),
        ), french="Événements"),
        Table("actions", "actions.csv", (
            Column("action_id", "id", True, example="A01", french="identifiant"),
            Column("title", "text", True, example="Plan « écoles 3.0 »", french="intitulé"),
            Column("description", "text", example="Rénovation des groupes scolaires", french="description"),
            Column("labels", "list", True, ref="labels", example="ville-amie-des-enfants; ville-fleurie", french="labels"),
            Column("axis", "text", example="Équipements dédiés aux enfants", french="axe"),
            Column("start_date", "date", example="01/09/2016", french="date de début"),
            Column("end_date", "date", bound="end", example="2018", french="date de fin"),
            Column("lead_service", "text", example="Service enfance", french="service pilote"),
            Column("partners", "list", example="CAF; Associations locales", french="partenaires"),
            Column("place", "text", example="Quartier de Chevreux", french="lieu"),
            Column("indicator", "text", example="Spectacles jeune public programmés", french="indicateur"),
            Column("indicator_unit", "text", example="spectacles", french="unité de l'indicateur"),
            Column("indicator_target", "number", example="8", french="cible de l'indicateur"),
            Column("public", "bool", True, example="oui", french="édition publique"),
        ), key=("action_id",), french="Actions"),
        Table("action_years", "action_years.csv", (
            Column("action_id", "id", True, ref="actions", example="A01", french="action"),
            Column("year", "year", True, example="2017", french="année"),
            Column("status", "vocab", True, vocab="status", example="en cours", french="statut"),
            Column("progress", "percent", example="50", french="avancement"),
            Column("budget_planned", "amount", example="500 000", french="budget prévu"),
            Column("budget_spent", "amount", example="450 000,50", french="budget dépensé"),
            Column("budget_kind", "vocab", vocab="budget_kind", example="investissement", french="nature du budget"),
            Column("indicator_value", "number", example="9", french="valeur de l'indicateur"),
            Column("comment", "text", example="Chantier retardé par les intempéries", french="commentaire"),
        ), key=("action_id", "year"), french="Actions par année"),
    )
}
"""Registry of tables, in the order they are read and checked."""


@dataclass(frozen=True)
class TownKey:
    name: str
    required: bool = False
    example: str = ""
    french: str = ""
    """The key as the French workbook's town sheet writes it (``code INSEE``); both are read."""

    def key(self, lang: str = "fr") -> str:
        return self.french if lang == "fr" and self.french else self.name


TOWN_FILE = "town.yml"
TOWN_SHEET = "town"
TOWN_SHEET_FR = "Commune"
"""The town sheet of a workbook: ``Commune`` in the French workbook, ``town`` in the English one."""
TOWN_KEYS: dict[str, TownKey] = {
    k.name: k
    for k in (
        TownKey("name", True, "Soissons", "nom"),
        TownKey("insee_code", example="02722", french="code INSEE"),
        TownKey("department", example="Aisne (02)", french="département"),
        TownKey("postcode", example="02200", french="code postal"),
        TownKey("address", example="Place de l'Hôtel de Ville, 02200 Soissons", french="adresse"),
        TownKey("phone", example="03 23 59 90 00", french="téléphone"),
        TownKey("website", example="https://www.ville-soissons.fr", french="site web"),
        TownKey("logo", example="logo.png", french="logo"),
        TownKey("default_lang", example="fr", french="langue"),
        TownKey("accent_color", example="#1F5FA8", french="couleur"),
        TownKey("slug", example="soissons", french="nom court"),
        TownKey("author", example="Direction générale des services", french="auteur"),
        TownKey("contact", example="labels@ville-soissons.fr", french="contact"),
        TownKey("publication_url", example="https://www.ville-soissons.fr/rapports-labels",
                french="adresse de publication"),
        TownKey("cover_note", example="Document de travail", french="mention de couverture"),
    )
}
"""``town.yml`` keys. ``slug`` is informative: the town's slug is its folder's name, made safe for a
file name (``Château Thierry`` -> ``chateau-thierry``)."""

TOWN_YEAR_KEYS: dict[str, TownKey] = {
    k.name: k
    for k in (
        TownKey("council_date", example="council_date_2017: 26/03/2018", french="date du conseil"),
        TownKey("deliberation", example="deliberation_2017: \"2018-045\"", french="délibération"),
    )
}
"""``town.yml`` keys given once per report year, written ``<key>_<year>``: the date of the council
session that receives the report of that year, and the reference of its deliberation."""


def town_key(typed: object) -> tuple[str, int | None] | None:
    """The key a town key names, as typed in ``town.yml`` or a town sheet, French or English
    (``Code INSEE`` -> ``("insee_code", None)``, ``date du conseil 2017`` ->
    ``("council_date", 2017)``), or None when it names none."""
    folded = header_key(typed)
    for key in TOWN_KEYS.values():
        if folded in (header_key(key.name), header_key(key.french)):
            return key.name, None
    for key in TOWN_YEAR_KEYS.values():
        for form in (key.name, key.french):
            head, _, year = folded.rpartition(" ")
            if form and head == header_key(form) and len(year) == 4 and year.isdigit() and year[0] in "12":
                return key.name, int(year)
    return None


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
TEXTS_SHEET_FR = "Textes"
"""The workbook's sheet of texts: what ``texts/<year>/*.md`` hold, typed in Excel, one row per text
(``Textes`` in the French workbook, ``texts`` in the English one)."""
TEXTS_COLUMNS: tuple[Column, ...] = (
    Column("year", "year", True, example="2017", french="année"),
    Column("label_or_section", "text", True, example="ville-fleurie, avant-propos, faits-marquants, perspectives",
           french="label ou section"),
    Column("signatory", "text", example="Marie Dupont, maire", french="signataire"),
    Column("text", "text", True, example="Le jury régional a confirmé la troisième fleur…", french="texte"),
)
TEXTS = Table("texts", "", TEXTS_COLUMNS, french=TEXTS_SHEET_FR)
"""The texts sheet as a table: its headers are read like the other sheets'."""
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
