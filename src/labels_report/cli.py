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
import difflib
import json
import os
import re
import shlex
import shutil
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
from labels_report.core.i18n import Catalogue, catalogue, describe

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


# -- the parser: one function per command, every word from the catalogue (help.*) ---------------

def _parser(lang: str = "fr") -> argparse.ArgumentParser:
    cat = HelpWords(catalogue(lang))
    parser = Parser(prog="labels-report", description=cat.text("help.description"), formatter_class=Formatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=cat.text("argparse.version"))
    commands = parser.add_subparsers(dest="command", title=cat.text("help.commands"),
                                     metavar=cat.text("help.command_metavar"))
    for add in PARSERS:
        add(commands, cat)
    return parser


class Parser(argparse.ArgumentParser):
    """argparse's parser, and a "vouliez-vous dire … ?" after a choice it does not know
    (``labels-report buil``, ``--edition publc``): the closest choice, when one is close."""

    def _check_value(self, action: argparse.Action, value: object) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as error:
            close = difflib.get_close_matches(str(value), [str(c) for c in action.choices or ()], n=1, cutoff=0.6)
            if close:
                error.message += argparse._("did you mean %(choice)s?") % {"choice": close[0]}  # type: ignore[attr-defined]
            raise


class Formatter(argparse.RawDescriptionHelpFormatter):
    """The commands listed under their heading, one a line, without the line naming the
    placeholder (``COMMANDE``) that argparse writes above them."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(command) for command in action._get_subactions())
        return super()._format_action(action)


def _typed(convert, cat: HelpWords, key: str):
    """``convert`` named for argparse's message about a value it refuses ("année invalide : 'deux'")."""
    def typed(text: str):
        return convert(text)

    typed.__name__ = cat.text(key)
    return typed


class HelpWords:
    """The catalogue as the help reads it: in French, a no-break space before « : ; ? ! » keeps a
    colon from starting a line when argparse wraps the text (argparse breaks at ASCII spaces only)."""

    def __init__(self, cat: Catalogue):
        self.cat = cat

    def text(self, key: str, **params: object) -> str:
        text = self.cat.text(key, **params)
        return re.sub(r" (?=[:;?!»])|(?<=«) ", "\u00a0", text) if self.cat.lang == "fr" else text


def _data_option(parser: argparse.ArgumentParser, cat: HelpWords) -> None:
    parser.add_argument("--data", default=None, metavar=cat.text("help.folder_metavar"), help=cat.text("help.data"))


def _edition_option(parser: argparse.ArgumentParser, cat: HelpWords) -> None:
    parser.add_argument("--edition", default="conseil", choices=["conseil", "public", "all"],
                        help=cat.text("help.build.edition"))


def _report_options(parser: argparse.ArgumentParser, cat: HelpWords) -> None:
    """How a report is built, the same for one town (``build``) and for a network (``batch``)."""
    parser.add_argument("--engine", default="auto", choices=["auto", "pandoc", "quarto"],
                        help=cat.text("help.build.engine"))
    parser.add_argument("--as-of", default=None, metavar=cat.text("help.date_metavar"),
                        help=cat.text("help.build.as_of"))
    parser.add_argument("--horizon", type=_typed(int, cat, "help.months_type"), default=24,
                        metavar=cat.text("help.months_metavar"), help=cat.text("help.build.horizon"))
    parser.add_argument("--project", default=None, metavar=cat.text("help.folder_metavar"),
                        help=cat.text("help.project"))


def _build_parser(commands, cat: HelpWords) -> None:
    build = commands.add_parser("build", help=cat.text("help.build"), description=cat.text("help.build.description"))
    _data_option(build, cat)
    build.add_argument("--year", type=_typed(int, cat, "help.year_type"), default=None,
                       metavar=cat.text("help.year_metavar"),
                       help=cat.text("help.build.year"))
    _edition_option(build, cat)
    build.add_argument("--lang", default=None, choices=["fr", "en", "all"], help=cat.text("help.build.lang"))
    build.add_argument("--out", default="_output", metavar=cat.text("help.folder_metavar"),
                       help=cat.text("help.build.out"))
    _report_options(build, cat)
    build.add_argument("--force", action="store_true", help=cat.text("help.build.force"))
    build.add_argument("--keep-notebooks", action="store_true", help=cat.text("help.build.keep_notebooks"))


def _check_parser(commands, cat: HelpWords) -> None:
    check = commands.add_parser("check", help=cat.text("help.check"), description=cat.text("help.check.description"))
    _data_option(check, cat)
    check.add_argument("--year", type=_typed(int, cat, "help.year_type"), default=None,
                       metavar=cat.text("help.year_metavar"),
                       help=cat.text("help.check.year"))
    check.add_argument("--lang", default=None, choices=["fr", "en"], help=cat.text("help.check.lang"))
    check.add_argument("--horizon", type=_typed(int, cat, "help.months_type"), default=24,
                       metavar=cat.text("help.months_metavar"),
                       help=cat.text("help.check.horizon"))
    check.add_argument("--project", default=None, metavar=cat.text("help.folder_metavar"), help=cat.text("help.project"))


def _template_parser(commands, cat: HelpWords) -> None:
    template = commands.add_parser("template", help=cat.text("help.template"),
                                   description=cat.text("help.template.description"))
    template.add_argument("out", nargs="?", default="labels-saisie.xlsx", metavar="FICHIER.xlsx",
                          help=cat.text("help.template.out"))
    template.add_argument("--lang", default="fr", choices=["fr", "en"], help=cat.text("help.template.lang"))


def _init_parser(commands, cat: HelpWords) -> None:
    init = commands.add_parser("init", help=cat.text("help.init"), description=cat.text("help.init.description"))
    init.add_argument("--town", required=True, metavar=cat.text("help.town_metavar"), help=cat.text("help.init.town"))
    init.add_argument("--data", default=None, metavar=cat.text("help.folder_metavar"), help=cat.text("help.init.data"))


def _serve_parser(commands, cat: HelpWords) -> None:
    serve = commands.add_parser("serve", help=cat.text("help.serve"), description=cat.text("help.serve.description"))
    serve.add_argument("--port", type=_typed(int, cat, "help.port_type"), default=0,
                       metavar=cat.text("help.port_metavar"), help=cat.text("help.serve.port"))
    serve.add_argument("--no-browser", action="store_true", help=cat.text("help.serve.no_browser"))
    serve.add_argument("--out", default="_output", metavar=cat.text("help.folder_metavar"),
                       help=cat.text("help.serve.out"))
    serve.add_argument("--project", default=None, metavar=cat.text("help.folder_metavar"), help=cat.text("help.project"))
    serve.add_argument("--lang", default=None, choices=["fr", "en"], help=cat.text("help.serve.lang"))
    serve.add_argument("--engine", default="auto", choices=["auto", "pandoc", "quarto"],
                       help=cat.text("help.build.engine"))


def _import_parser(commands, cat: HelpWords) -> None:
    imports = commands.add_parser("import", help=cat.text("help.import"), description=cat.text("help.import.description"))
    kinds = imports.add_subparsers(dest="what", metavar=cat.text("help.import.kind_metavar"), required=True)
    palmares = kinds.add_parser("palmares", help=cat.text("help.import.palmares"),
                                description=cat.text("help.import.palmares.description"))
    palmares.add_argument("files", nargs="+", metavar=cat.text("help.file_metavar"),
                          help=cat.text("help.import.files"))
    palmares.add_argument("--label", required=True, metavar=cat.text("help.label_metavar"),
                          help=cat.text("help.import.label"))
    palmares.add_argument("--into", default="data", metavar=cat.text("help.folder_metavar"),
                          help=cat.text("help.import.into"))
    palmares.add_argument("--columns", default=None, metavar=cat.text("help.columns_metavar"),
                          help=cat.text("help.import.columns"))
    palmares.add_argument("--lang", default=None, choices=["fr", "en"], help=cat.text("help.check.lang"))


def _batch_parser(commands, cat: HelpWords) -> None:
    batch = commands.add_parser("batch", help=cat.text("help.batch"), description=cat.text("help.batch.description"))
    batch.add_argument("--data", default="data", metavar=cat.text("help.folder_metavar"),
                       help=cat.text("help.batch.data"))
    batch.add_argument("--year", type=_typed(int, cat, "help.year_type"), required=True,
                       metavar=cat.text("help.year_metavar"), help=cat.text("help.batch.year"))
    _edition_option(batch, cat)
    batch.add_argument("--lang", default=None, choices=["fr", "en", "all"], help=cat.text("help.batch.lang"))
    batch.add_argument("--towns", default=None, metavar=cat.text("help.pattern_metavar"),
                       help=cat.text("help.batch.towns"))
    batch.add_argument("--workers", type=_typed(int, cat, "help.workers_type"), default=os.cpu_count() or 1,
                       metavar="N", help=cat.text("help.batch.workers"))
    batch.add_argument("--executor", default="local", choices=["local", "dask"], help=cat.text("help.batch.executor"))
    batch.add_argument("--scheduler", default=None, metavar=cat.text("help.address_metavar"),
                       help=cat.text("help.batch.scheduler"))
    batch.add_argument("--out", default="_output", metavar=cat.text("help.folder_metavar"),
                       help=cat.text("help.batch.out"))
    _report_options(batch, cat)
    batch.add_argument("--force", action="store_true", help=cat.text("help.batch.force"))


PARSERS = (_build_parser, _check_parser, _template_parser, _init_parser, _serve_parser, _import_parser, _batch_parser)
"""Registry of the commands' parsers, in the order ``--help`` lists them."""


def _print_issues(issues, lang: str, stream=None) -> None:
    from labels_report.data.issues import format_issues

    print(format_issues(issues, lang), file=stream or sys.stderr)


EDITION_NAMES = ("conseil", "public")
LANGS = ("fr", "en")


# -- build -------------------------------------------------------------------------------------

def _data_folder(args: argparse.Namespace) -> Path:
    """``--data`` as given; without it, the project's only town (else a sentence listing its towns)."""
    if args.data:
        return Path(args.data)
    from labels_report.core.project import DATA_FOLDER, Project
    from labels_report.data.folder import only_town

    return only_town(Project.find(args.project).data_dir, DATA_FOLDER)


class Progress:
    """How a build's progress reaches the terminal: one line per step; and, when the terminal is a
    terminal (not a file, not a pipe), a bar with the time left below the lines."""

    def __init__(self, cat: Catalogue, stream=None):
        self.cat = cat
        self.stream = stream or sys.stderr
        self.bar = None
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def line(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def steps(self, done: int, total: int) -> None:
        if not self.interactive or total <= 0:
            return
        if self.bar is None:
            from tqdm import tqdm

            form = self.cat.text("progress.bar", percent="{percentage:3.0f} %", bar="{bar}", left="{remaining}")
            size = shutil.get_terminal_size()  # 80 × 24 when the terminal does not say
            # nrows too: a terminal that says it has no rows would otherwise hide the bar
            self.bar = tqdm(total=total, file=self.stream, bar_format=form, leave=False,
                            ncols=min(size.columns, 100), nrows=max(size.lines, 2))
        self.bar.total = total
        self.bar.update(done - self.bar.n)
        self.bar.refresh()  # a step is seconds of work: each one is shown

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _cmd_build(args: argparse.Namespace) -> int:
    cat = catalogue(args.messages)
    editions = list(EDITION_NAMES) if args.edition == "all" else [args.edition]
    langs = list(LANGS) if args.lang == "all" else ([args.lang] if args.lang else None)
    data = _data_folder(args)
    progress = Progress(cat)
    unchanged = None if args.force or args.year is None else _unchanged(args, data, editions, langs)
    if unchanged is not None:
        from labels_report.publish.publication import remove_abandoned

        remove_abandoned(unchanged[0].parents[2])  # what a killed build left, even when nothing is to do
        for folder in unchanged:
            progress.line(cat.text("progress.unchanged", folder=_short(folder, Path.cwd())))
        _print_ending(cat, data, args.year, len(unchanged), _manifest_warnings(unchanged[0]))
        return EXIT_OK
    kernels = _start_kernels(args, len(editions) * (len(langs) if langs else 1))
    try:
        from labels_report.publish.build import build

        results = build(data, args.year, editions=editions, langs=langs, engine=args.engine, out=args.out,
                        project=args.project, as_of=args.as_of, horizon_months=args.horizon,
                        progress=progress.line, steps=progress.steps, force=args.force,
                        keep_notebooks=args.keep_notebooks, kernels=kernels, messages=args.messages)
    finally:
        progress.close()
        for kernel in kernels:
            kernel.shutdown()
    cwd = Path.cwd()
    for result in results:
        state = cat.text("result.unchanged") if result.unchanged else ""
        print(f"\n{result.params.edition} ({result.params.lang}) {result.params.year}{state} : "
              f"{_short(result.folder, cwd)}")
        for kind, path in result.files.items():
            name = cat.text(f"result.kind.{kind}") if cat.has(f"result.kind.{kind}") else kind
            print(f"  {name:11} {_short(path, cwd)}")
    if results:
        _print_ending(cat, data, results[0].params.year, len(results), results[0].warnings)
    return EXIT_OK


def _print_ending(cat: Catalogue, data: Path, year: int, reports: int, warnings: int) -> None:
    """What was published, and the warnings about the data with the command that lists them."""
    print("\n" + cat.plural("build.published_all", reports))
    if warnings:
        command = f"labels-report check --data {shlex.quote(_short(data, Path.cwd()))} --year {year}"
        print(cat.plural("result.warnings", warnings, command=command))
    else:
        print(cat.text("result.no_warning"))


def _manifest_warnings(folder: Path) -> int:
    try:
        return int(json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("warnings", 0))
    except (OSError, ValueError):
        return 0


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


def _unchanged(args: argparse.Namespace, data: Path, editions: list[str], langs: list[str] | None) -> list[Path] | None:
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
    return unchanged_reports(project=project, data_dir=resolve_path(data, project.root),
                             out_root=resolve_path(args.out, project.root), year=args.year,
                             editions=editions, langs=langs, as_of=as_of, horizon_months=args.horizon,
                             engine=engine_name(args.engine))


def _short(path: Path, cwd: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


# -- the other commands ------------------------------------------------------------------------

def _cmd_check(args: argparse.Namespace) -> int:
    """The same year as build (the last complete year that has data, or --year), the same refusals."""
    from labels_report.model.quality import check_report

    cat = catalogue(args.messages)
    checked = check_report(_data_folder(args), year=args.year, horizon_months=args.horizon, lang=args.messages)
    if checked.chosen:
        print(cat.text("progress.year_chosen", year=checked.year), file=sys.stderr)
    _print_issues(checked.issues, args.messages, sys.stdout)
    return EXIT_BAD_INPUT if any(i.severity == "error" for i in checked.issues) else EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from labels_report.data.workbook import write_template

    path = Path(args.out)
    write_template(path, lang=args.lang)
    print(catalogue(args.messages).text("result.template", path=path))
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    from labels_report.core.text import slugify
    from labels_report.data.newtown import init_town

    folder = Path(args.data) if args.data else Path("data") / slugify(args.town)
    created = init_town(args.town, folder)
    print(catalogue(args.messages).text("result.init", folder=created))
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from labels_report.serve.app import serve

    return serve(project=args.project, out=args.out, port=args.port, open_browser=not args.no_browser,
                 lang=args.lang, messages=args.messages, engine=args.engine)


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
            "serve": _cmd_serve, "import": _cmd_import, "batch": _cmd_batch}


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
    "did you mean %(choice)s?": "argparse.suggestion",
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


# What each kind of error means for the exit code: the input is wrong (2), or the build failed (1).
BAD_INPUT = (DataError, ParameterError, ProjectNotFoundError, EngineUnavailableError)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = message_language(argv)
    with argparse_in(lang):
        parser = _parser(lang)
        args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    args.messages = lang
    cat = catalogue(lang)

    def ending(sentence: str) -> str:
        """How a failure ends: for a build, that nothing was published, and why."""
        if args.command == "build":
            return cat.text("build.nothing_published", reason=sentence)
        if args.command == "batch":  # what a batch has already published stays published
            return f"{cat.text('error.line', sentence=sentence)} {cat.text('batch.interrupted')}"
        return cat.text("error.line", sentence=sentence)

    try:
        with _stop_on_terminate():
            return COMMANDS[args.command](args)
    except DataError as error:
        _print_issues(error.issues, lang)
        if args.command == "build":
            print(ending(cat.plural("build.data_errors", len(error.errors))), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, BuildInterrupted):
        print(ending(describe(BuildInterrupted(), lang)), file=sys.stderr)
        return EXIT_INTERRUPTED
    except NotebookExecutionError as error:
        print(f"{error.traceback}\n{cat.text('build.kept_notebook', path=error.executed_path)}\n"
              f"{ending(describe(error, lang))}", file=sys.stderr)
        return EXIT_FAILED
    except LabelsReportError as error:
        print(ending(describe(error, lang)), file=sys.stderr)
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
