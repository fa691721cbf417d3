"""``labels-report serve``: what the staff's page takes, what it refuses, what it serves.

The dropped file (kind, size, a zipped folder unpacked member by member), the
private folder, the guards of every request (the ``Host`` header, the form
token, the output folder as the only place files are served from), on the
real command listening on 127.0.0.1. The clerk's path in a real browser is in
``test_serve_browser.py``.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from paths import MINIMAL, ROOT

from labels_report.serve import uploads
from labels_report.serve.app import _inside
from labels_report.serve.uploads import UploadRefused, private_folder, store, unzip


# -- what is dropped ---------------------------------------------------------------------------------

def zipped(members: dict[str, bytes], *, links: tuple[str, ...] = (), compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as book:
        for name, data in members.items():
            book.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            book.writestr(info, "/etc/passwd")
    buffer.seek(0)
    return buffer


def minimal_members(prefix: str = "") -> dict[str, bytes]:
    members = {prefix + p.relative_to(MINIMAL).as_posix(): p.read_bytes() for p in MINIMAL.rglob("*") if p.is_file()}
    assert f"{prefix}labels.csv" in members
    return members


def refusal(error: pytest.ExceptionInfo[UploadRefused]) -> str:
    return error.value.code


def test_the_private_folder_is_the_users_alone(tmp_path):
    folder = private_folder()
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        stored = store(zipped(minimal_members("testville/")), "testville.zip", folder)
        assert stored.folder.name == "testville" and (stored.folder / "labels.csv").is_file()
        assert stat.S_IMODE((stored.folder / "labels.csv").stat().st_mode) == 0o600
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    finally:
        shutil.rmtree(folder)


def test_a_zipped_folder_or_loose_files_become_a_data_folder(tmp_path):
    whole = store(zipped(minimal_members("Testville/")), "Testville.zip", tmp_path)
    assert whole.folder.name == "Testville"
    loose = store(zipped({**minimal_members(), "__MACOSX/._labels.csv": b"x", ".DS_Store": b"x"}), "d.zip", tmp_path)
    assert sorted(p.name for p in loose.folder.iterdir()) == sorted(p.name for p in MINIMAL.iterdir())
    renamed = uploads.rename_for(loose, "Château-Thierry")
    assert renamed.folder.name == "chateau-thierry" and (renamed.folder / "town.yml").is_file()


@pytest.mark.parametrize("name, members, links, code", [
    ("evil.zip", {"../outside.csv": b"x"}, (), "upload_member_outside"),
    ("evil.zip", {"town/../../outside.csv": b"x"}, (), "upload_member_outside"),
    ("evil.zip", {"/etc/cron.d/x": b"x"}, (), "upload_member_outside"),
    ("evil.zip", {"C:/Windows/x": b"x"}, (), "upload_member_outside"),
    ("evil.zip", {"..\\outside.csv": b"x"}, (), "upload_member_outside"),
    ("evil.zip", {"labels.csv": b"x"}, ("texts",), "upload_member_link"),
    ("evil.zip", {"labels.csv": b"a", "LABELS.csv": b"b"}, (), "upload_member_twice"),
    ("bomb.zip", {"labels.csv": b"0" * (8 * 2**20)}, (), "upload_bomb"),
    ("many.zip", {f"texts/{n}.md": b"x" for n in range(uploads.MAX_MEMBERS + 1)}, (), "upload_too_many"),
])
def test_a_dangerous_zip_is_refused_and_leaves_nothing(tmp_path, name, members, links, code):
    with pytest.raises(UploadRefused) as error:
        store(zipped(members, links=links), name, tmp_path)
    assert refusal(error) == code
    assert list(tmp_path.iterdir()) == [], "nothing of a refused file is left"
    assert not (tmp_path.parent / "outside.csv").exists()


def test_a_member_that_lies_about_its_size_is_stopped(tmp_path):
    archive = tmp_path / "liar.zip"
    archive.write_bytes(zipped({"labels.csv": b"x" * 5000}, compression=zipfile.ZIP_STORED).getvalue())
    data = bytearray(archive.read_bytes())
    # the central directory says 10 bytes where 5000 follow: at most 10 are written, and the
    # check of the member's CRC refuses the member
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(UploadRefused) as error:
        unzip(archive, folder, "liar.zip")
    assert refusal(error) in ("upload_damaged", "upload_too_large")
    assert all(p.stat().st_size <= 10 for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("name, content, code", [
    ("notes.txt", b"PK\x03\x04....", "upload_kind"),
    ("classeur.xls", b"\xd0\xcf\x11\xe0", "upload_kind"),
    ("classeur.xlsx", b"<html>not a workbook</html>", "upload_not_zip"),
    ("classeur.xlsx", None, "upload_not_workbook"),  # a zip, but no workbook inside
])
def test_only_a_workbook_or_a_zip_is_taken(tmp_path, name, content, code):
    source = zipped({"a.txt": b"x"}) if content is None else io.BytesIO(content)
    with pytest.raises(UploadRefused) as error:
        store(source, name, tmp_path)
    assert refusal(error) == code
    assert list(tmp_path.iterdir()) == []


def test_a_dropped_file_name_cannot_choose_where_it_is_written(tmp_path):
    book = tmp_path / "source.xlsx"
    from openpyxl import Workbook

    Workbook().save(book)
    (tmp_path / "private").mkdir()
    stored = store(book.open("rb"), "../../.bashrc.xlsx", tmp_path / "private")
    [written] = list(stored.folder.iterdir())
    assert written.name == "bashrc.xlsx" and written.parent.parent.parent == tmp_path / "private"


def test_only_regular_files_inside_the_output_are_served(tmp_path):
    out = tmp_path / "out"
    report = out / "testville" / "2017" / "conseil"
    report.mkdir(parents=True)
    (report / "rapport.pdf").write_bytes(b"%PDF")
    (out / ".build").mkdir()
    (out / ".build" / "secret.txt").write_text("x")
    (tmp_path / "secret.txt").write_text("x")
    (report / "lien.pdf").symlink_to(tmp_path / "secret.txt")
    (out / "autre").symlink_to(tmp_path)
    assert _inside(out, "testville/2017/conseil/rapport.pdf") == (report / "rapport.pdf").resolve()
    for refused in ("../secret.txt", "testville/../../secret.txt", "testville/2017/conseil/lien.pdf",
                    "autre/secret.txt", ".build/secret.txt", "testville/2017", "", "testville//2017",
                    "testville\\2017", "/etc/passwd"):
        assert _inside(out, refused) is None, refused


# -- the page, on the real command --------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """``labels-report serve`` on a free port, its address, and its output folder."""
    out = tmp_path_factory.mktemp("serve") / "out"
    secret = out.parent / "secret.txt"
    secret.write_text("not for the page")
    published = out / "testville" / "2017" / "conseil"
    published.mkdir(parents=True)
    (published / "rapport.pdf").write_bytes(b"%PDF-1.7 sample")
    (published / "lien.pdf").symlink_to(secret)
    process = subprocess.Popen([sys.executable, "-m", "labels_report.cli", "serve", "--no-browser", "--out", str(out),
                                "--engine", "pandoc"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""})
    first = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
    assert match, first + process.stderr.read()
    try:
        yield int(match[1]), out
    finally:
        process.terminate()
        process.wait(timeout=20)


def ask(port: int, method: str, path: str, *, host: str | None = None, body: bytes = b"",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if (body or method == "POST") and "Content-Length" not in (headers or {}):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_page_is_french_listens_on_127_0_0_1_and_has_a_form_token(page):
    port, _out = page
    status, headers, body = ask(port, "GET", "/")
    text = body.decode()
    assert status == 200 and '<html lang="fr">' in text and "1. Déposer le classeur" in text
    assert re.search(r'name="jeton" value="[\w-]{40,}"', text)
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=strict" in headers["set-cookie"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    english = ask(port, "GET", "/?lang=en")[2].decode()
    assert '<html lang="en">' in english and "1. Drop the workbook" in english
    with pytest.raises(OSError):  # nothing answers on the machine's other addresses
        other = [a for a in _addresses() if not a.startswith("127.")]
        if not other:
            raise OSError("no other address")
        http.client.HTTPConnection(other[0], port, timeout=2).request("GET", "/")


def _addresses() -> list[str]:
    import socket

    try:
        return [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        return []


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1:1", "localhost.evil.example"])
def test_a_request_for_another_host_is_refused(page, host):
    port, _out = page
    status, _headers, body = ask(port, "GET", "/", host=host)
    assert status == 400 and "127.0.0.1" in body.decode()
    assert ask(port, "GET", "/", host=f"localhost:{port}")[0] == 200


def test_a_form_without_the_sessions_token_is_refused(page):
    port, _out = page
    status, headers, body = ask(port, "GET", "/")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(r'name="jeton" value="([\w-]+)"', body.decode())[1]
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    for sent in (b"annee=2017&edition=conseil&langue=fr", b"jeton=forged&annee=2017", f"jeton={token}x".encode()):
        status, _headers, body = ask(port, "POST", "/construire", body=sent, headers=form)
        assert status == 403 and "Formulaire refusé" in body.decode(), sent
    # the right token from another session's cookie is not enough either
    status, _headers, _body = ask(port, "POST", "/construire", body=f"jeton={token}".encode(),
                                  headers={**form, "Cookie": "labels_report_session=someone-else"})
    assert status == 403
    # a form posted from another site is refused whatever it carries
    status, _headers, _body = ask(port, "POST", "/construire", body=f"jeton={token}".encode(),
                                  headers={**form, "Origin": "http://evil.example"})
    assert status == 403
    # with its token, the form is taken (nothing dropped yet: back to the page)
    status, headers, _body = ask(port, "POST", "/construire", body=f"jeton={token}".encode(), headers=form)
    assert status == 303 and headers["location"].startswith("/")


def test_a_body_too_large_is_refused_before_it_is_read(page):
    port, _out = page
    status, _headers, body = ask(port, "POST", "/depot", headers={"Content-Length": str(1 << 40)})
    assert status == 413 and "Mo" in body.decode()


@pytest.mark.parametrize("path", ["/rapports/../secret.txt", "/rapports/%2e%2e/secret.txt",
                                  "/rapports/testville/2017/conseil/lien.pdf", "/rapports/testville/2017",
                                  "/rapports/testville%2F..%2F..%2Fsecret.txt", "/rapports/.build/x",
                                  "/rapports/testville/2017/conseil/..%2F..%2F..%2F..%2Fsecret.txt",
                                  "/static/../app.py", "/static/app.py"])
def test_no_file_outside_the_published_reports_is_served(page, path):
    port, _out = page
    status, _headers, body = ask(port, "GET", path)
    assert status in (403, 404), (path, status)
    assert b"not for the page" not in body


def test_a_published_file_is_served_and_downloaded(page):
    port, _out = page
    status, headers, body = ask(port, "GET", "/rapports/testville/2017/conseil/rapport.pdf")
    assert status == 200 and body == b"%PDF-1.7 sample" and headers["content-type"] == "application/pdf"
    status, headers, _body = ask(port, "GET", "/rapports/testville/2017/conseil/rapport.pdf?telecharger=1")
    assert status == 200 and headers["content-disposition"].startswith("attachment")


def test_a_busy_port_is_one_sentence(page):
    port, _out = page
    result = subprocess.run([sys.executable, "-m", "labels_report.cli", "serve", "--no-browser", "--port", str(port)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"le port {port} est déjà utilisé" in result.stderr


def test_one_build_at_a_time_per_town(monkeypatch, tmp_path):
    import threading

    from labels_report.serve import jobs

    release, started = threading.Event(), []

    def slow_build(data_dir, year, **options):
        started.append(data_dir)
        options["progress"]("Chapitre 1/6 : Synthèse")
        options["steps"](1, 4)
        assert release.wait(20)
        return []

    monkeypatch.setattr(jobs, "build", slow_build)
    builds = jobs.Builds(project=ROOT, out=tmp_path)
    request = jobs.Request(tmp_path / "testville", "testville", 2017, ("conseil",), None, "fr")
    first, began = builds.start(request)
    second, again = builds.start(request)
    other, other_began = builds.start(jobs.Request(tmp_path / "autre", "autre", 2017, ("conseil",), None, "fr"))
    assert began and not again and second is first, "a second build of the same town is not started"
    assert other_began and other is not first, "another town's build is"
    assert builds.running("testville") is first
    release.set()
    for job in (first, other):
        for _ in range(200):
            if job.finished:
                break
            threading.Event().wait(0.05)
        assert job.finished and job.failure == ""
    assert first.lines == ["Chapitre 1/6 : Synthèse"] and first.percent == 100
    assert builds.running("testville") is None
    third, began = builds.start(request)
    assert began, "once it is over, it can start again"
    for _ in range(200):
        if third.finished:
            break
        threading.Event().wait(0.05)
    assert len(started) == 3
