"""A new town's data folder, empty but valid (``labels-report init``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from labels_report.core.errors import ParameterError
from labels_report.data.contract import TABLES, TEXTS_FOLDER, TOWN_FILE, TOWN_KEYS, TOWN_YEAR_KEYS


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init_town(name: str, data_dir: Path | str, values: Mapping[str, str] | None = None) -> Path:
    """Create ``data_dir``, the data folder of town ``name``, and return it.

    The folder's name is the town's slug (``labels-report init`` uses
    ``data/<slugify(name)>``). It receives ``town.yml`` (name and slug filled
    in), every table's CSV file with just its header row, and an empty
    ``texts/`` folder: it loads without error. Raises :class:`ParameterError`
    if the name is empty or ``data_dir`` exists and is not an empty folder
    (nothing is overwritten). ``values``: other keys of ``town.yml`` known already (the
    INSEE code, the département, the postcode of a town a network's table names).
    """
    if not name.strip():
        raise ParameterError("town_name_empty")
    folder = Path(data_dir)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ParameterError("town_folder_exists", folder=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    values = {"name": name.strip(), "slug": folder.resolve().name, "default_lang": "fr", **(values or {})}
    lines = ["# Commune : une information par ligne, « clé: valeur ». Laisser vide ce qui n'est pas connu."]
    lines += [f"{key}: {_yaml_text(values.get(key, ''))}" for key in TOWN_KEYS]
    lines += ["",
              "# Pour chaque année de rapport, si elle est connue : la séance du conseil qui reçoit le rapport",
              "# et la référence de la délibération, par exemple :",
              *(f"# {key.example}" for key in TOWN_YEAR_KEYS.values()),
              "",
              "# Les textes vont dans texts/AAAA/ : <label_id>.md (le bilan d'un label), _avant-propos.md,",
              "# _faits-marquants.md, _perspectives.md (ou dans la feuille « Textes » du classeur)."]
    (folder / TOWN_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for table in TABLES.values():
        (folder / table.file).write_text(",".join(table.column_names) + "\n", encoding="utf-8")
    (folder / TEXTS_FOLDER).mkdir()
    return folder
