"""The town's identity: ``town.yml``, or the town sheet of the workbook (``Commune``, or ``town``
in the English workbook of earlier versions), or both when they agree."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from labels_report.core.errors import Issue
from labels_report.core.files import sha256_bytes
from labels_report.core.i18n import LOCALES
from labels_report.core.text import closest, has_controls, show_controls, slugify, without_controls
from labels_report.data.contract import LOGO_SUFFIXES, TOWN_FILE, TOWN_KEYS, TOWN_SHEET, TOWN_YEAR_KEYS, header_key, town_key
from labels_report.data.dataset import Town
from labels_report.data.folder import MAX_LOGO_BYTES, MAX_TEXT_BYTES
from labels_report.data.found import Found
from labels_report.data.reading import CellError, Workbook, XlCell, decode, display, is_empty, parse_date


def read_town(data_dir: Path, workbook: Workbook | None, found: Found) -> None:
    """The town, from ``town.yml`` or the workbook's town sheet, or both when they agree: a key given
    in one only is taken from it, a key given in both with two values is an error naming both."""
    candidates = [e for e in found.folder.entries() if e.name.lower() in (TOWN_FILE, "town.yaml")]
    entry = next((e for e in candidates if e.name == TOWN_FILE), candidates[0] if candidates else None)
    if entry is not None and entry.kind == "outside":
        found.issues.append(Issue("error", "file_outside_folder", entry.name, value=entry.target))
        return
    sources: list[Source] = []
    if entry is not None and entry.kind == "file":
        rel = entry.name
        data = found.read(rel, MAX_TEXT_BYTES)
        if data is None:
            return
        found.sources[rel] = sha256_bytes(data)
        entries = _town_yml(data, rel, found)
        if entries is None:
            return
        sources.append(Source(entries, rel, None))
    if workbook is not None and workbook.town is not None:
        filled = any(not is_empty(value) for _, _, value in workbook.town)
        if filled or not sources:  # an empty town sheet beside town.yml says nothing
            sources.append(Source(list(workbook.town), workbook.file, workbook.town_sheet))
    if sources:
        _town(sources, data_dir, found)
    elif not found.workbook_unread:
        found.issues.append(Issue("error", "town_missing", TOWN_FILE, value=TOWN_FILE))


@dataclass(frozen=True)
class Source:
    """Where the town is described: ``town.yml`` (no sheet) or a workbook's town sheet, as
    (row, key as typed, value) entries."""

    entries: list[tuple[int | None, str, object]]
    file: str
    sheet: str | None


@dataclass(frozen=True)
class Given:
    """A town key given by a source: its value, and where (file, sheet, row, the key as typed)."""

    value: object
    shown: str
    file: str
    sheet: str | None
    row: int | None
    key: str


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


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def _town(sources: list[Source], data_dir: Path, found: Found) -> None:
    given: dict[str, Given] = {}
    listed: dict[str, Given] = {}
    """Keys present but left empty, where they are first listed (the place to fill them in)."""
    for source in sources:
        seen: dict[str, int | None] = {}
        for row, key, raw in source.entries:
            named = town_key(key)
            if named is None:
                lang = "en" if source.sheet is None or header_key(source.sheet) == TOWN_SHEET else "fr"
                expected = [*(k.key(lang) for k in TOWN_KEYS.values()),
                            *(f"{k.key(lang)}_AAAA" for k in TOWN_YEAR_KEYS.values())]
                found.issues.append(Issue("error", "town_key_unknown", source.file, source.sheet, row, key, key,
                                          params={"expected": ", ".join(expected),
                                                  "suggestion": closest(key, expected) or ""}))
                continue
            name = named[0] if named[1] is None else f"{named[0]}_{named[1]}"
            if name in seen:
                found.issues.append(Issue("error", "town_key_duplicate", source.file, source.sheet, row, key, key,
                                          params={"first_row": seen[name] or ""}))
                continue
            seen[name] = row
            value, shown = _town_value(named, raw, (source.file, source.sheet, row, key), found)
            if value is None or value == "":
                listed.setdefault(name, Given("", "", source.file, source.sheet, row, key))
                continue
            first = given.get(name)
            if first is None:
                given[name] = Given(value, shown, source.file, source.sheet, row, key)
            elif not _same(first.value, value):
                # Two descriptions of the town that disagree: which one is right only the clerk knows.
                other = first.file + (f" [{first.sheet}]" if first.sheet else "")
                found.issues.append(Issue("error", "town_sources_disagree", source.file, source.sheet, row, key,
                                          shown, {"other": first.shown, "other_file": other,
                                                  "other_row": first.row or ""}))
    values = {name: str(g.value) for name, g in given.items() if isinstance(g.value, str)}
    before = len([i for i in found.issues if i.severity == "error"])

    def where(key: str) -> Given:
        return given.get(key) or listed.get(key) or Given("", "", sources[0].file, sources[0].sheet, None, key)

    def error(code: str, key: str, **params: object) -> None:
        at = where(key)
        found.issues.append(Issue("error", code, at.file, at.sheet, at.row, at.key, values.get(key, ""), params))

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
        at = where("slug")
        found.issues.append(Issue("warning", "town_slug_mismatch", at.file, at.sheet, at.row, at.key, slug,
                                  {"folder": data_dir.name}))
    if len([i for i in found.issues if i.severity == "error"]) > before:
        return
    sessions: dict[int, tuple[dt.date | None, str, str]] = {}
    for name, value in given.items():
        per_year = re.fullmatch(r"(council_date|deliberation)_(\d{4})", name)
        if per_year:
            date, precision, reference = sessions.get(int(per_year.group(2)), (None, "", ""))
            if per_year.group(1) == "deliberation":
                reference = str(value.value)
            else:
                date, precision = value.value  # type: ignore[misc]
            sessions[int(per_year.group(2))] = (date, precision, reference)
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
        sessions=dict(sorted(sessions.items())),
    )


def _town_value(named: tuple[str, int | None], raw: object, where: tuple, found: Found) -> tuple[object, str]:
    """The value of a town key as compared between sources and kept, and as shown in a message:
    text for most keys, (date, precision) for a council date; None when it cannot be read."""
    file, sheet, row, key = where
    name, year = named
    text = _town_text(raw)
    if has_controls(text):
        found.issues.append(Issue("warning", "control_characters_removed", file, sheet, row, key,
                                  show_controls(text)[:60]))
        text = without_controls(text)
    if name == "insee_code" and isinstance(raw, XlCell) and isinstance(raw.value, (int, float)):
        text = f"{int(raw.value):05d}"  # Excel drops the leading zero of 02722
    if name == "postcode" and isinstance(raw, XlCell) and isinstance(raw.value, (int, float)):
        text = f"{int(raw.value):05d}"  # and of 02200
    if name != "council_date" or year is None or not text:
        return text, text
    try:
        return parse_date(raw if isinstance(raw, XlCell) else text), text
    except CellError as exc:
        found.issues.append(Issue("error", exc.code, file, sheet, row, key, text, dict(exc.params)))
        return None, text
