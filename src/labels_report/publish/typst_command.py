"""``labels-report-typst``: the Typst the built-in engine uses, as the ``typst`` command Quarto runs.

The Quarto engine sets ``QUARTO_TYPST`` (Quarto's own setting for another
Typst) to this command, so that both engines compile the PDF with the same
Typst, the one of the ``typst`` wheel: Quarto 1.9 brings Typst 0.14, which
makes PDF/A-2b or PDF/UA-1 but not both at once. It answers what Quarto asks:

    labels-report-typst --version
    labels-report-typst compile [--root DIR] [--font-path DIR]... [--pdf-standard a,b]
                               [--package-path DIR] [--package-cache-path DIR] INPUT [OUTPUT]

and compiles as the built-in engine does: only the fonts of Typst and of the
folders given (with --font-path and in ``LABELS_REPORT_TYPST_FONTS``; never
the machine's), reproducible when ``SOURCE_DATE_EPOCH``
is set. Diagnostics go to stderr as Typst's own do (``error: ...``, the file
and line, the hints).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import typst

NAME = "labels-report-typst"
FONTS_VARIABLE = "LABELS_REPORT_TYPST_FONTS"
"""Font folders to search besides those given with --font-path (os.pathsep between them): the
Quarto engine names the report's there, since Quarto reads an absolute path in a project as
relative to the project."""


def command_path() -> Path | None:
    """Where this command is installed (the environment's scripts, else the PATH), or None."""
    found = shutil.which(NAME, path=sysconfig.get_path("scripts")) or shutil.which(NAME)
    return Path(found) if found else None


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"{NAME} compile")
    parser.add_argument("input")
    parser.add_argument("output", nargs="?")
    parser.add_argument("--root")
    parser.add_argument("--font-path", action="append", default=[])
    parser.add_argument("--pdf-standard", action="append", default=[])
    parser.add_argument("--package-path")
    parser.add_argument("--package-cache-path")
    return parser.parse_intermixed_args(argv)


def _timestamp() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("--version", "-V"):
        print(f"typst {version('typst')} ({NAME})")
        return 0
    if argv[0] not in ("compile", "c"):
        print(f"error: {NAME} only compiles (`compile`) and tells its version (`--version`)", file=sys.stderr)
        return 2
    args = _arguments(argv[1:])
    output = args.output or str(Path(args.input).with_suffix(".pdf"))
    standards = [s for value in args.pdf_standard for s in value.split(",") if s]
    fonts = [*args.font_path, *(path for path in os.environ.get(FONTS_VARIABLE, "").split(os.pathsep) if path)]
    try:
        typst.compile(args.input, output=output, format="pdf", root=args.root, font_paths=fonts,
                      ignore_system_fonts=True, pdf_standards=standards, timestamp=_timestamp(),
                      package_path=args.package_path, package_cache_path=args.package_cache_path)
    except typst.TypstError as error:
        # Typst's diagnostic: the message, the file, line and source excerpt, the hints.
        diagnostic = str(getattr(error, "diagnostic", "") or "").strip()
        if diagnostic:
            print(diagnostic, file=sys.stderr)
        else:
            print(f"error: {getattr(error, 'message', '') or error}", file=sys.stderr)
            for hint in getattr(error, "hints", None) or []:
                print(f"  = hint: {hint}", file=sys.stderr)
        return 1
    except (RuntimeError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
