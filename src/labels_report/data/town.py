"""The town's identity: ``town.yml``, or the ``town`` sheet of the workbook."""

from __future__ import annotations

import re
from pathlib import Path

from labels_report.core.errors import Issue
from labels_report.core.files import sha256_bytes
from labels_report.core.i18n import LOCALES
from labels_report.core.text import has_controls, show_controls, slugify, without_controls
from labels_report.data.contract import LOGO_SUFFIXES, TOWN_FILE, TOWN_KEYS, TOWN_YEAR_KEYS
from labels_report.data.dataset import Town
from labels_report.data.folder import MAX_LOGO_BYTES, MAX_TEXT_BYTES
from labels_report.data.found import Found
from labels_report.data.reading import CellError, Workbook, XlCell, decode, display, is_empty, parse_date


def read_town(data_dir: Path, workbook: Workbook | None, found: Found) -> None:
    candidates = [e for e in found.folder.entries() if e.name.lower() in (TOWN_FILE, "town.yaml")]
    entry = next((e for e in candidates if e.name == TOWN_FILE), candidates[0] if candidates else None)
    if entry is not None and entry.kind == "outside":
        found.issues.append(Issue("error", "file_outside_folder", entry.name, value=entry.target))
        return
    if entry is not None and entry.kind == "file":
        rel = entry.name
        data = found.read(rel, MAX_TEXT_BYTES)
        if data is None:
            return
        found.sources[rel] = sha256_bytes(data)
        if workbook is not None and workbook.town and any(not is_empty(v) for _, _, v in workbook.town):
            found.issues.append(Issue("warning", "town_sheet_ignored", workbook.file, workbook.town_sheet,
                                      value=workbook.town_sheet, params={"file": rel}))
        entries = _town_yml(data, rel, found)
        if entries is not None:
            _town(entries, rel, None, data_dir, found)
        return
    if workbook is not None and workbook.town is not None:
        entries = [(row, key, value) for row, key, value in workbook.town]
        _town(entries, workbook.file, workbook.town_sheet, data_dir, found)
        return
    if not found.workbook_unread:
        found.issues.append(Issue("error", "town_missing", TOWN_FILE, value=TOWN_FILE))


def _town_yml(data: bytes, rel: str, found: Found) -> list[tuple[int | None, str, object]] | None:
    """(line, key, value) of ``town.yml``; every scalar is read as text (``02722`` stays ``02722``)."""
    import yaml

    if not data.strip():
        found.issues.append(Issue("error", "file_empty", rel, params={"expected": "name: …"}))
        return None
    text = decode(data)
    if text is None:
        found.issues.append(Issue("error", "file_not_text", rel))
        return None
    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        # where the faulty construct starts (an unclosed quote) is where the clerk must look
        tab = next((number for number, line in enumerate(text.splitlines(), start=1)
                    if re.match(r"[ ]*\t", line) and line.strip()), None)
        if tab is not None:
            found.issues.append(Issue("error", "town_yaml_tab", rel, row=tab))
            return None
        scanning = str(getattr(exc, "context", "") or "").startswith("while scanning")
        mark = getattr(exc, "context_mark", None) if scanning else None
        mark = mark or getattr(exc, "problem_mark", None)
        found.issues.append(Issue("error", "town_yaml_invalid", rel, row=mark.line + 1 if mark else None))
        return None
    if not isinstance(root, yaml.MappingNode):
        found.issues.append(Issue("error", "town_yaml_invalid", rel, row=1))
        return None
    entries: list[tuple[int | None, str, object]] = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(value_node, yaml.ScalarNode):
            found.issues.append(Issue("error", "town_value_not_text", rel, row=line, column=str(key_node.value)))
            continue
        entries.append((line, str(key_node.value).strip(), value_node.value))
    return entries


def _town_text(value: object) -> str:
    if isinstance(value, XlCell):
        return "" if is_empty(value) else display(value).strip()
    return str(value).strip()


def _town(entries: list[tuple[int | None, str, object]], file: str, sheet: str | None, data_dir: Path,
          found: Found) -> None:
    values: dict[str, str] = {}
    rows: dict[str, int | None] = {}
    sessions: dict[int, list] = {}
    for row, key, raw in entries:
        name = key.strip().lower()
        per_year = re.fullmatch(r"(" + "|".join(TOWN_YEAR_KEYS) + r")_([12]\d{3})", name)
        if per_year:
            _year_key(per_year.group(1), int(per_year.group(2)), raw, (file, sheet, row, name), sessions, found)
            continue
        if name not in TOWN_KEYS:
            expected = [*TOWN_KEYS, *(f"{key}_AAAA" for key in TOWN_YEAR_KEYS)]
            found.issues.append(Issue("error", "town_key_unknown", file, sheet, row, name, name,
                                      params={"expected": ", ".join(expected)}))
            continue
        if name in values:
            found.issues.append(Issue("error", "town_key_duplicate", file, sheet, row, name, name,
                                      params={"first_row": rows[name] or ""}))
            continue
        value = _town_text(raw)
        if has_controls(value):
            found.issues.append(Issue("warning", "control_characters_removed", file, sheet, row, name,
                                      show_controls(value)[:60]))
            value = without_controls(value)
        if name == "insee_code" and isinstance(raw, XlCell) and isinstance(raw.value, (int, float)):
            value = f"{int(raw.value):05d}"  # Excel drops the leading zero of 02722
        if name == "postcode" and isinstance(raw, XlCell) and isinstance(raw.value, (int, float)):
            value = f"{int(raw.value):05d}"  # and of 02200
        values[name], rows[name] = value, row
    before = len([i for i in found.issues if i.severity == "error"])

    def error(code: str, key: str, **params: object) -> None:
        found.issues.append(Issue("error", code, file, sheet, rows.get(key), key, values.get(key, ""), params))

    if not values.get("name"):
        error("value_required", "name")
    insee = values.get("insee_code", "")
    if insee and not re.fullmatch(r"\d{5}|2[AB]\d{3}", insee.upper()):
        error("town_insee_invalid", "insee_code")
    postcode = values.get("postcode", "")
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        error("town_postcode_invalid", "postcode")
    lang = values.get("default_lang", "") or "fr"
    if lang not in LOCALES:
        error("town_lang_invalid", "default_lang", expected=", ".join(LOCALES))
    color = values.get("accent_color", "")
    if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        error("town_color_invalid", "accent_color")
    logo = values.get("logo", "").replace("\\", "/")
    if logo:
        logo_path = Path(logo)
        if logo_path.is_absolute() or ".." in logo_path.parts or re.match(r"^[A-Za-z]:", logo):
            error("town_logo_outside", "logo")
        elif logo_path.suffix.lower() not in LOGO_SUFFIXES:
            error("town_logo_format", "logo", expected=", ".join(LOGO_SUFFIXES))
        else:
            logo_entry = found.folder.entry(logo_path.as_posix())
            if logo_entry.kind == "outside":
                error("town_logo_outside", "logo")
            elif logo_entry.kind != "file":
                error("town_logo_missing", "logo")
            else:
                data = found.read(logo_path.as_posix(), MAX_LOGO_BYTES)
                if data is not None:
                    found.sources[logo_path.as_posix()] = sha256_bytes(data)
    slug = values.get("slug", "")
    # The town's slug names the output folder and files: the data folder's name made safe
    # for a file name and a URL ("Château Thierry" -> "chateau-thierry"), else the town's.
    folder_slug = slugify(data_dir.resolve().name)
    if slug and slug != data_dir.name and slug != folder_slug:
        found.issues.append(Issue("warning", "town_slug_mismatch", file, sheet, rows.get("slug"), "slug", slug,
                                  {"folder": data_dir.name}))
    if len([i for i in found.issues if i.severity == "error"]) > before:
        return
    found.town = Town(
        slug=folder_slug or slugify(values["name"]) or "commune",
        name=values["name"],
        insee_code=insee.upper(),
        department=values.get("department", ""),
        postcode=postcode,
        address=values.get("address", ""),
        phone=values.get("phone", ""),
        website=values.get("website", ""),
        logo=Path(logo).as_posix() if logo else "",
        default_lang=lang,
        accent_color=color.upper(),
        author=values.get("author", ""),
        contact=values.get("contact", ""),
        publication_url=values.get("publication_url", ""),
        cover_note=values.get("cover_note", ""),
        sessions={year: tuple(entry) for year, entry in sorted(sessions.items())},
    )


def _year_key(name: str, year: int, raw: object, where: tuple, sessions: dict[int, list], found: Found) -> None:
    """``council_date_2017`` or ``deliberation_2017``: the council session that receives a year's report."""
    file, sheet, row, key = where
    entry = sessions.setdefault(year, [None, "", ""])
    text = _town_text(raw)
    if name == "deliberation":
        entry[2] = text
        return
    if not text and not isinstance(raw, XlCell):
        return
    try:
        entry[0], entry[1] = parse_date(raw if isinstance(raw, XlCell) else text)
    except CellError as exc:
        found.issues.append(Issue("error", exc.code, file, sheet, row, key, text, dict(exc.params)))
