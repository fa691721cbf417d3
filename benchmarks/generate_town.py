"""Write a large, valid town data folder for the scale benchmark.

    .venv/bin/python benchmarks/generate_town.py OUT_DIR [--actions 20000] [--labels 100] [--years 50] [--seed 1]

The town (a fictional one, "Grandeville-sur-Essai") holds ``--labels`` labels
of every kind of scale (plain titles, flowers, stars, @, a unit without a
maximum), ``--years`` years of events per label (awards, renewals with
periods of validity, level changes up and down, jury visits, suspensions and
withdrawals, some events scheduled after the last year), ``--actions``
actions serving one to three labels each, spread over the years, with one
row per action and year (status, progress, budgets partly unknown, an
indicator for some), and a narrative per label for the last years. It is
deterministic: the same arguments write the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

UNITS = [("", ""), ("fleur", "4"), ("étoile", "3"), ("@", "5"), ("laurier", "4"), ("niveau", "")]
STATUSES = ["planned", "in_progress", "done", "paused", "abandoned"]
AXES = ["Équipements", "Cadre de vie", "Participation des enfants", "Patrimoine et culture", "Numérique",
        "Mobilités", "Solidarités", "Tourisme", "Transition écologique", "Sport et santé", "Éducation", "Sécurité"]
SERVICES = ["Service enfance", "Espaces verts", "Direction de l'urbanisme", "Direction des systèmes d'information",
            "Service culturel", "Service des sports", "Centre communal d'action sociale"]
PARTNERS = ["CAF", "Éducation nationale", "Associations locales", "Région", "Département", "Office de tourisme"]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, *, actions: int = 20_000, labels: int = 100, years: int = 50, seed: int = 1) -> Path:
    """Write the town into ``folder`` (created; must not hold a town already) and return it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=False)
    last = 2025
    first = last - years + 1
    (folder / "town.yml").write_text(
        "name: Grandeville-sur-Essai\n"
        'insee_code: "99999"\n'
        "department: Commune fictive pour les essais\n"
        "address: 1 place de la Mairie, 99999 Grandeville-sur-Essai\n"
        "default_lang: fr\n", encoding="utf-8")

    label_rows, event_rows, label_ids = [], [], []
    for n in range(labels):
        unit, maximum = UNITS[n % len(UNITS)]
        label_id = f"label-{n:03d}"
        label_ids.append(label_id)
        label_rows.append([label_id, f"Label n° {n + 1} « {AXES[n % len(AXES)]} »", f"Organisme {n % 17 + 1}",
                           AXES[n % len(AXES)], unit, maximum, "", rng.choice(["", "3", "4", "6"]), "",
                           f"Service {n % 9 + 1}"])
        scaled = bool(unit and maximum)  # levels only where the label has a scale with a maximum
        top = int(maximum) if scaled else 1
        level = rng.randint(1, top) if scaled else None
        year = first + rng.randint(0, 4)
        event_rows.append([label_id, f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "awarded",
                           level or "", year, year + 3, f"Délibération {year}-{n}", "", "Première labellisation."])
        while True:
            year += rng.randint(1, 3)
            if year > last + 1:
                break
            kind = rng.choices(["renewed", "level_changed", "jury_visit", "suspended", "withdrawn", "awarded"],
                               [5, 3, 3, 1, 1, 1])[0]
            date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if kind == "level_changed" and scaled:
                level = max(1, min(top, (level or 1) + rng.choice([-1, 1])))
                event_rows.append([label_id, date, kind, level, "", "", "", "", ""])
            elif kind in ("renewed", "awarded"):
                event_rows.append([label_id, date, kind, level or "", year, year + 3, "", "", ""])
            elif kind == "jury_visit" or kind == "level_changed":
                event_rows.append([label_id, date, kind, "", "", "", "", "", "Visite du jury."])
            else:
                event_rows.append([label_id, date, kind, "", "", "", "", "", ""])

    action_rows, year_rows = [], []
    for n in range(actions):
        action_id = f"A{n:05d}"
        start = rng.randint(first, last)
        end = min(last, start + rng.randint(0, 4))
        served = rng.sample(label_ids, rng.choice([1, 1, 1, 2, 3]))
        indicator = rng.random() < 0.2
        action_rows.append([
            action_id, f"Action {n + 1} : {AXES[n % len(AXES)].lower()}", "Description de l'action.",
            ";".join(served), AXES[(n * 7) % len(AXES)], f"{start}-01-01", f"{end}" if rng.random() < 0.7 else "",
            SERVICES[n % len(SERVICES)], ";".join(rng.sample(PARTNERS, rng.randint(0, 2))), "",
            "Participants" if indicator else "", "personnes" if indicator else "",
            rng.randint(10, 500) if indicator else "", "yes" if rng.random() < 0.9 else "no"])
        for year in range(start, end + 1):
            status = "done" if year < end else rng.choice(STATUSES)
            planned = rng.randint(1, 400) * 500 if rng.random() < 0.85 else ""
            spent = round(planned * rng.uniform(0.3, 1.1), 2) if planned != "" and rng.random() < 0.7 else ""
            year_rows.append([action_id, year, status, rng.choice(["", 25, 50, 75, 100]), planned, spent,
                              rng.choice(["", "investment", "operating"]),
                              rng.randint(0, 600) if indicator and rng.random() < 0.8 else "", ""])

    _write(folder / "labels.csv", ["label_id", "name", "awarding_body", "category", "level_unit", "level_max",
                                   "subject", "renewal_years", "url", "referent"], label_rows)
    _write(folder / "label_events.csv", ["label_id", "date", "event", "level", "valid_from", "valid_until",
                                         "reference", "source_url", "note"], event_rows)
    _write(folder / "actions.csv", ["action_id", "title", "description", "labels", "axis", "start_date", "end_date",
                                    "lead_service", "partners", "place", "indicator", "indicator_unit",
                                    "indicator_target", "public"], action_rows)
    _write(folder / "action_years.csv", ["action_id", "year", "status", "progress", "budget_planned", "budget_spent",
                                         "budget_kind", "indicator_value", "comment"], year_rows)
    for year in (last - 1, last):
        texts = folder / "texts" / str(year)
        texts.mkdir(parents=True)
        for label_id in label_ids[:20]:
            (texts / f"{label_id}.md").write_text(f"Bilan {year} du label **{label_id}** : des actions menées "
                                                   "avec les services et les partenaires.\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = generate(args.out, actions=args.actions, labels=args.labels, years=args.years, seed=args.seed)
    print(f"written: {folder}")


if __name__ == "__main__":
    main()
