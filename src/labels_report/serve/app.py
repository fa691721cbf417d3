"""``labels-report serve``: the page where a town's staff check their workbook and build the report.

Server-rendered pages (Starlette, Jinja2 templates), usable without JavaScript;
a small script only follows a build without reloading the page. The page
listens on 127.0.0.1 only, answers only requests addressed to it by that name
(a ``Host`` header naming another site is refused: no DNS rebinding), takes a
form only with the session's token (no request forged from another site), and
serves only regular files inside the project's output folder, named without
``..``, hidden parts or links.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import socket
import stat
import sys
import webbrowser
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from labels_report.core.errors import ParameterError
from labels_report.core.i18n import LOCALES, catalogue, describe
from labels_report.core.project import Project, resolve_path
from labels_report.core.text import typographic
from labels_report.data.issues import COLUMNS, count_line, headers, issue_rows
from labels_report.model.params import EDITIONS
from labels_report.model.quality import Checked, check_report
from labels_report.serve.jobs import Builds, Job, Request
from labels_report.serve.uploads import MAX_UPLOAD_BYTES, Stored, UploadRefused, private_folder, rename_for, store

COOKIE = "labels_report_session"
MAX_SESSIONS = 100
"""Sessions kept at most (a staff member has one per browser): the oldest are forgotten first."""
TOKEN_FIELD = "jeton"
MAX_FORM_BYTES = MAX_UPLOAD_BYTES + 2**20
"""A request's body at most: the dropped file and the few fields beside it."""
EDITION_CHOICES = ("conseil", "public", "all")
LANG_CHOICES = ("town", "fr", "en", "all")
STATIC = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}
PAGE_POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
REPORT_POLICY = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads"
"""A published web page opened from the page runs apart from it (an origin of its own)."""


@dataclass
class Session:
    """One browser's visit: its form token, its language, what it dropped and built."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    lang: str = "fr"
    workspace: Path | None = None
    stored: Stored | None = None
    checked: Checked | None = None
    suggested: int | None = None
    """The year proposed for the dropped data: the last complete year that has data."""
    refused: str = ""
    """Why the last dropped file was refused, as a sentence."""
    job: Job | None = None
    busy: str = ""
    """The town whose build was running when another was asked for."""


class Page:
    """The application: its sessions, its builds, and the folder it serves reports from."""

    def __init__(self, *, project: Path, out: Path, port: int, lang: str = "fr", engine: str = "auto"):
        self.project, self.out, self.port, self.lang = project, out.resolve(), port, lang
        self.builds = Builds(project=project, out=self.out, engine=engine)
        self.sessions: dict[str, Session] = {}
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        self.templates = jinja2.Environment(loader=jinja2.PackageLoader("labels_report.serve", "templates"),
                                            autoescape=True, undefined=jinja2.StrictUndefined,
                                            trim_blocks=True, lstrip_blocks=True)
        self.app = Starlette(routes=[
            Route("/", self.home, methods=["GET"]),
            Route("/depot", self.upload, methods=["POST"]),
            Route("/construire", self.start_build, methods=["POST"]),
            Route("/etat", self.state, methods=["GET"]),
            Route("/rapports/{path:path}", self.report_file, methods=["GET"]),
            Route("/static/{name}", self.static, methods=["GET"]),
        ])

    # -- the guards, before any route ------------------------------------------------------------
    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        words = catalogue(self.lang)
        if request_headers.get("host", "") not in self.hosts:
            await _plain(words.text("page.refused.host"), 400)(scope, receive, send)
            return
        if scope["method"] == "POST":
            origin = request_headers.get("origin")
            if origin is not None and origin not in self.origins:
                await _plain(words.text("page.refused.origin"), 403)(scope, receive, send)
                return
            length = request_headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_FORM_BYTES:
                await _plain(words.text("page.refused.too_large", megabytes=MAX_UPLOAD_BYTES >> 20), 413)(
                    scope, receive, send)
                return
            receive = _limited(receive, MAX_FORM_BYTES)
        try:
            await self.app(scope, receive, send)
        except BodyTooLarge:
            await _plain(words.text("page.refused.too_large", megabytes=MAX_UPLOAD_BYTES >> 20), 413)(
                scope, receive, send)

    # -- sessions --------------------------------------------------------------------------------
    def session(self, request: HttpRequest) -> tuple[str, Session, bool]:
        """The browser's session (a new one when its cookie names none): (id, session, new)."""
        key = request.cookies.get(COOKIE, "")
        if key in self.sessions:
            return key, self.sessions[key], False
        key = secrets.token_urlsafe(32)
        self.sessions[key] = Session(lang=self.lang)
        while len(self.sessions) > MAX_SESSIONS:
            oldest = next(iter(self.sessions))
            forgotten = self.sessions.pop(oldest)
            if forgotten.workspace is not None and (forgotten.job is None or forgotten.job.finished):
                shutil.rmtree(forgotten.workspace, ignore_errors=True)
        return key, self.sessions[key], True

    def _respond(self, response: Response, key: str, new: bool) -> Response:
        if new:
            response.set_cookie(COOKIE, key, httponly=True, samesite="strict", path="/")
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: with no-referrer a browser posts its forms with "Origin: null"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    async def _form(self, request: HttpRequest, session: Session):
        """The posted form when it carries the session's token; None otherwise."""
        form = await request.form(max_files=1, max_fields=20)
        token = form.get(TOKEN_FIELD)
        if not isinstance(token, str) or not secrets.compare_digest(token, session.token):
            return None
        return form

    # -- pages -----------------------------------------------------------------------------------
    async def home(self, request: HttpRequest) -> Response:
        key, session, new = self.session(request)
        asked = request.query_params.get("lang")
        if asked in LOCALES:
            session.lang = asked
        return self._respond(self._page(session), key, new)

    def _page(self, session: Session, status: int = 200) -> Response:
        words = catalogue(session.lang)
        other = "en" if session.lang == "fr" else "fr"
        checked = session.checked
        context = {
            "lang": session.lang, "other_lang": other, "other_lang_name": catalogue(other).text("page.lang_name"),
            "t": lambda key, **params: _typeset(words.text(key, **params), session.lang),
            "plural": lambda key, n, **params: _typeset(words.plural(key, n, **params), session.lang),
            "token": session.token, "token_field": TOKEN_FIELD,
            "refused": session.refused, "stored": session.stored, "busy": session.busy,
            "max_megabytes": MAX_UPLOAD_BYTES >> 20,
            "check": self._check_view(checked, session.lang) if checked else None,
            "choices": self._choices(checked, session) if checked and checked.dataset is not None else None,
            "job": self._job_view(session.job, session.lang) if session.job else None,
        }
        session.busy = ""
        body = self.templates.get_template("page.html").render(**context)
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")

    def _check_view(self, checked: Checked, lang: str) -> dict:
        """The check as a table: the command's messages (French typography on the page; the values
        as typed)."""
        errors = sum(1 for i in checked.issues if i.severity == "error")
        rows = [{**row, "problem": _typeset(str(row["problem"]), lang)} for row in issue_rows(checked.issues, lang)]
        words = catalogue(lang)
        caption = (words.text("page.check.caption_year", year=checked.year) if checked.year is not None and not errors
                   else words.text("page.check.caption"))
        return {"rows": rows, "columns": COLUMNS, "headers": headers(lang), "caption": _typeset(caption, lang),
                "count": count_line(checked.issues, lang), "errors": errors, "issues": len(checked.issues)}

    def _choices(self, checked: Checked, session: Session) -> dict:
        dataset = checked.dataset
        assert dataset is not None
        today = dt.date.today()
        years = [y for y in dataset.years() if y <= today.year]
        if session.suggested is not None and session.suggested not in years:
            years.append(session.suggested)
        no_year = ""
        if session.suggested is None:
            no_year = _sentence(describe(ParameterError("no_year_with_data", year=today.year), session.lang))
        words = catalogue(session.lang)
        town_lang = words.text(f"page.language.{dataset.town.default_lang}")
        chosen = session.job.request.year if session.job is not None else session.suggested
        return {"years": sorted(years, reverse=True), "year": session.suggested, "chosen": chosen, "no_year": no_year,
                "town": dataset.town.name, "editions": [(e, words.text(f"page.edition.{e}")) for e in EDITION_CHOICES],
                "langs": [(code, words.text(f"page.report_lang.{code}", town=town_lang)) for code in LANG_CHOICES]}

    def _job_view(self, job: Job, lang: str) -> dict:
        words = catalogue(lang)
        with job.lock:
            lines = list(job.lines)
            finished, failure, results, issues = job.finished, job.failure, list(job.results), list(job.issues)
        left = job.seconds_left()
        if finished:
            summary = (words.text("build.nothing_published", reason=failure) if failure
                       else words.plural("build.published_all", len(results)))
        else:
            summary = words.text("page.build.running", percent=job.percent, line=lines[-1] if lines else "")
            if left is not None:
                summary += " " + words.text("page.build.left", time=_duration(left, lang))
        return {"id": job.id, "finished": finished, "failure": failure, "percent": job.percent,
                "lines": [_typeset(line, lang) for line in lines], "summary": _typeset(summary, lang),
                "reports": [self._report_view(r, lang) for r in results],
                "issues": self._check_view(Checked(issues, None), lang) if issues else None,
                "warnings": results[0].warnings if results else 0, "year": job.request.year}

    def _report_view(self, result, lang: str) -> dict:
        words = catalogue(lang)
        params = result.params
        title = words.text("page.result.title", edition=words.text(f"page.result.edition.{params.edition}"),
                           lang=words.text(f"page.language.{params.lang}"), year=params.year)
        files, tables = [], []
        for kind in ("pdf", "html"):
            if kind in result.files:
                files.append({"name": words.text(f"page.file.{kind}"), "href": self._href(result.files[kind]),
                              "open": True})
        data = result.files.get("data")
        if data is not None and Path(data).is_dir():
            for path in sorted(Path(data).iterdir()):
                if path.is_file() and path.suffix == ".xlsx":
                    files.append({"name": words.text("page.file.workbook"), "href": self._href(path), "open": False})
                elif path.is_file() and path.suffix == ".csv":
                    tables.append({"name": path.name, "href": self._href(path)})
        for path in sorted(Path(result.folder).glob("*.ics")):
            files.append({"name": words.text("page.file.ics"), "href": self._href(path), "open": False})
        control = Path(result.folder).parent / "controle-donnees.xlsx"
        if control.is_file():
            files.append({"name": words.text("page.file.control"), "href": self._href(control), "open": False})
        return {"title": title, "files": files, "tables": tables, "unchanged": result.unchanged}

    def _href(self, path: Path) -> str:
        relative = Path(path).resolve().relative_to(self.out).as_posix()
        return "/rapports/" + "/".join(_quote(part) for part in relative.split("/"))

    # -- forms -----------------------------------------------------------------------------------
    async def upload(self, request: HttpRequest) -> Response:
        key, session, new = self.session(request)
        form = await self._form(request, session)
        if form is None:
            return self._respond(_refused_token(session.lang), key, new)
        dropped = form.get("classeur")
        session.refused = ""
        if not isinstance(dropped, UploadFile) or not dropped.filename:
            session.refused = catalogue(session.lang).text("page.upload.none")
            return self._respond(RedirectResponse("/#depot-titre", status_code=303), key, new)
        if session.job is not None and not session.job.finished:
            session.busy = session.job.request.town
            return self._respond(RedirectResponse("/#construction-titre", status_code=303), key, new)
        if session.workspace is None:
            session.workspace = private_folder()
        try:
            stored = await run_in_threadpool(store, dropped.file, dropped.filename, session.workspace)
        except UploadRefused as error:
            session.refused = _sentence(describe(error, session.lang))
            return self._respond(RedirectResponse("/#depot-titre", status_code=303), key, new)
        finally:
            await dropped.close()
        self._forget_upload(session)
        checked = await run_in_threadpool(check_report, stored.folder, lang=session.lang, strict=False)
        if checked.dataset is not None:
            renamed = await run_in_threadpool(rename_for, stored, checked.dataset.town.name)
            if renamed.folder != stored.folder:
                stored = renamed
                checked = await run_in_threadpool(check_report, stored.folder, lang=session.lang, strict=False)
        session.stored, session.checked, session.job, session.suggested = stored, checked, None, checked.year
        return self._respond(RedirectResponse("/#controle-titre", status_code=303), key, new)

    def _forget_upload(self, session: Session) -> None:
        """The file dropped before is removed (a build from it is over)."""
        if session.stored is not None and session.workspace is not None:
            upload = session.stored.folder
            while upload.parent != session.workspace and upload != upload.parent:
                upload = upload.parent
            shutil.rmtree(upload, ignore_errors=True)
        session.stored = session.checked = None

    async def start_build(self, request: HttpRequest) -> Response:
        key, session, new = self.session(request)
        form = await self._form(request, session)
        if form is None:
            return self._respond(_refused_token(session.lang), key, new)
        checked, stored = session.checked, session.stored
        if checked is None or stored is None or checked.dataset is None:
            return self._respond(RedirectResponse("/#depot-titre", status_code=303), key, new)
        years = {str(y) for y in checked.dataset.years()} | ({str(session.suggested)} if session.suggested else set())
        year, edition, lang = form.get("annee"), form.get("edition"), form.get("langue")
        if year not in years or edition not in EDITION_CHOICES or lang not in LANG_CHOICES:
            return self._respond(self._page(session, 400), key, new)
        if checked.year != int(str(year)):  # the warnings shown are the chosen year's
            checked = await run_in_threadpool(check_report, stored.folder, year=int(str(year)), lang=session.lang,
                                              strict=False)
            if checked.dataset is None:
                session.checked = checked
                return self._respond(RedirectResponse("/#controle-titre", status_code=303), key, new)
            session.checked = checked
        editions = tuple(EDITIONS) if edition == "all" else (str(edition),)
        langs = None if lang == "town" else (tuple(LOCALES) if lang == "all" else (str(lang),))
        job, started = self.builds.start(Request(stored.folder, checked.dataset.town.slug, int(str(year)),
                                                 editions, langs, session.lang))
        if not started:
            session.busy = checked.dataset.town.name
        session.job = job
        return self._respond(RedirectResponse("/#construction-titre", status_code=303), key, new)

    async def state(self, request: HttpRequest) -> Response:
        """The session's build as it goes, for the script that follows it."""
        key, session, new = self.session(request)
        if session.job is None:
            return self._respond(JSONResponse({"build": None}), key, new)
        view = self._job_view(session.job, session.lang)
        return self._respond(JSONResponse({"build": {k: view[k] for k in ("id", "finished", "percent", "summary",
                                                                             "lines")}}), key, new)

    # -- files -----------------------------------------------------------------------------------
    async def report_file(self, request: HttpRequest) -> Response:
        """A published file, when its path stays inside the output folder: no ``..``, no hidden
        part (the build's own folders, the locks), no link anywhere on the way."""
        key, session, new = self.session(request)
        path = _inside(self.out, request.path_params["path"])
        if path is None:
            return self._respond(_plain(catalogue(session.lang).text("page.refused.file"), 404), key, new)
        download = request.query_params.get("telecharger") == "1"
        response = FileResponse(path, filename=path.name if download else None,
                                content_disposition_type="attachment" if download else "inline")
        self._respond(response, key, new)
        if path.suffix == ".html":
            response.headers["Content-Security-Policy"] = REPORT_POLICY
        return response

    async def static(self, request: HttpRequest) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return _plain("", 404)
        body = resources.files("labels_report.serve").joinpath("static", name).read_bytes()
        response = Response(body, media_type=STATIC[name])
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def close(self) -> None:
        """Remove every session's private folder."""
        for session in self.sessions.values():
            if session.workspace is not None:
                shutil.rmtree(session.workspace, ignore_errors=True)


def _inside(root: Path, relative: str) -> Path | None:
    """``root/relative`` when it is a regular file reached without leaving ``root``, without a
    hidden part and without a link; None otherwise."""
    if "\\" in relative or "\x00" in relative:
        return None
    parts = relative.split("/")
    if not parts or any(p in ("", ".", "..") or p.startswith((".", "~")) for p in parts):
        return None
    current = root
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            return None
    if not stat.S_ISREG(info.st_mode):
        return None
    resolved = current.resolve()
    return resolved if resolved.is_relative_to(root) else None


class BodyTooLarge(Exception):
    pass


def _limited(receive, limit: int):
    """``receive`` that stops a body longer than ``limit`` (one sent without a length, too)."""
    seen = 0

    async def counted():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return counted


def _typeset(text: str, lang: str) -> str:
    """French typography on the page (no-break spaces before « : ; ? ! », the apostrophe)."""
    return typographic(text) if lang == "fr" else text


def _sentence(text: str) -> str:
    """A message of the catalogue as a sentence of its own: a capital, a full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _plain(text: str, status: int) -> Response:
    return PlainTextResponse(text, status_code=status)


def _refused_token(lang: str) -> Response:
    return _plain(catalogue(lang).text("page.refused.token"), 403)


def _quote(part: str) -> str:
    return quote(part, safe="")


def _duration(seconds: int, lang: str) -> str:
    words = catalogue(lang)
    if seconds < 60:
        return words.plural("page.duration.seconds", max(seconds, 1))
    return words.plural("page.duration.minutes", round(seconds / 60))


def serve(*, project: str | None, out: str, port: int, open_browser: bool, lang: str | None, messages: str,
          engine: str = "auto") -> int:
    """Open the page on 127.0.0.1 (``port``, or a free one), tell its address, open it in the
    browser unless told not to, and answer until Ctrl-C."""
    import uvicorn

    proj = Project.find(project)
    out_root = resolve_path(out, proj.root)
    words = catalogue(messages)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError:
        listener.close()
        raise ParameterError("port_busy", port=port) from None
    listener.listen(64)
    chosen = listener.getsockname()[1]
    page = Page(project=proj.root, out=out_root, port=chosen, lang=lang or messages, engine=engine)
    url = f"http://127.0.0.1:{chosen}/"
    print(words.text("page.started", url=url), flush=True)
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(page, log_level="warning", access_log=False, lifespan="off"))
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:  # Ctrl-C or a request to stop, passed on once the server has stopped
        pass
    finally:
        page.close()
        listener.close()
    print(words.text("page.stopped"), file=sys.stderr, flush=True)
    return 0

