"""The ``labels-report`` command: it parses arguments and calls the package.

Exit codes: 0 done; 2 the input data or the parameters are wrong (nothing was
written); 1 a chapter, an engine or the disk failed (nothing was published);
130 interrupted (Ctrl-C, or a request to stop: nothing was published). Errors
are worded in the user's language (French unless ``--lang en`` or an English
locale), a data error as a table, without a traceback; anything unexpected is
a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from labels_report import __version__
from labels_report.core.errors import (
    BuildInterrupted,
    DataError,
    EngineUnavailableError,
    LabelsReportError,
    NotebookExecutionError,
    ParameterError,
    ProjectNotFoundError,
)
from labels_report.core.i18n import catalogue

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Build a town's annual labels report: a PDF for the town council and a web page
for the public, from the town's data folder (CSV files or one Excel workbook).

Run it inside the report project (the folder holding _quarto.yml, or any folder
below it), or point to the project with --project.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labels-report", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser(
        "build", help="check the data, then build and publish the report",
        description="Check the data, run the chapters, and publish the report (PDF, web page, data files, "
                    "calendar, manifest) in OUT/<town>/<year>/<edition>/. Nothing is published if anything "
                    "fails, and an earlier report in that folder is kept.")
    build.add_argument("--data", default="data/soissons", metavar="DIR",
                       help="the town's data folder (default: %(default)s)")
    build.add_argument("--year", type=int, default=dt.date.today().year - 1,
                       help="the year the report covers (default: last year, %(default)s)")
    build.add_argument("--edition", default="conseil", choices=["conseil", "public", "all"],
                       help="conseil: complete, for the council; public: for the town's website, without "
                            "internal fields or personal names; all: both (default: %(default)s)")
    build.add_argument("--lang", default=None, choices=["fr", "en", "all"],
                       help="language of the report (default: the town's language in town.yml)")
    build.add_argument("--engine", default="auto", choices=["auto", "pandoc", "quarto"],
                       help="pandoc: built-in Pandoc + Typst; quarto: needs Quarto 1.9.18 or newer installed; "
                            "auto: Quarto when such a Quarto is installed, else pandoc (default: %(default)s)")
    build.add_argument("--out", default="_output", metavar="DIR",
                       help="where reports are published (default: %(default)s, in the project)")
    build.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                       help="reference date of the labels' status (default: 31 December of the year)")
    build.add_argument("--horizon", type=int, default=24, metavar="MONTHS",
                       help="how far ahead renewals and jury visits are listed (default: %(default)s months)")
    build.add_argument("--project", default=None, metavar="DIR",
                       help="the report project folder (default: found from the current folder upwards)")
    build.add_argument("--force", action="store_true",
                       help="build again even when the published report was built from the same inputs")
    build.add_argument("--keep-notebooks", action="store_true",
                       help="keep the executed chapter notebooks in the build folder (OUT/.build/)")

    check = commands.add_parser(
        "check", help="check the data and list every error and warning",
        description="Check a town's data folder against the data contract and list every error (which file, "
                    "row, column, value, and what was expected) and warning. Exit code 2 when there are errors.")
    check.add_argument("--data", default="data/soissons", metavar="DIR", help="the data folder (default: %(default)s)")
    check.add_argument("--year", type=int, default=None, help="also check what the report of this year needs")
    check.add_argument("--lang", default="fr", choices=["fr", "en"], help="language of the messages (default: fr)")
    check.add_argument("--horizon", type=int, default=24, metavar="MONTHS", help="deadline horizon (default: 24)")

    template = commands.add_parser(
        "template", help="write the data-entry workbook (.xlsx) to fill in",
        description="Write an Excel workbook with one sheet per table of the data contract, a 'Notice' sheet "
                    "explaining every column, and drop-down lists for the controlled words.")
    template.add_argument("out", nargs="?", default="labels-saisie.xlsx", metavar="OUT.xlsx",
                          help="file to write (default: %(default)s)")
    template.add_argument("--lang", default="fr", choices=["fr", "en"])

    init = commands.add_parser(
        "init", help="create an empty data folder for a new town",
        description="Create a data folder for a new town: town.yml and every CSV file with its header row.")
    init.add_argument("--town", required=True, help="the town's name, e.g. \"Château-Thierry\"")
    init.add_argument("--data", default=None, metavar="DIR", help="folder to create (default: data/<town-slug>)")

    imports = commands.add_parser(
        "import", help="import a network's table into the towns' data folders",
        description="Import a table a network publishes into one data folder per town.")
    kinds = imports.add_subparsers(dest="what", metavar="KIND", required=True)
    palmares = kinds.add_parser(
        "palmares", help="a label's yearly list of towns (year, commune, INSEE code, postcode, department, level)",
        description="Read a network's table (CSV or .xlsx, one row per town and year) and bring every town's "
                    "folder in line with it: create the folders that do not exist, add dated events "
                    "(awarded, level_changed, withdrawn) to the others. Importing the same table again "
                    "changes nothing; any error is reported with its row and column, and nothing is written.")
    palmares.add_argument("files", nargs="+", metavar="FILE",
                          help="the network's table (.csv or .xlsx); several are imported together, as one table "
                               "(e.g. one list per year, palmares-2015.csv palmares-2016.csv)")
    palmares.add_argument("--label", required=True,
                          help="the label the table lists (villes-villages-fleuris, ville-amie-des-enfants, ...)")
    palmares.add_argument("--into", default="data", metavar="DIR",
                          help="the network's folder, one subfolder per town (default: %(default)s)")
    palmares.add_argument("--columns", default=None, metavar="MAP",
                          help="which header holds which column, e.g. année=Annee,niveau=Nb_fleurs "
                               "(default: recognised by their usual names)")
    palmares.add_argument("--lang", default="fr", choices=["fr", "en"], help="language of the messages (default: fr)")

    batch = commands.add_parser(
        "batch", help="build the reports of every town of a network, and the network's index",
        description="Build the report of every town folder under DIR (unchanged reports are skipped), on "
                    "worker processes of this machine or on a Dask cluster, then write the network's index "
                    "page and summary in OUT/_reseau/<year>/. One town's failure does not stop the others; "
                    "the exit code says whether any failed.")
    batch.add_argument("--data", default="data", metavar="DIR",
                       help="the network's folder, one subfolder per town (default: %(default)s)")
    batch.add_argument("--year", type=int, default=dt.date.today().year - 1,
                       help="the year the reports cover (default: last year, %(default)s)")
    batch.add_argument("--edition", default="conseil", choices=["conseil", "public", "all"],
                       help="edition of every report (default: %(default)s)")
    batch.add_argument("--lang", default=None, choices=["fr", "en", "all"],
                       help="language of the reports (default: each town's language)")
    batch.add_argument("--towns", default=None, metavar="PATTERN",
                       help="only the town folders whose name matches, e.g. 'saint-*' (default: all)")
    batch.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="reports built side by side, one process each (default: the cores, %(default)s)")
    batch.add_argument("--executor", default="local", choices=["local", "dask"],
                       help="local: processes of this machine; dask: a Dask cluster (default: %(default)s)")
    batch.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --executor dask: the scheduler of an existing cluster, e.g. tcp://10.0.0.5:8786 "
                            "(default: a local cluster of --workers processes)")
    batch.add_argument("--engine", default="auto", choices=["auto", "pandoc", "quarto"],
                       help="render engine (default: %(default)s)")
    batch.add_argument("--out", default="_output", metavar="DIR",
                       help="where reports are published, shared by every worker (default: %(default)s)")
    batch.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                       help="reference date of the labels' status (default: 31 December of the year)")
    batch.add_argument("--horizon", type=int, default=24, metavar="MONTHS",
                       help="how far ahead renewals and jury visits are listed (default: %(default)s months)")
    batch.add_argument("--project", default=None, metavar="DIR",
                       help="the report project folder (default: found from the current folder upwards)")
    batch.add_argument("--force", action="store_true",
                       help="build again even the reports whose inputs have not changed")
    return parser


def _print_issues(issues, lang: str, stream=None) -> None:
    from labels_report.data.issues import format_issues

    print(format_issues(issues, lang), file=stream or sys.stderr)


EDITION_NAMES = ("conseil", "public")
LANGS = ("fr", "en")


def _cmd_build(args: argparse.Namespace) -> int:
    editions = list(EDITION_NAMES) if args.edition == "all" else [args.edition]
    langs = list(LANGS) if args.lang == "all" else ([args.lang] if args.lang else None)
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    unchanged = None if args.force else _unchanged(args, editions, langs)
    if unchanged is not None:
        from labels_report.publish.publication import remove_abandoned

        remove_abandoned(unchanged[0].parents[2])  # what a killed build left, even when nothing is to do
        for folder in unchanged:
            say(catalogue(args.messages).text("progress.unchanged", folder=_short(folder, Path.cwd())))
        return EXIT_OK
    kernels = _start_kernels(args, len(editions) * (len(langs) if langs else 1))
    try:
        from labels_report.publish.build import build

        results = build(args.data, args.year, editions=editions, langs=langs, engine=args.engine, out=args.out,
                        project=args.project, as_of=args.as_of, horizon_months=args.horizon, progress=say,
                        force=args.force, keep_notebooks=args.keep_notebooks, kernels=kernels,
                        messages=args.messages)
    finally:
        for kernel in kernels:
            kernel.shutdown()
    cwd = Path.cwd()
    cat = catalogue(args.messages)
    for result in results:
        state = cat.text("result.unchanged") if result.unchanged else ""
        print(f"\n{result.params.edition} ({result.params.lang}) {result.params.year}{state} : "
              f"{_short(result.folder, cwd)}")
        for kind, path in result.files.items():
            name = cat.text(f"result.kind.{kind}") if cat.has(f"result.kind.{kind}") else kind
            print(f"  {name:9} {_short(path, cwd)}")
    return EXIT_OK


def _start_kernels(args: argparse.Namespace, reports: int) -> list:
    """Chapter kernels started before the build machinery is even imported: they boot
    while this process loads it and reads the data."""
    from labels_report.core.project import Project
    from labels_report.publish.kernel import kernels_for, start_kernels
    from labels_report.publish.versions import quarto_problem

    try:
        project = Project.find(args.project)
    except ProjectNotFoundError:
        return []  # the build says what is wrong
    if args.engine == "quarto" and quarto_problem() is not None:
        return []  # neither: the build says Quarto is missing or too old
    return start_kernels(kernels_for(reports), project.root, project.fonts_dir)


def _unchanged(args: argparse.Namespace, editions: list[str], langs: list[str] | None) -> list[Path] | None:
    """The published folders when every report asked for is up to date, found without loading
    the build machinery (an unchanged rebuild answers at once); None otherwise."""
    from labels_report.core.project import Project, resolve_path
    from labels_report.publish.manifest import unchanged_reports
    from labels_report.publish.versions import engine_name

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
        project = Project.find(args.project)
    except (ValueError, ProjectNotFoundError):
        return None  # the build says what is wrong
    return unchanged_reports(project=project, data_dir=resolve_path(args.data, project.root),
                             out_root=resolve_path(args.out, project.root), year=args.year,
                             editions=editions, langs=langs, as_of=as_of, horizon_months=args.horizon,
                             engine=engine_name(args.engine))


def _short(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _cmd_check(args: argparse.Namespace) -> int:
    from labels_report.model.quality import check

    issues = check(Path(args.data), year=args.year, horizon_months=args.horizon, lang=args.lang)
    _print_issues(issues, args.lang, sys.stdout)
    return EXIT_BAD_INPUT if any(i.severity == "error" for i in issues) else EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from labels_report.data.workbook import write_template

    path = Path(args.out)
    write_template(path, lang=args.lang)
    print(f"Workbook written: {path}")
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from labels_report.core.text import slugify
    from labels_report.data.newtown import init_town

    folder = Path(args.data) if args.data else Path("data") / slugify(args.town)
    created = init_town(args.town, folder)
    print(f"Data folder created: {created}\nFill it in, then run: labels-report check --data {created}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from labels_report.model.palmares import import_palmares

    cat = catalogue(args.messages)
    try:
        result = import_palmares(args.files, args.label, args.into, args.columns)
    except DataError as error:
        _print_issues(error.issues, args.messages)
        print(cat.text("import.nothing_written_from", file=", ".join(Path(f).name for f in args.files)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if result.warnings:
        _print_issues(result.warnings, args.messages)
    years = ", ".join(str(year) for year in result.years)
    print(cat.text("import.done", file=result.file, communes=result.communes, years=years))
    events = result.events()
    if not result.changes:
        print(cat.text("import.nothing"))
        return EXIT_OK
    kinds = ", ".join(cat.plural(f"import.event.{kind}", count) for kind, count in sorted(events.items()))
    print(f"{cat.plural('import.created', result.created)}, {cat.plural('import.updated', result.updated)}, "
          f"{cat.plural('import.events', sum(events.values()))} ({kinds}).")
    print(cat.text("import.next", folder=args.into, year=result.years[-1]))
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from labels_report.data.issues import location, message
    from labels_report.publish.batch import Outcome, run_batch

    editions = list(EDITION_NAMES) if args.edition == "all" else [args.edition]
    langs = list(LANGS) if args.lang == "all" else ([args.lang] if args.lang else None)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    cat = catalogue(args.messages)
    batch = run_batch(args.data, args.year, editions=editions, langs=langs, towns=args.towns, workers=args.workers,
                      executor=args.executor, scheduler=args.scheduler, engine=args.engine, out=args.out,
                      project=args.project, as_of=args.as_of, horizon_months=args.horizon, force=args.force,
                      progress=say, messages=args.messages)
    rows = [[cat.text("batch.table.town"), cat.text("batch.table.edition"), cat.text("batch.table.outcome"),
             cat.text("batch.table.detail")]]
    for result in batch.results:
        detail = ""
        failure = result.failure
        if failure is not None and failure.issue is not None:
            first = f"{location(failure.issue, args.messages)} : {message(failure.issue, args.messages)}"
            detail = cat.plural("batch.data_errors", failure.errors, first=first)
        elif failure is not None:
            detail = describe(LabelsReportError(failure.code, **failure.params), args.messages)
        rows.append([result.unit.town, result.unit.edition, cat.text(f"batch.outcome.{result.outcome}"), detail])
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rows.insert(1, ["-" * w for w in widths] + ["-" * len(rows[0][3])])
    print("\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3]
                    for row in rows))
    counts = {str(outcome): cat.plural(f"batch.count.{outcome}", batch.count(outcome)) for outcome in Outcome}
    print("\n" + cat.text("batch.totals", **counts, seconds=cat.number(batch.seconds, 1)))
    if batch.index is not None:
        key = "batch.index_unchanged" if batch.index.unchanged else "batch.index"
        print(cat.text(key, page=_short(batch.index.page, Path.cwd())))
    if not batch.failed:
        return EXIT_OK
    return EXIT_BAD_INPUT if all(r.failure is not None and r.failure.bad_input for r in batch.failed) else EXIT_FAILED


COMMANDS = {"build": _cmd_build, "check": _cmd_check, "template": _cmd_template, "init": _cmd_init,
            "import": _cmd_import, "batch": _cmd_batch}


# argparse's own messages, by the text argparse asks gettext for, and their catalogue key.
ARGPARSE_MESSAGES = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positionals",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "expected one argument": "argparse.expected_one",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "not allowed with argument %s": "argparse.not_allowed",
}


def message_language(argv: list[str], environ: dict[str, str] | None = None) -> str:
    """The language of the command's own messages: ``--lang en`` when given, else English when
    the locale says so (``LANG=en_GB.UTF-8``), else French."""
    for index, word in enumerate(argv):
        value = word.split("=", 1)[1] if word.startswith("--lang=") else \
            argv[index + 1] if word == "--lang" and index + 1 < len(argv) else None
        if value in ("fr", "en"):
            return value
    environ = os.environ if environ is None else environ
    locale = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return "en" if locale.lower().startswith("en") else "fr"


@contextlib.contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse speaking ``lang``: its messages go through gettext, looked up when they are
    written; they are taken from the catalogue while the command parses its arguments."""
    cat = catalogue(lang)

    def translate(text: str) -> str:
        key = ARGPARSE_MESSAGES.get(text)
        return cat.text(key) if key else text

    def translate_plural(singular: str, plural: str, count: int) -> str:
        return translate(singular if count == 1 else plural)

    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translate, translate_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def describe(error: LabelsReportError, lang: str) -> str:
    """The error as one sentence in ``lang``."""
    cat = catalogue(lang)
    key = f"error.{error.code}"
    if not cat.has(key):
        return cat.text("error.unexpected", detail=str(error))
    return cat.text(key, **{name: "" if value is None else value for name, value in error.params.items()})


# What each kind of error means for the exit code: the input is wrong (2), or the build failed (1).
BAD_INPUT = (DataError, ParameterError, ProjectNotFoundError, EngineUnavailableError)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = message_language(argv)
    with argparse_in(lang):
        parser = _parser()
        args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    args.messages = lang
    cat = catalogue(lang)
    try:
        with _stop_on_terminate():
            return COMMANDS[args.command](args)
    except DataError as error:
        _print_issues(error.issues, lang)
        if args.command == "build":
            print(cat.text("build.nothing_published"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, BuildInterrupted):
        ending = cat.text("batch.interrupted" if args.command == "batch" else "build.nothing_published")
        print(f"labels-report : {describe(BuildInterrupted(), lang)}. {ending}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except NotebookExecutionError as error:
        print(f"labels-report : {describe(error, lang)}\n{error.traceback}\n"
              f"{cat.text('build.kept_notebook', path=error.executed_path)}\n{cat.text('build.nothing_published')}",
              file=sys.stderr)
        return EXIT_FAILED
    except LabelsReportError as error:
        ending = f" {cat.text('build.nothing_published')}" if args.command == "build" else ""
        print(f"labels-report : {describe(error, lang)}.{ending}", file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(error, BAD_INPUT) or error.code in BAD_OUTPUT else EXIT_FAILED


BAD_OUTPUT = ("output_not_a_folder", "output_not_writable", "name_too_long")
"""Output errors that are the parameters' fault (exit code 2), not the build's."""


@contextlib.contextmanager
def _stop_on_terminate() -> Iterator[None]:
    """A termination request (SIGTERM, as a system stopping the command sends) is handled like
    Ctrl-C: the build stops, publishes nothing, cleans up."""
    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
