"""A seeded generator of VALID town data sets, written as CSV files into a folder.

    town = generate(folder, seed=7)           # a random, valid, often unusual town
    town = generate(folder, seed=7, shape="no_labels")

Every data set it writes is valid by construction (``load.check`` must find no
error in it), and as unusual as the data contract allows: partial dates in
every date column (``2014``, ``2014-05``, ``05/2014``), both French and ISO
dates, French and English vocabulary words, ``oui``/``non``/``yes``/``no``,
amounts with cents, ``50 %``, levels going up and down, labels suspended then
renewed, withdrawn then awarded again, actions serving several labels, very
long names (a 200-character URL), apostrophes, emoji, Arabic and Chinese text.
The CSV dialect varies too: UTF-8 with ``,``, UTF-8 with BOM and ``;`` (with
French amounts ``1 234,50 €``), CRLF line ends.

``shape`` forces one of the edge cases a real town can be in (see
:data:`SHAPES`); ``None`` lets the seed decide. :class:`Generated` says what
was written (years the data speak of, the town's name...), so that tests can
choose report years before, inside and far after the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# -- strings a real town's data hold ----------------------------------------------------

LONG_URL = "https://www.example-commune.fr/" + "labels/" * 24 + "page"
"""200 characters without a space (a URL pasted into a name cell)."""
assert len(LONG_URL) >= 200

NAMES = [
    "Villes et Villages Fleuris",
    "Ville amie des enfants",
    "Ville d'art et d'histoire",
    "Ville d’art et d’histoire",
    "Territoire à énergie positive pour la croissance verte",
    "Ville Internet",
    "Guide Vert Michelin ★",
    "Station verte 🌳🌸",
    "Pavillon Bleu — plage du lac « Les Œillets »",
    "مدينة صديقة للأطفال",
    "友好城市 儿童之城",
    "Label « Cœur de ville » (îlot Saint-Œuf, 3e tranche)",
    "Commune touristique: « 100 % nature » & co.",
    "L'Haÿ-les-Roses – Ville Fleurie ÉTÉ",
    LONG_URL,
    "x",
    "Cité de caractère 50 % 1 000 € #1 @home",
]
BODIES = ["UNICEF France", "Conseil national des villes et villages fleuris", "Michelin", "Association Villes Internet",
          "Ministère de la Culture", "", "Teragir (ex-Office français de la Fondation pour l’éducation)",
          "شركة", "中国组织"]
CATEGORIES = ["Cadre de vie", "Enfance et jeunesse", "Patrimoine", "Numérique", "", "Tourisme 🏖"]
SUBJECTS = ["", "", "Abbaye Saint-Jean-des-Vignes", "Plage du lac", "Quartier d’Orléans", LONG_URL]
URLS = ["", "", "https://www.unicef.fr", LONG_URL, "http://exemple.fr/a b", "mailto:mairie@example.fr"]
REFERENTS = ["", "Service enfance", "Mme Dupont-Léger", "M. O’Brien"]
UNITS = [("fleur", 4), ("étoile", 3), ("@", 5), ("laurier", 4), ("fleurs", 4), ("fleur", None),
         ("", None), ("", None), ("", 3), ("", None)]
"""(level_unit, level_max): a plain title, levels with a maximum, a unit with no maximum, a maximum without unit."""
REFERENCES = ["", "", "Délibération 2016-123", "Convention n° 42/2017", "Palmarès « 2017 »", "Arrêté n°12 ; art. 3"]
NOTES = ["", "", "Première labellisation.", "Convention renouvelée, pour la période 2014-2020",
         "Visite du jury annoncée — à confirmer", "Note avec une apostrophe d'usage et une ’typographique’",
         "Deux lignes :\npremière, puis seconde", "🌷 Emoji en note", "ملاحظة بالعربية", "中文备注"]
TITLES = ["Plan « écoles 3.0 »", "Fleurissement des entrées de ville", "Jardins partagés", "Conseil municipal des jeunes",
          "Rénovation de l’abbaye", "Fête de l'enfance 🎈", LONG_URL, "مشروع الحديقة", "绿色城市计划",
          "Action n°1 : 50 % des écoles, 1 000 € par classe", "Éclairage LED (phase 2/3)"]
AXES = ["Équipements", "Cadre de vie", "", "Participation des enfants", "Patrimoine & culture", "Numérique 💻",
        "محور", "轴"]
SERVICES = ["", "Service enfance", "Espaces verts", "Direction de l’urbanisme", "DSI"]
PARTNERS = ["CAF", "Éducation nationale", "Associations locales", "Région Hauts-de-France", "Office de tourisme",
            "شريك", "合作伙伴"]
PLACES = ["", "Groupes scolaires", "Entrées de ville", "Centre-ville", "Quartier de Chevreux"]
INDICATORS = [("", ""), ("Écoles rénovées", "écoles"), ("Arbres plantés", "arbres"), ("Visiteurs", ""),
              ("Part des foyers raccordés", "%")]
COMMENTS = ["", "", "Chantier retardé", "Reporté à l’an prochain", "Commentaire interne : voir M. Martin"]
TOWN_NAMES = ["Saint-Quentin", "L’Haÿ-les-Roses", "Château-Thierry", "Bourg-en-Bresse 🏰", "Y",
              "Sainte-Marie-aux-Mines d'Alsace", "مدينة", "城市", "Villeneuve-d’Ascq — Lille Métropole",
              "Saint-Rémy-de-Provence " + "x" * 150]

EVENT_WORDS = {
    "applied": ["applied", "candidature"], "awarded": ["awarded", "obtention", "Attribution"],
    "renewed": ["renewed", "renouvellement"], "level_changed": ["level_changed", "changement de niveau"],
    "jury_visit": ["jury_visit", "visite du jury"], "suspended": ["suspended", "suspension"],
    "withdrawn": ["withdrawn", "retrait"], "expired": ["expired", "expiration"],
}
STATUS_WORDS = {"planned": ["planned", "prévue"], "in_progress": ["in_progress", "en cours", "En Cours"],
                "done": ["done", "réalisée"], "paused": ["paused", "en pause"],
                "abandoned": ["abandoned", "abandonnée"]}
KIND_WORDS = {"investment": ["investment", "investissement"], "operating": ["operating", "fonctionnement"]}
BOOL_WORDS = {True: ["yes", "oui", "Oui", "OUI", "vrai", "1"], False: ["no", "non", "Non", "NON", "faux", "0"]}

SHAPES = ("no_labels", "labels_no_events", "events_no_actions", "actions_no_years", "one_year", "many_actions",
          "shared_budget", "histories")
"""Edge cases a seed can be forced into (``None``: the seed decides)."""

HEADERS = {
    "labels.csv": ["label_id", "name", "awarding_body", "category", "level_unit", "level_max", "subject",
                   "renewal_years", "url", "referent"],
    "label_events.csv": ["label_id", "date", "event", "level", "valid_from", "valid_until", "reference",
                         "source_url", "note"],
    "actions.csv": ["action_id", "title", "description", "labels", "axis", "start_date", "end_date", "lead_service",
                    "partners", "place", "indicator", "indicator_unit", "indicator_target", "public"],
    "action_years.csv": ["action_id", "year", "status", "progress", "budget_planned", "budget_spent", "budget_kind",
                         "indicator_value", "comment"],
}


@dataclass
class Generated:
    """What :func:`generate` wrote."""

    folder: Path
    seed: int
    shape: str | None
    town_name: str
    years: list[int] = field(default_factory=list)
    """Every year the data speak of (events and action years), sorted."""
    label_ids: list[str] = field(default_factory=list)
    actions: int = 0
    events: int = 0
    french: bool = False
    """Written as ``;``-separated UTF-8 with BOM, French amounts."""

    @property
    def first_year(self) -> int:
        return self.years[0] if self.years else 2017

    @property
    def last_year(self) -> int:
        return self.years[-1] if self.years else 2017


# -- dates and numbers as a clerk types them ------------------------------------------------


def _date_cell(rnd: random.Random, day: dt.date, precision: str | None = None) -> str:
    precision = precision or rnd.choice(["day", "day", "day", "month", "year"])
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return rnd.choice([f"{day.year}-{day.month:02d}", f"{day.month:02d}/{day.year}", f"{day.month}/{day.year}"])
    return rnd.choice([day.isoformat(), day.strftime("%d/%m/%Y")])


def _random_day(rnd: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=rnd.randint(0, span))


def _amount(rnd: random.Random, french: bool) -> str:
    if rnd.random() < 0.2:
        return ""
    value = rnd.choice([0, 0.01, 12.5, 999.99, 1000, 7999.99, 12000, 450000.5, 1234567.89, rnd.randint(1, 10**6)])
    if rnd.random() < 0.5 and value == int(value):
        value = int(value)
    if french:
        whole, _, cents = f"{value:,.2f}".partition(".")
        whole = whole.replace(",", rnd.choice([" ", "\u00a0", "\u202f", ""]))
        text = whole if cents == "00" and rnd.random() < 0.5 else f"{whole},{cents}"
        return text + rnd.choice(["", " €", "\u00a0€", "€"])
    text = f"{value:.2f}" if value != int(value) else str(int(value))
    return text


def _number(rnd: random.Random, french: bool) -> str:
    if rnd.random() < 0.3:
        return ""
    value = rnd.choice([0, 1, 6, 12.5, 100, 3000])
    text = str(value)
    return text.replace(".", ",") if french else text


def _progress(rnd: random.Random, french: bool) -> str:
    if rnd.random() < 0.2:
        return ""
    value = rnd.choice([0, 10, 40, 50, 80, 100, 33.5])
    text = str(value).replace(".", ",") if french else str(value)
    return text + rnd.choice(["", "", " %", "%", "\u00a0%"])


# -- the tables -------------------------------------------------------------------------------


def _labels(rnd: random.Random, count: int) -> list[dict[str, str]]:
    rows = []
    used: set[str] = set()
    for i in range(count):
        base = rnd.choice(["ville-fleurie", "ville-amie-des-enfants", "ville-internet", "guide-vert", "pavillon-bleu",
                           "vah", "tepcv", "station-verte", "x", "a1", "label-2-b"])
        label_id = base if base not in used else f"{base}-{i}"
        used.add(label_id)
        unit, maximum = rnd.choice(UNITS)
        if label_id == "ville-internet":
            unit, maximum = "@", 5
        rows.append({
            "label_id": label_id, "name": rnd.choice(NAMES), "awarding_body": rnd.choice(BODIES),
            "category": rnd.choice(CATEGORIES), "level_unit": unit,
            "level_max": "" if maximum is None else str(maximum), "subject": rnd.choice(SUBJECTS),
            "renewal_years": rnd.choice(["", "1", "3", "6"]), "url": rnd.choice(URLS), "referent": rnd.choice(REFERENTS),
        })
    return rows


def _history(rnd: random.Random, label: dict[str, str], first: int, last: int) -> list[dict[str, str]]:
    """A plausible life of one label: an application, an award, renewals, level changes, a suspension
    then a renewal, a withdrawal then a new award, an expiry, jury visits; some events in the future."""
    scaled = bool(label["level_unit"]) and bool(label["level_max"])
    maximum = int(label["level_max"]) if scaled else 0
    level = rnd.randint(1, maximum) if scaled else 0
    day = _random_day(rnd, dt.date(first, 1, 1), dt.date(first, 12, 31))
    end = dt.date(last, 12, 31)
    rows: list[dict[str, str]] = []

    def add(event: str, when: dt.date, *, with_level: bool = False, validity: tuple[dt.date, dt.date] | None = None,
            precision: str | None = None) -> None:
        row = {"label_id": label["label_id"], "date": _date_cell(rnd, when, precision),
               "event": rnd.choice(EVENT_WORDS[event]), "level": "", "valid_from": "", "valid_until": "",
               "reference": rnd.choice(REFERENCES), "source_url": rnd.choice(URLS), "note": rnd.choice(NOTES)}
        if with_level and scaled and rnd.random() < 0.85:
            row["level"] = str(level)
        if validity is not None and rnd.random() < 0.8:
            start, until = validity
            row["valid_from"] = _date_cell(rnd, start) if rnd.random() < 0.8 else ""
            row["valid_until"] = _date_cell(rnd, until)
        rows.append(row)

    if rnd.random() < 0.4:
        add("applied", day)
        day += dt.timedelta(days=rnd.randint(30, 300))
    validity_years = rnd.choice([1, 3, 6])
    add("awarded", day, with_level=True, validity=(day, day + dt.timedelta(days=365 * validity_years)))
    while day < end:
        day += dt.timedelta(days=rnd.randint(60, 900))
        choice = rnd.random()
        if choice < 0.25:
            add("renewed", day, with_level=True, validity=(day, day + dt.timedelta(days=365 * validity_years)))
        elif choice < 0.45 and scaled:
            level = max(1, min(maximum, level + rnd.choice([-1, 1, 1, 2])))
            add("level_changed", day, with_level=True,
                validity=(day, day + dt.timedelta(days=365 * validity_years)) if rnd.random() < 0.3 else None)
        elif choice < 0.55:
            add("jury_visit", day)
        elif choice < 0.65:
            add("suspended", day)
            day += dt.timedelta(days=rnd.randint(30, 400))
            add("renewed", day, with_level=True, validity=(day, day + dt.timedelta(days=365 * validity_years)))
        elif choice < 0.75:
            add("withdrawn", day)
            day += dt.timedelta(days=rnd.randint(30, 900))
            add("awarded", day, with_level=True, validity=(day, day + dt.timedelta(days=365 * validity_years)))
        elif choice < 0.8:
            add("expired", day)
        elif choice < 0.85:
            add("applied", day)
    return rows


def _actions(rnd: random.Random, labels: list[dict[str, str]], count: int, first: int, last: int,
             shared: bool) -> list[dict[str, str]]:
    rows = []
    ids = [label["label_id"] for label in labels]
    for i in range(count):
        start = _random_day(rnd, dt.date(first - 1, 1, 1), dt.date(last, 12, 31))
        ending = rnd.random()
        end = None if ending < 0.5 else _random_day(rnd, start, start + dt.timedelta(days=rnd.choice([0, 200, 2000])))
        served = rnd.sample(ids, k=min(len(ids), rnd.choice([1, 1, 2, 3]) if not shared else max(2, min(3, len(ids)))))
        indicator, unit = rnd.choice(INDICATORS)
        separator = rnd.choice([";", "; ", " ; "])
        rows.append({
            "action_id": rnd.choice([f"A{i + 1:02d}", f"act-{i + 1}", f"{i + 1}", f"ACTION_{i + 1}"]),
            "title": rnd.choice(TITLES), "description": rnd.choice(["", "", "Rénovation des groupes scolaires",
                                                                    NOTES[6], LONG_URL, "وصف", "描述"]),
            "labels": separator.join(served), "axis": rnd.choice(AXES),
            "start_date": "" if rnd.random() < 0.15 else _date_cell(rnd, start),
            "end_date": "" if end is None else _date_cell(rnd, end),
            "lead_service": rnd.choice(SERVICES),
            "partners": separator.join(rnd.sample(PARTNERS, k=rnd.randint(0, 3))),
            "place": rnd.choice(PLACES), "indicator": indicator, "indicator_unit": unit,
            "indicator_target": "" if not indicator else rnd.choice(["", "0", "6", "100", "2,5" if False else "12"]),
            "public": rnd.choice(BOOL_WORDS[rnd.random() < 0.7]),
            "_start": start, "_end": end,
        })
    # identifiers must be unique: the random forms could collide ("1" and "A01" never do, but be sure)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row["action_id"] in seen:
            row["action_id"] = f"Z{i}"
        seen.add(row["action_id"])
    return rows


def _action_years(rnd: random.Random, actions: list[dict], first: int, last: int,
                  french: bool) -> list[dict[str, str]]:
    rows = []
    for action in actions:
        start, end = action["_start"], action["_end"]
        low = start.year if action["start_date"] else first - 1
        high = end.year if end is not None else last
        years = list(range(low, high + 1))
        for year in sorted(rnd.sample(years, k=min(len(years), rnd.randint(0, 4)))):
            status = rnd.choice(list(STATUS_WORDS))
            rows.append({
                "action_id": action["action_id"], "year": str(year), "status": rnd.choice(STATUS_WORDS[status]),
                "progress": _progress(rnd, french), "budget_planned": _amount(rnd, french),
                "budget_spent": _amount(rnd, french),
                "budget_kind": "" if rnd.random() < 0.3 else rnd.choice(KIND_WORDS[rnd.choice(list(KIND_WORDS))]),
                "indicator_value": _number(rnd, french), "comment": rnd.choice(COMMENTS),
            })
    return rows


def _write(path: Path, header: list[str], rows: list[dict], french: bool, crlf: bool) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    text = buffer.getvalue()
    path.write_bytes(("\ufeff" if french else "").encode() + text.encode("utf-8"))


NARRATIVES = [
    "Le service a **renforcé** l’action : voir [le site](https://www.example.fr).\n\n- un\n- deux\n",
    "# Titre du service\n\nTexte avec une apostrophe ' et des accents éàü, 50 % et 1 000 €.\n",
    "🌻 Fleurissement : *bilan* positif.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "نص عربي قصير.\n\n中文文本。\n",
]


def generate(folder: Path, seed: int, shape: str | None = None) -> Generated:
    """Write a valid data set into ``folder`` (created) and say what it holds."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    shape = shape if shape is not None else rnd.choice([None, None, None, *SHAPES])
    first = rnd.choice([1998, 2008, 2014, 2016, 2020])
    last = first + rnd.choice([0, 1, 3, 8])
    french = rnd.random() < 0.4
    crlf = rnd.random() < 0.5

    label_count = 0 if shape == "no_labels" else rnd.choice([1, 2, 3, 5, 8])
    labels = _labels(rnd, label_count)
    events: list[dict[str, str]] = []
    if shape not in ("no_labels", "labels_no_events"):
        for label in labels:
            if rnd.random() < 0.85 or label is labels[0]:
                events += _history(rnd, label, first, last)
    if shape == "one_year":
        last = first
    action_count = {"no_labels": 0, "events_no_actions": 0, "many_actions": 300}.get(shape or "",
                                                                                   rnd.choice([0, 1, 2, 5, 12]))
    actions = _actions(rnd, labels, action_count, first, last, shared=shape == "shared_budget") if labels else []
    years = [] if shape == "actions_no_years" else _action_years(rnd, actions, first, last, french)

    name = rnd.choice(TOWN_NAMES)
    town = {"name": name, "insee_code": rnd.choice(["02722", "2A004", "75056", ""]),
            "department": rnd.choice(["Aisne (02)", "Corse-du-Sud (2A)", "", "Hauts-de-Seine « 92 »"]),
            "address": rnd.choice(["1 place de la Mairie, 02000 Testville", "", "Hôtel de ville — BP 12 : 62000"]),
            "phone": rnd.choice(["03 23 00 00 00", "", "+33 (0)3 23 00 00 00"]),
            "website": rnd.choice(["https://www.testville.fr", "", LONG_URL]),
            "default_lang": rnd.choice(["fr", "fr", "en", ""]), "accent_color": rnd.choice(["#1F5FA8", "", "#ffffff",
                                                                                           "#000000", "#FFD700"])}
    (folder / "town.yml").write_text(yaml.safe_dump(town, allow_unicode=True, sort_keys=False), "utf-8")
    _write(folder / "labels.csv", HEADERS["labels.csv"], labels, french, crlf)
    _write(folder / "label_events.csv", HEADERS["label_events.csv"], events, french, crlf)
    _write(folder / "actions.csv", HEADERS["actions.csv"], actions, french, crlf)
    _write(folder / "action_years.csv", HEADERS["action_years.csv"], years, french, crlf)
    event_years = set()
    for event in events:
        text = event["date"]
        event_years.add(int(text[:4]) if text[:4].isdigit() else int(text[-4:]))
    all_years = sorted(event_years | {int(row["year"]) for row in years})
    if labels and all_years and rnd.random() < 0.5:
        year = rnd.choice(all_years)
        texts = folder / "texts" / str(year)
        texts.mkdir(parents=True, exist_ok=True)
        for label in rnd.sample(labels, k=min(2, len(labels))):
            (texts / f"{label['label_id']}.md").write_text(rnd.choice(NARRATIVES), "utf-8")
    return Generated(folder, seed, shape, name, all_years, [label["label_id"] for label in labels], len(actions),
                     len(events), french)
