"""The built-in render engine: Pandoc + Typst, the engines Quarto drives.

``render_html`` writes the public edition (one self-contained, accessible
HTML page); ``render_pdf`` writes the council's edition (an A4 PDF/A-2b and
PDF/UA-1 made by Typst). Both read the same Pandoc Markdown body and the same
metadata; the look lives in ``report/`` (templates, stylesheet, Lua filter).

Safety does not rest on escaping alone: Pandoc always runs with ``--sandbox``
and reads Markdown with raw HTML, raw TeX and raw attributes disabled, the
Lua filter ``report/filters/report.lua`` keeps only the figures and the logo
as images, and Typst cannot read outside the build folder.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pypandoc

from labels_report.chapters.escape import md_text
from labels_report.core.errors import ParameterError, RenderError
from labels_report.core.files import write_atomically
from labels_report.core.project import FONTS_FOLDER, REPORT_FOLDER, source_project

LUA_FILTER = Path("filters") / "report.lua"
HTML_TEMPLATE = Path("html") / "template.html"
TYPST_TEMPLATE = Path("typst") / "template.typ"

# Raw HTML / TeX / attributes off: no data string can reach the output as code.
MARKDOWN_READER = "markdown-raw_html-raw_tex-raw_attribute"
PDF_STANDARDS = ["a-2b", "ua-1"]
TOC_DEPTH = 2  # chapters and their sections
_PAPER = re.compile(r"^[a-z0-9-]{1,24}$")
_NUMBERING = re.compile(r"^[1aAiI](\.[1aAiI])*\.?$")
DEFAULT_ACCENT = "#1f4e79"
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
# Backgrounds coloured text sits on (report.css: page, contents and downloads boxes).
TEXT_BACKGROUNDS = ("#ffffff", "#f6f6f6")

# Texts used when the caller leaves a key out, by language (plain text; they
# are escaped like any other string). The caller normally sends them from
# the message catalogue.
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "toc-title": "Sommaire",
        "nav-label": "Sommaire",
        "skip-label": "Aller au contenu",
        "page-label": "Page",
        "figure-label": "Figure",
        "table-label": "Tableau",
        "downloads-title": "Télécharger les données",
    },
    "en": {
        "toc-title": "Contents",
        "nav-label": "Contents",
        "skip-label": "Skip to content",
        "page-label": "Page",
        "figure-label": "Figure",
        "table-label": "Table",
        "downloads-title": "Download the data",
    },
}

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
# Keys this module computes itself: never passed through from the caller.
_COMPUTED_KEYS = {"lang", "accent", "accent-text", "accent-tint", "logo", "logo-src", "cover-logo",
                  "downloads", "labels-report-root"}


@dataclass(frozen=True)
class RenderInput:
    """Everything one render needs; see the module docstring."""

    build_dir: Path
    markdown: str
    metadata: Mapping[str, object]
    basename: str
    source_date_epoch: int | None = None
    report_dir: Path | None = None
    """The report/ folder to use; default: that of the project this package comes with."""
    formats: Mapping[str, object] = field(default_factory=dict)
    """The ``format`` section of ``_quarto.yml`` (``html``/``typst`` options such as
    ``toc``, ``number-sections``, ``papersize``, ``section-numbering``), so that both
    engines follow the same project file."""


def _option(doc: RenderInput, fmt: str, key: str, default: object) -> object:
    options = doc.formats.get(fmt)
    return options.get(key, default) if isinstance(options, Mapping) else default


def _format_arguments(doc: RenderInput, fmt: str, toc_depth: int) -> list[str]:
    arguments = []
    if _option(doc, fmt, "toc", True):
        depth = _option(doc, fmt, "toc-depth", toc_depth)
        if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 6:
            raise ParameterError(f"_quarto.yml format.{fmt}.toc-depth is not a heading level (1-6): {depth!r}")
        arguments += ["--toc", f"--toc-depth={depth}"]
    return arguments


def render_html(doc: RenderInput) -> Path:
    """Write ``build_dir/<basename>.html`` (self-contained, no script) and return its path.

    Byte-identical for identical inputs. Raises ``RenderError`` if Pandoc fails
    and ``ParameterError`` for invalid metadata (language, colour, logo, downloads).
    """
    build_dir = _build_dir(doc)
    metadata = _metadata(doc, build_dir)
    if not metadata.get("title"):
        raise RenderError("pandoc", "the metadata has no 'title': the page needs one")
    report_dir = _report_dir(doc)
    html = _pandoc(doc.markdown, "html5", metadata, build_dir, report_dir, [
        f"--template={report_dir / HTML_TEMPLATE}",
        "--shift-heading-level-by=1",  # the title is the page's <h1>, chapters are <h2>
        *(["--number-sections"] if _option(doc, "html", "number-sections", True) else []),
        "--section-divs",
        *_format_arguments(doc, "html", TOC_DEPTH + 1),  # depth counted after the shift
    ])
    return write_atomically(build_dir / f"{doc.basename}.html", html.encode("utf-8"))


def render_pdf(doc: RenderInput) -> Path:
    """Write ``build_dir/<basename>.typ`` then ``build_dir/<basename>.pdf`` and return the PDF's path.

    The PDF is A4, PDF/A-2b and PDF/UA-1: Typst refuses a document without a
    title or an image without alternative text. With ``source_date_epoch`` the
    PDF is reproducible. Raises ``RenderError`` if Pandoc or Typst fails.
    """
    build_dir = _build_dir(doc)
    metadata = _metadata(doc, build_dir)
    report_dir = _report_dir(doc)
    paper = str(_option(doc, "typst", "papersize", "a4"))
    if not _PAPER.match(paper):
        raise ParameterError("config_invalid", key="format.typst.papersize", value=paper)
    metadata["papersize"] = paper
    numbering = _option(doc, "typst", "section-numbering", "1.1")
    if not _option(doc, "typst", "number-sections", True):
        numbering = None
    if numbering is not None and not _NUMBERING.match(str(numbering)):
        raise ParameterError("config_invalid", key="format.typst.section-numbering", value=str(numbering))
    if numbering:
        metadata["section-numbering"] = str(numbering)
    else:
        metadata["unnumbered-sections"] = True
    source = _pandoc(doc.markdown, "typst", metadata, build_dir, report_dir, [
        f"--template={report_dir / TYPST_TEMPLATE}",
        *_format_arguments(doc, "typst", TOC_DEPTH),
    ])
    typ_path = write_atomically(build_dir / f"{doc.basename}.typ", source.encode("utf-8"))
    pdf = compile_pdf({"input": str(typ_path), "root": str(build_dir), "font_paths": pdf_font_paths(report_dir),
                       "ignore_system_fonts": True, "pdf_standards": PDF_STANDARDS,
                       "timestamp": doc.source_date_epoch})
    return write_atomically(build_dir / f"{doc.basename}.pdf", pdf)


TYPST_PROCESS = Path(__file__).with_name("typst_process.py")


def compile_pdf(arguments: Mapping[str, Any]) -> bytes:
    """The PDF Typst compiles with ``arguments`` (those of ``typst.compile``), compiled in a process
    of its own (see :mod:`labels_report.publish.typst_process`: Typst keeps what it laid out in
    the memory of its process). Raises ``RenderError`` with Typst's diagnostic when it fails."""
    try:
        run = subprocess.run([sys.executable, str(TYPST_PROCESS)], input=json.dumps(dict(arguments)).encode("utf-8"),
                             capture_output=True, check=False)
    except OSError as error:
        raise RenderError("typst", f"{type(error).__name__}: {error}") from error
    if run.returncode == 0 and run.stdout.startswith(b"%PDF"):
        return run.stdout
    try:
        failure = json.loads(run.stderr.decode("utf-8", "replace"))
    except ValueError:  # the process itself failed (killed, out of memory): its last words
        lines = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError("typst", "\n".join(lines[-5:]) or f"exit code {run.returncode}") from None
    raise RenderError("typst", _typst_message(SimpleNamespace(**failure)))


def pdf_font_paths(report_dir: Path) -> list[str]:
    """Where Typst finds fonts besides its own: the project's ``report/fonts/`` (fallbacks for
    Chinese, Japanese, Korean and emoji) and matplotlib's fonts (DejaVu Sans: Arabic, Greek,
    Cyrillic, symbols; LastResortHE, a box per Unicode block for a character no other font
    has). Fonts that come with the project and its wheels, never the machine's: a name typed
    in any script prints, and no character can stop the PDF/A build."""
    import matplotlib

    paths = [report_dir / FONTS_FOLDER, Path(matplotlib.get_data_path()) / "fonts" / "ttf"]
    return [str(path) for path in paths if path.is_dir()]


# Pandoc ----------------------------------------------------------------------


def _pandoc(markdown: str, to: str, metadata: Mapping[str, Any], build_dir: Path, report_dir: Path,
            extra: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="labels-report-") as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        args = [
            "--standalone",
            "--wrap=none",
            f"--lua-filter={report_dir / LUA_FILTER}",
            f"--metadata-file={metadata_file}",
            # The filter reads figures from here. A -M value reaches the
            # filter as a literal string (not Markdown, not YAML).
            f"--metadata=labels-report-root={build_dir}",
            *extra,
        ]
        try:
            return pypandoc.convert_text(markdown, to, format=MARKDOWN_READER, extra_args=args,
                                         sandbox=True, verify_format=False)
        except (RuntimeError, OSError) as error:
            raise RenderError("pandoc", str(error).strip()) from error


def _metadata(doc: RenderInput, build_dir: Path) -> dict[str, Any]:
    """The metadata handed to Pandoc: defaults, the caller's values, checked and computed keys.

    Every string is Pandoc Markdown (escaped), as the caller's strings are.
    """
    given = dict(doc.metadata)
    lang = _unescape(str(given.get("lang") or "fr"))
    if not _LANG.match(lang):
        raise ParameterError("metadata_invalid", key="lang", value=lang)
    texts = DEFAULT_TEXTS.get(lang.split("-")[0].lower(), DEFAULT_TEXTS["en"])
    metadata: dict[str, Any] = {key: md_text(value) for key, value in texts.items()}
    for key, value in given.items():
        if key not in _COMPUTED_KEYS and value is not None and value != "":
            metadata[key] = value
    metadata["lang"] = lang

    accent = _unescape(str(given.get("accent") or DEFAULT_ACCENT))
    if not _COLOUR.match(accent):
        raise ParameterError("metadata_invalid", key="accent", value=accent)
    accent = accent.lower()
    metadata["accent"] = md_text(accent)
    metadata["accent-text"] = md_text(readable_text_colour(accent))
    metadata["accent-tint"] = md_text(_mix(accent, "#ffffff", 0.9))

    if given.get("logo"):
        metadata["logo"] = md_text(_checked_logo(_unescape(str(given["logo"])), build_dir))

    downloads = given.get("downloads") or []
    if downloads:
        metadata["downloads"] = [_checked_download(item) for item in downloads]  # type: ignore[union-attr]
    return metadata


def document_metadata(doc: RenderInput) -> dict[str, Any]:
    """The metadata the templates get, as ``render_html`` and ``render_pdf`` hand it to Pandoc:
    the caller's values (Pandoc Markdown), the default texts of the language, the checked logo
    and downloads, the accent colours. Raises ``ParameterError`` as they do. (The Quarto engine
    gives Quarto the same.)"""
    return _metadata(doc, _build_dir(doc))


def _checked_logo(path: str, build_dir: Path) -> str:
    if not _safe_relative(path) or not path.lower().endswith(LOGO_SUFFIXES):
        raise ParameterError("metadata_invalid", key="logo", value=path)
    target = (build_dir / path).resolve()
    if not target.is_relative_to(build_dir) or not target.is_file():
        raise ParameterError("metadata_invalid", key="logo", value=path)
    return path


def _checked_download(item: object) -> dict[str, str]:
    if not isinstance(item, Mapping) or "href" not in item or "label" not in item:
        raise ParameterError("metadata_invalid", key="downloads", value=repr(item))
    href = _unescape(str(item["href"]))
    if not _safe_relative(href):
        raise ParameterError("metadata_invalid", key="downloads", value=href)
    return {"href": md_text(href), "label": str(item["label"])}


def _safe_relative(path: str) -> bool:
    return bool(_SAFE_PATH.match(path)) and all(part not in ("", ".", "..") for part in path.split("/"))


def _unescape(text: str) -> str:
    """Undo ``md_text`` on a value that must be used as a plain string (a path, a colour)."""
    return _ESCAPED_PUNCTUATION.sub(r"\1", text).strip()


# Colours -----------------------------------------------------------------------


def _channels(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in channels)


def _mix(colour: str, other: str, weight_of_other: float) -> str:
    a, b = _channels(colour), _channels(other)
    return _hex(tuple(x * (1 - weight_of_other) + y * weight_of_other for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


def contrast_ratio(colour: str, other: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours."""
    def luminance(value: str) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(value)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(colour), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_text_colour(colour: str, ratio: float = 4.6) -> str:
    """``colour``, darkened just enough for text on the page's backgrounds to reach WCAG AA (4.5:1)."""
    step = 0
    candidate = colour.lower()
    while min(contrast_ratio(candidate, bg) for bg in TEXT_BACKGROUNDS) < ratio and step < 100:
        step += 1
        candidate = _mix(colour, "#000000", step / 100)
    return candidate


# Files -----------------------------------------------------------------------


def _build_dir(doc: RenderInput) -> Path:
    build_dir = Path(doc.build_dir).resolve()
    if not build_dir.is_dir():
        raise RenderError("pandoc", f"the build folder does not exist: {build_dir}")
    if not doc.basename or "/" in doc.basename or doc.basename.startswith("."):
        raise ParameterError("metadata_invalid", key="basename", value=doc.basename)
    return build_dir


def _report_dir(doc: RenderInput) -> Path:
    if doc.report_dir is not None:
        report_dir = Path(doc.report_dir).resolve()
    else:
        root = source_project()
        if root is None:
            raise RenderError("pandoc", "no report/ folder given, and this package comes with none")
        report_dir = root / REPORT_FOLDER
    for part in (LUA_FILTER, HTML_TEMPLATE, TYPST_TEMPLATE):
        if not (report_dir / part).is_file():
            raise RenderError("pandoc", f"the report templates are incomplete: {report_dir / part} is missing")
    return report_dir


def _typst_message(error: object) -> str:
    """Typst's diagnostic (message, source excerpt, hints), or its message and hints."""
    diagnostic = str(getattr(error, "diagnostic", "") or "").strip()
    if diagnostic:
        return diagnostic
    hints = [f"hint: {hint}" for hint in getattr(error, "hints", None) or []]
    return "\n".join([str(getattr(error, "message", "") or error), *hints])
