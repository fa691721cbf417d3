"""``manifest.json``, and knowing without building that a published report is up to date.

A report is the product of its inputs: the town's data files, the parameters,
the chapter notebooks, the project file and its profiles, the look
(``report/``), the package itself, the render engine and its version, and
``SOURCE_DATE_EPOCH``. The *build key* is one digest of all of them; the
manifest records it. A build whose key equals the published manifest's, and
whose published files still have the digests the manifest lists, has nothing
to do.

This module is light on purpose (no pandas, no engine): the command checks
whether anything needs doing before it loads any of the heavy machinery.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import labels_report
from labels_report.core.files import digest_files, sha256_file, sha256_text, tree_files
from labels_report.core.project import CONFIG, Project
from labels_report.core.text import slugify
from labels_report.data.folder import fingerprint
from labels_report.publish.versions import ENGINE_VERSIONS

MANIFEST = "manifest.json"
KEY_FORMAT = "1"
"""Changes when what the build key covers changes: every earlier report is then rebuilt."""


@dataclass(frozen=True)
class ReportId:
    """Which report: what decides its folder and its content, apart from the files."""

    year: int
    edition: str
    lang: str
    as_of: dt.date
    horizon_months: int

    def parameters(self) -> dict[str, object]:
        return {"year": self.year, "edition": self.edition, "lang": self.lang, "as_of": self.as_of.isoformat(),
                "horizon_months": self.horizon_months}


def folder_name(edition: str, lang: str, town_lang: str) -> str:
    """``<edition>``; ``<edition>-<lang>`` for a language other than the town's own."""
    return edition if lang == town_lang else f"{edition}-{lang}"


def output_folder(out_root: Path, town: str, report: ReportId, town_lang: str) -> Path:
    """``<out>/<town>/<year>/<edition>[-<lang>]``: where a report is published."""
    return out_root / town / str(report.year) / folder_name(report.edition, report.lang, town_lang)


@cache
def _package_digest() -> str:
    folder = Path(labels_report.__file__).resolve().parent
    return digest_files(tree_files(folder), folder)


def package_digest() -> str:
    """One digest of the package's own files: what a page the package writes also depends on."""
    return _package_digest()


def project_files(project: Project, config: Mapping[str, Any], profiles: Sequence[str]) -> list[Path]:
    """The project's files a report depends on: the project file and its profiles, the index
    page, the chapter notebooks, and everything in ``report/``."""
    root = project.root
    files = [root / CONFIG, *(root / f"_quarto-{p}.yml" for p in profiles), root / "index.qmd",
             *(root / c for c in project.chapters(dict(config)))]
    existing = [p for p in files if p.is_file()]
    return existing + (tree_files(project.report_dir) if project.report_dir.is_dir() else [])


def build_key(*, project: Project, config: Mapping[str, Any], report: ReportId, data_digest: str,
              engine: str) -> str:
    """One digest of everything the report is made from (see the module's docstring)."""
    profiles = (report.edition, report.lang)
    return sha256_text(
        KEY_FORMAT, labels_report.__version__, _package_digest(),
        digest_files(project_files(project, config, profiles), project.root),
        data_digest, json.dumps(report.parameters(), sort_keys=True),
        engine, ENGINE_VERSIONS[engine](), os.environ.get("SOURCE_DATE_EPOCH", "").strip(),
    )


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def up_to_date(folder: Path, key: str) -> bool:
    """The report published in ``folder`` was built from the same key, and its files are intact."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("build_key") != key:
        return False
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    for name, digest in outputs.items():
        path = folder / name
        if ".." in Path(name).parts or not path.is_file() or sha256_file(path) != digest:
            return False
    return True


def unchanged_reports(*, project: Project, data_dir: Path, out_root: Path, year: int, editions: Sequence[str],
                      langs: Sequence[str] | None, as_of: dt.date | None, horizon_months: int,
                      engine: str) -> list[Path] | None:
    """The published folders of the reports asked for, when every one of them is up to date; else None.

    Needs no loading of the data: the town's folder name gives its slug, and when no
    language is asked for, the manifest of the town's own edition tells the town's
    language (same data, same language)."""
    town = slugify(data_dir.name)
    if not town or not data_dir.is_dir():
        return None
    data_digest = fingerprint(data_dir)
    reference = as_of or dt.date(year, 12, 31)
    folders = []
    for edition in editions:
        own = read_manifest(out_root / town / str(year) / edition)
        town_lang = str((own or {}).get("town_lang") or "")
        if not town_lang:
            return None
        for lang in langs or [town_lang]:
            report = ReportId(year, edition, lang, reference, horizon_months)
            config = project.config(edition, lang)
            folder = output_folder(out_root, town, report, town_lang)
            key = build_key(project=project, config=config, report=report, data_digest=data_digest, engine=engine)
            if not up_to_date(folder, key):
                return None
            folders.append(folder)
    return folders
