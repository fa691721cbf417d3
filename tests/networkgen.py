"""A seeded generator of a network's tables (palmarès), as a region publishes them year after year.

    network = generate_network(seed=3, towns=12, years=range(2013, 2017))
    network.write_csv(path, dialect="excel-fr")     # or "utf8", or write_xlsx(path)

What real lists do, it does: the older years give no INSEE code and no postcode
(only the name and the département, as a number or a name), the newer ones give
both and sometimes no département; names are spelled differently from one year
to the next (``St-Quentin``, ``SAINT QUENTIN``, ``Saint-Quentin``); two communes of
different départements share a name; towns gain and lose flowers, join the list,
leave it and come back. :attr:`Network.rows` is the truth the tests count from:
one dict per town and year, ``level`` its number of flowers.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from labels_report.data.places import commune_key

COMMUNES = [
    # (name, INSEE code, postcode, département code)
    ("Saint-Quentin", "02691", "02100", "02"),
    ("Château-Thierry", "02168", "02400", "02"),
    ("Laon", "02408", "02000", "02"),
    ("Villers-Cotterêts", "02810", "02600", "02"),
    ("Montreuil", "62588", "62170", "62"),
    ("Montreuil", "93048", "93100", "93"),
    ("Saint-Martin-Rivière", "02685", "02110", "02"),
    ("La Fère", "02304", "02800", "02"),
    ("Sainte-Geneviève", "60578", "60730", "60"),
    ("Saint-Leu-d'Esserent", "60584", "60340", "60"),
    ("Chantilly", "60141", "60500", "60"),
    ("L'Isle-Adam", "95313", "95290", "95"),
    ("Abbeville", "80001", "80100", "80"),
    ("Saint-Valery-sur-Somme", "80721", "80230", "80"),
    ("Œuilly", "02566", "02160", "02"),
    ("Hénin-Beaumont", "62427", "62110", "62"),
]
DEPARTMENT_NAMES = {"02": "Aisne", "60": "Oise", "95": "Val-d'Oise", "80": "Somme", "62": "Pas-de-Calais",
                    "93": "Seine-Saint-Denis"}


def spelled(name: str, rnd: random.Random) -> str:
    """The name as some year's list writes it."""
    forms = [name, name.upper(), name.replace("-", " "), name.replace("Saint-", "St-").replace("Sainte-", "Ste-"),
             name.replace("Saint-", "ST ").replace("Sainte-", "STE ").replace("-", " ").upper()]
    if name.startswith("La "):
        forms.append(name[3:] + " (La)")
    return rnd.choice(forms)


@dataclass
class Network:
    years: list[int]
    rows: list[dict] = field(default_factory=list)
    """The truth: {year, name, insee, postcode, department, level} per town listed that year."""
    written: list[dict] = field(default_factory=list)
    """The same rows as the table writes them (spellings, missing codes)."""

    def levels(self, year: int) -> dict[tuple[str, str], int]:
        """(name folded, département) -> level of the towns listed in ``year``."""
        return {(commune_key(row["name"]), row["department"]): row["level"] for row in self.rows if row["year"] == year}

    def table(self, headers: dict[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
        names = {"year": "Année", "insee": "Code INSEE", "name": "Commune", "postcode": "Code postal",
                 "department": "Département", "level": "Nombre de fleurs", **(headers or {})}
        header = [names[k] for k in ("year", "insee", "name", "postcode", "department", "level")]
        body = [[str(row[k]) for k in ("year", "insee", "name", "postcode", "department", "level")]
                for row in self.written]
        return header, body

    def write_csv(self, path: Path, dialect: str = "excel-fr", headers: dict[str, str] | None = None) -> Path:
        header, body = self.table(headers)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if dialect == "excel-fr" else ",",
                            lineterminator="\r\n" if dialect == "excel-fr" else "\n")
        writer.writerow(header)
        writer.writerows(body)
        text = buffer.getvalue()
        path.write_bytes(text.encode("cp1252") if dialect == "excel-fr" else text.encode("utf-8"))
        return path

    def write_xlsx(self, path: Path) -> Path:
        from openpyxl import Workbook

        header, body = self.table()
        book = Workbook()
        sheet = book.active
        sheet.title = "Palmarès"
        sheet.append(["Palmarès régional des villes et villages fleuris"])  # a title above the header
        sheet.append(header)
        for row in body:
            # Excel types the year and the level as numbers, and an INSEE code typed as a number loses its 0
            sheet.append([int(row[0]), int(row[1]) if row[1].isdigit() else row[1] or None, row[2],
                          int(row[3]) if row[3] else None, row[4] or None, int(row[5])])
        book.save(path)
        return path

    def write_yearly(self, folder: Path) -> list[Path]:
        """One file per year, oldest first, each as a region has published its list that year (the
        formats go round when there are more than five years):

        1. French Excel CSV, no year column (the file's name gives it), name and département only;
        2. UTF-8 CSV with a year column, name and département (``Dép.``) only;
        3. a workbook, a title above the header, no year column, the name and the postcode only (a
           number: the leading zero lost), the level as ``1ère fleur``, ``2e fleur``;
        4. French Excel CSV whose ``Code commune`` column holds the postcode, not the INSEE code;
        5. French Excel CSV with the INSEE code (typed as a number: ``2691`` for ``02691``), the
           postcode and sometimes the département.
        """
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for number, year in enumerate(self.years):
            rows = [(truth, shown) for truth, shown in zip(self.rows, self.written) if truth["year"] == year]
            kind = number % 5
            if kind == 2:
                paths.append(self._yearly_xlsx(folder / f"palmares-{year}.xlsx", rows))
                continue
            if kind == 0:
                header = ["Commune", "Département", "Nombre de fleurs"]
                body = [[shown["name"], shown["department"] or truth["department"], truth["level"]]
                        for truth, shown in rows]
            elif kind == 1:
                header = ["Année", "Commune", "Dép.", "Fleurs"]
                body = [[year, shown["name"], shown["department"] or DEPARTMENT_NAMES[truth["department"]],
                         truth["level"]] for truth, shown in rows]
            elif kind == 3:
                header = ["Année", "Code commune", "Commune", "Département", "Fleurs"]
                body = [[year, truth["postcode"], shown["name"], shown["department"], truth["level"]]
                        for truth, shown in rows]
            else:
                header = ["Année", "Code INSEE", "Commune", "Code postal", "Département", "Fleurs"]
                body = [[year, truth["insee"].lstrip("0"), shown["name"], truth["postcode"], shown["department"],
                         truth["level"]] for truth, shown in rows]
            utf8 = kind == 1
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter="," if utf8 else ";", lineterminator="\n" if utf8 else "\r\n")
            writer.writerow(header)
            writer.writerows(body)
            path = folder / f"palmares-{year}.csv"
            path.write_bytes(buffer.getvalue().encode("utf-8" if utf8 else "cp1252"))
            paths.append(path)
        return paths

    @staticmethod
    def _yearly_xlsx(path: Path, rows: list[tuple[dict, dict]]) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Palmarès"
        sheet.append(["Palmarès régional des villes et villages fleuris"])
        sheet.append(["Nom de la commune", "Code postal", "Niveau obtenu"])
        for truth, shown in rows:
            level = truth["level"]
            sheet.append([shown["name"], int(truth["postcode"]), "1ère fleur" if level == 1 else f"{level}e fleur"])
        book.save(path)
        return path


def generate_network(seed: int = 1, towns: int = 12, years=range(2013, 2017), old_until: int = 2014) -> Network:
    """A network's lists of ``years``: years up to ``old_until`` name towns without INSEE code nor postcode."""
    rnd = random.Random(seed)
    communes = COMMUNES[:towns]
    network = Network(list(years))
    level = {c[1]: rnd.randint(1, 4) for c in communes}
    listed = {c[1]: rnd.random() < 0.8 for c in communes}
    listed[communes[0][1]] = True
    for year in years:
        for name, insee, postcode, department in communes:
            if year != network.years[0]:
                move = rnd.random()
                if listed[insee] and move < 0.12:
                    listed[insee] = False  # leaves the list
                elif not listed[insee] and move < 0.5:
                    listed[insee] = True  # joins, or comes back
                elif move < 0.45:
                    level[insee] = max(1, min(4, level[insee] + rnd.choice([-1, 1])))
            if not listed[insee]:
                continue
            network.rows.append({"year": year, "name": name, "insee": insee, "postcode": postcode,
                                 "department": department, "level": level[insee]})
            old = year <= old_until
            shown_department = rnd.choice([department, DEPARTMENT_NAMES[department], f"{DEPARTMENT_NAMES[department]}"
                                           f" ({department})"]) if old or rnd.random() < 0.6 else ""
            network.written.append({"year": year, "name": spelled(name, rnd), "insee": "" if old else insee,
                                    "postcode": "" if old else postcode, "department": shown_department,
                                    "level": level[insee]})
    return network
