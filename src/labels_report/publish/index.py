"""The network's overview of a year: an index page linking every town's report, and its summary.

``<out>/_reseau/<year>/`` holds:

* ``index.html``: one self-contained page (its style and script inside: it works
  offline, from a USB key as from the web site), accessible, where the towns can
  be searched (name, département, INSEE code; accents, hyphens and ``St`` folded)
  and sorted by commune, département and level, each with links to its reports;
  and the network's summary for the year of every network label the towns hold
  (towns per level and per département, up- and downgrades since the year before,
  new and withdrawn towns);
* ``communes-<year>.csv``: one row per town and label, and ``synthese-<year>.csv``:
  the summary's figures, one per row (CSV cells a spreadsheet would run are inert);
* ``manifest.json``: what the page was made from. When nothing changed (the towns'
  data, their published reports, the package), the page is not written again.

Every string from the data is escaped where it enters the page. The folder is
published like a report: whole, in one step.
"""

from __future__ import annotations

import csv
import html
import io
import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from labels_report.core.files import sha256_text
from labels_report.core.i18n import Catalogue, catalogue
from labels_report.core.text import typographic
from labels_report.data.dataset import Dataset
from labels_report.data.folder import fingerprint
from labels_report.data.load import load
from labels_report.data.palmares import NETWORK_LABELS
from labels_report.data.places import commune_key, department_label
from labels_report.model.network import (
    Change,
    NetworkSummary,
    TownLine,
    network_labels,
    network_summary,
    town_department,
)
from labels_report.publish.exports import inert
from labels_report.publish.manifest import MANIFEST, package_digest, read_manifest
from labels_report.publish.publication import STAGING, private_name, publish

CSV_CHANGES = {Change.NEW: ("nouvelle", "nouvelles"), Change.WITHDRAWN: ("retiree", "retirees"),
               Change.UP: ("hausse", "hausses"), Change.DOWN: ("baisse", "baisses"), Change.SAME: ("stable", "stables")}
"""How the CSV files name a change: for one town, and as a count of towns."""
NETWORK_FOLDER = "_reseau"
"""Where the network's pages go in the output folder (a town's slug never starts with ``_``)."""
INDEX = "index.html"


@dataclass(frozen=True)
class NetworkIndex:
    folder: Path
    page: Path
    towns_csv: Path
    summary_csv: Path
    summaries: tuple[NetworkSummary, ...]
    unchanged: bool = False


@dataclass(frozen=True)
class _Town:
    folder: Path
    data: Dataset | None
    reports: tuple[tuple[str, dict[str, str]], ...]
    """(edition folder, {"pdf"/"html": path from the index}) of every report published for the year."""


def index_folder(out_root: Path, year: int) -> Path:
    return out_root / NETWORK_FOLDER / str(year)


def write_index(root: Path, out_root: Path, year: int, folders: Sequence[Path], lang: str = "fr") -> NetworkIndex:
    """Write (or find up to date) the index page and the summary of the towns in ``folders``."""
    destination = index_folder(out_root, year)
    names = _names(year)
    key = _key(out_root, year, folders, lang)
    manifest = read_manifest(destination)
    if manifest is not None and manifest.get("key") == key and all((destination / n).is_file() for n in names):
        return NetworkIndex(destination, *(destination / n for n in names), (), unchanged=True)
    towns = [_Town(folder, load(folder)[0], _reports(out_root, folder.name, year)) for folder in folders]
    datasets = [town.data for town in towns if town.data is not None]
    labels = network_labels(datasets, list(NETWORK_LABELS.values()))
    summaries = tuple(network_summary(datasets, label, year) for label in labels)
    cat = catalogue(lang)
    staging = out_root / STAGING / private_name(uuid.uuid4().hex[:8])
    staging.mkdir(parents=True)
    try:
        (staging / names[0]).write_text(_page(towns, summaries, year, cat), encoding="utf-8")
        (staging / names[1]).write_text(_towns_csv(towns, summaries, year), encoding="utf-8")
        (staging / names[2]).write_text(_summary_csv(summaries), encoding="utf-8")
        (staging / MANIFEST).write_text(json.dumps({"key": key, "year": year, "lang": lang,
                                                    "towns": [f.name for f in folders]}, indent=2) + "\n", "utf-8")
        publish(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NetworkIndex(destination, *(destination / n for n in names), summaries)


def _names(year: int) -> tuple[str, str, str]:
    return INDEX, f"communes-{year}.csv", f"synthese-{year}.csv"


def _key(out_root: Path, year: int, folders: Sequence[Path], lang: str) -> str:
    """What the page is made of: the package, the towns' data and the reports published for the year."""
    parts = [package_digest(), str(year), lang]
    for folder in folders:
        parts += [folder.name, fingerprint(folder)]
        for edition, _files in _reports(out_root, folder.name, year):
            manifest = read_manifest(out_root / folder.name / str(year) / edition) or {}
            parts += [edition, str(manifest.get("build_key", ""))]
    return sha256_text(*parts)


def _reports(out_root: Path, town: str, year: int) -> tuple[tuple[str, dict[str, str]], ...]:
    """The reports published for ``town`` and ``year``, with the links the index gives them."""
    base = out_root / town / str(year)
    found = []
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
            manifest = read_manifest(folder)
            if manifest is None:
                continue
            files = {}
            for name in manifest.get("outputs", {}):
                suffix = Path(name).suffix.lstrip(".")
                if "/" not in name and suffix in ("pdf", "html") and (folder / name).is_file():
                    files[suffix] = "../../" + "/".join(quote(part) for part in (town, str(year), folder.name, name))
            if files:
                found.append((folder.name, files))
    return tuple(found)


# -- the page ------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _t(cat: Catalogue, key: str, **params: object) -> str:
    """A message of the page, with French typography, escaped."""
    return _e(typographic(cat.text(key, **params)))


def _resource(name: str) -> str:
    return resources.files("labels_report").joinpath("resources", "network", name).read_text("utf-8")


def _level_text(level: int | None, held: bool, cat: Catalogue) -> str:
    if not held:
        return cat.text("index.not_held")
    return cat.text("value.unknown") if level is None else str(level)


def _change_text(line: TownLine, cat: Catalogue) -> str:
    change = line.change
    if change is None:
        return ""
    if change in (Change.UP, Change.DOWN):
        return cat.text(f"index.change.{change}", before=line.level_before, now=line.level)
    return cat.text(f"index.change.{change}")


def _page(towns: Sequence[_Town], summaries: Sequence[NetworkSummary], year: int, cat: Catalogue) -> str:
    lines = {(s.label.label_id, line.slug): line for s in summaries for line in s.towns}
    parts = [f'<!DOCTYPE html>\n<html lang="{_e(cat.lang)}">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{_t(cat, 'index.title', year=year)}</title>\n<style>\n{_resource('index.css')}</style>\n"
             "</head>\n<body>\n"
             f'<a class="skip-link" href="#main">{_t(cat, "index.skip")}</a>\n'
             f'<header><div class="wrap"><h1>{_t(cat, "index.title", year=year)}</h1>'
             f'<p>{_e(typographic(cat.plural("index.towns", len(towns))))}</p></div></header>\n'
             '<main id="main" tabindex="-1"><div class="wrap">\n']
    for summary in summaries:
        parts.append(_summary_html(summary, cat))
    parts.append(_towns_html(towns, summaries, lines, year, cat))
    forms = cat.messages["index.shown"]  # the count's plural forms, for the page's script to fill
    words = json.dumps({"one": typographic(forms["one"]), "other": typographic(forms["other"])}).replace("<", "\\u003c")
    parts.append("</div></main>\n"
                 f'<footer><div class="wrap"><p>{_t(cat, "index.data")} '
                 f'<a href="communes-{year}.csv">communes-{year}.csv</a> · '
                 f'<a href="synthese-{year}.csv">synthese-{year}.csv</a></p></div></footer>\n'
                 f'<script type="application/json" id="words">{words}</script>\n'
                 f"<script>\n{_resource('index.js')}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _summary_html(summary: NetworkSummary, cat: Catalogue) -> str:
    label, year = summary.label, summary.year
    anchor = f"label-{label.label_id}"
    changes = summary.changes()
    figures = [("index.figure.members", len(summary.members)), ("index.figure.new", changes[Change.NEW]),
               ("index.figure.withdrawn", changes[Change.WITHDRAWN]), ("index.figure.up", changes[Change.UP]),
               ("index.figure.down", changes[Change.DOWN])]
    out = [f'<section aria-labelledby="{anchor}">\n<h2 id="{anchor}">'
           f'{_t(cat, "index.summary_title", label=label.name, year=year)}</h2>\n<ul class="figures">']
    out += [f"<li><strong>{count}</strong> {_t(cat, key, before=year - 1)}</li>" for key, count in figures]
    out.append("</ul>\n")
    levels = list(range(1, (label.level_max or 0) + 1))
    by_level = summary.by_level()
    if levels:
        out.append(f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{anchor}-levels">'
                   f'<table><caption id="{anchor}-levels">{_t(cat, "index.by_level", unit=label.level_unit)}</caption>'
                   f'<thead><tr><th scope="col">{_t(cat, "index.column.level")}</th>'
                   f'<th scope="col" class="number">{_t(cat, "index.column.towns")}</th></tr></thead><tbody>')
        for level in [*levels, None]:
            if level is None and not by_level.get(None):
                continue
            shown = _e(level) if level is not None else _t(cat, "value.unknown")
            out.append(f'<tr><th scope="row">{shown}</th><td class="number">{by_level.get(level, 0)}</td></tr>')
        out.append("</tbody></table></div>\n")
    columns = [*levels, None] if levels else [None]
    out.append(f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{anchor}-departments">'
               f'<table><caption id="{anchor}-departments">{_t(cat, "index.by_department")}</caption><thead><tr>'
               f'<th scope="col">{_t(cat, "index.column.department")}</th>')
    for level in columns[:-1] if levels else []:
        out.append(f'<th scope="col" class="number">{_t(cat, "index.column.at_level", level=level)}</th>')
    out.append(f'<th scope="col" class="number">{_t(cat, "index.column.total")}</th></tr></thead><tbody>')
    for code, counts in summary.by_department().items():
        name = department_label(code) or cat.text("value.unknown")
        cells = "".join(f'<td class="number">{counts.get(level, 0)}</td>' for level in (levels or []))
        out.append(f'<tr><th scope="row">{_e(name)}</th>{cells}<td class="number">{sum(counts.values())}</td></tr>')
    out.append("</tbody></table></div>\n</section>\n")
    return "".join(out)


def _towns_html(towns: Sequence[_Town], summaries: Sequence[NetworkSummary], lines: dict, year: int,
                cat: Catalogue) -> str:
    head = [f'<th scope="col" aria-sort="ascending"><button type="button">{_t(cat, "index.column.commune")}</button></th>',
            f'<th scope="col"><button type="button">{_t(cat, "index.column.department")}</button></th>']
    for summary in summaries:
        head.append(f'<th scope="col" class="number"><button type="button">'
                    f'{_t(cat, "index.column.label_level", label=summary.label.name, year=year)}</button></th>')
        head.append(f'<th scope="col">{_t(cat, "index.column.change", before=year - 1)}</th>')
    head.append(f'<th scope="col">{_t(cat, "index.column.reports")}</th>')
    rows = []
    for town in sorted(towns, key=lambda t: (commune_key(t.data.town.name) if t.data else t.folder.name)):
        rows.append(_town_row(town, summaries, lines, cat))
    return (f'<section aria-labelledby="towns-title">\n<h2 id="towns-title">{_t(cat, "index.towns_title", year=year)}'
            f'</h2>\n<div class="search"><label for="search">{_t(cat, "index.search")}</label>'
            f'<input type="search" id="search" autocomplete="off" aria-describedby="count"></div>\n'
            f'<p id="count" class="count" role="status">{_e(typographic(cat.plural("index.shown", len(towns))))}</p>\n'
            f'<div class="scroll" role="region" tabindex="0" aria-labelledby="towns-caption">'
            f'<table id="towns"><caption id="towns-caption">{_t(cat, "index.towns_caption", year=year)}</caption>'
            f'<thead><tr>{"".join(head)}</tr></thead>\n<tbody>\n{"".join(rows)}</tbody></table></div>\n</section>\n')


def _town_row(town: _Town, summaries: Sequence[NetworkSummary], lines: dict, cat: Catalogue) -> str:
    data = town.data
    if data is None:
        name, code, insee, slug = town.folder.name, "", "", town.folder.name
    else:
        slug, name, insee, code = data.town.slug, data.town.name, data.town.insee_code, town_department(data.town)
    department = department_label(code)
    search = " ".join(part for part in (commune_key(name), commune_key(department), insee.lower()) if part)
    cells = [f'<td data-sort="{_e(commune_key(name))}">{_e(name)}</td>',
             f'<td data-sort="{_e(code)}">{_e(department) if department else _missing(cat)}</td>']
    for summary in summaries:
        line = lines.get((summary.label.label_id, slug))
        if line is None:
            cells.append('<td class="number" data-sort=""></td><td></td>')
            continue
        sort = "" if not line.held else (line.level if line.level is not None else 0)
        cells.append(f'<td class="number" data-sort="{sort}">{_e(_level_text(line.level, line.held, cat))}</td>'
                     f"<td>{_e(_change_text(line, cat))}</td>")
    links = []
    for edition, files in town.reports:
        for kind in ("html", "pdf"):
            if kind in files:
                text = cat.text(f"index.link.{kind}", edition=edition)
                links.append(f'<a href="{_e(files[kind])}">{_e(typographic(text))}</a>')
    if data is None:
        cells.append(f'<td class="missing">{_t(cat, "index.data_errors")}</td>')
    else:
        cells.append(f"<td>{' · '.join(links)}</td>" if links else f'<td class="missing">{_t(cat, "index.no_report")}</td>')
    return f'<tr data-search="{_e(search)}">{"".join(cells)}</tr>\n'


def _missing(cat: Catalogue) -> str:
    return f'<span class="missing">{_t(cat, "value.unknown")}</span>'


# -- the CSV files --------------------------------------------------------------------------------


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else inert(value) for value in row])
    return buffer.getvalue()


def _towns_csv(towns: Sequence[_Town], summaries: Sequence[NetworkSummary], year: int) -> str:
    """One row per town and network label: where it stands this year and the year before."""
    reports = {town.folder.name: town.reports for town in towns}
    rows: list[list[object]] = []
    for summary in summaries:
        for line in summary.towns:
            links = " ".join(files.get("html", files.get("pdf", "")) for _, files in reports.get(line.slug, ()))
            rows.append([line.name, line.insee, line.department, summary.label.label_id,
                         line.level_before if line.held_before else None, line.level if line.held else None,
                         int(line.held_before), int(line.held),
                         CSV_CHANGES[line.change][0] if line.change else "", links])
    return _csv(["commune", "code_insee", "departement", "label", f"niveau_{year - 1}", f"niveau_{year}",
                 f"labellisee_{year - 1}", f"labellisee_{year}", "evolution", "rapports"], rows)


def _summary_csv(summaries: Sequence[NetworkSummary]) -> str:
    """The summary's figures, one per row: ``labellisees`` by département ("" for all) and level
    ("" for all levels), and the ``nouvelles``, ``retirees``, ``hausses``, ``baisses`` since the year before."""
    rows: list[list[object]] = []
    for summary in summaries:
        label = summary.label.label_id
        rows.append([label, summary.year, "labellisees", "", "", len(summary.members)])
        for level, count in sorted(summary.by_level().items(), key=lambda item: (item[0] is None, item[0] or 0)):
            rows.append([label, summary.year, "labellisees", "", level, count])
        for code, counts in summary.by_department().items():
            rows.append([label, summary.year, "labellisees", code, "", sum(counts.values())])
            for level, count in sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0)):
                rows.append([label, summary.year, "labellisees", code, level, count])
        changes = summary.changes()
        for change in (Change.NEW, Change.WITHDRAWN, Change.UP, Change.DOWN):
            rows.append([label, summary.year, CSV_CHANGES[change][1], "", "", changes[change]])
    return _csv(["label", "annee", "indicateur", "departement", "niveau", "communes"], rows)
