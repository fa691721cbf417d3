"""What a staff member drops on the page, kept in a private folder and turned into a data folder.

Two kinds of file are taken: the town's workbook (``.xlsx``) or its data folder
zipped (``.zip``). Both are ZIP archives underneath: a file whose first bytes
are not a ZIP's, or whose name ends otherwise, is refused. A zipped folder is
unpacked by hand, member by member, never with ``extractall``: a member whose
name leaves the folder (``../``, ``/etc``, ``C:``), a link, an encrypted
member, too many members, a member or a total beyond the limits, or a member
that inflates far beyond its compressed size (a "zip bomb") is refused before
anything of it is written; the bytes written are counted as they come, so a
member that lies about its size is stopped at the limit.

Everything is written under a folder created for the page's session with mode
0700 (only the user who runs the page reads it), files with mode 0600.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from labels_report.core.errors import LabelsReportError
from labels_report.core.text import slugify
from labels_report.data.folder import IGNORED_PREFIXES, MAX_FILE_BYTES

MAX_UPLOAD_BYTES = MAX_FILE_BYTES
"""The file dropped on the page at most: what the loader reads of a workbook."""
MAX_MEMBERS = 1_000
"""Members of a zipped data folder at most: a folder of five tables, town.yml, a logo and
the narratives of many years holds a few hundred."""
MAX_UNPACKED_BYTES = 2 * MAX_FILE_BYTES
"""All the members of a zipped data folder, unpacked, at most."""
MAX_RATIO = 200
"""A member that inflates more than this many times its compressed size is a zip bomb: text
compresses some ten times, a workbook's XML some twenty."""
KINDS = (".xlsx", ".zip")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
IGNORED_MEMBERS = ("__MACOSX/",)
"""What an archiver adds to a folder it zips (macOS' resource forks): not the town's data."""
CHUNK = 1 << 16


class UploadRefused(LabelsReportError):
    """A dropped file the page does not take; ``code`` says why (``error.upload_<code>``)."""

    code = "upload_refused"


@dataclass(frozen=True)
class Stored:
    """A dropped file made into a data folder."""

    folder: Path
    """The data folder (holding the workbook, or the unzipped folder's files)."""
    original: str
    """The file's name as dropped (shown on the page)."""


def private_folder(prefix: str = "labels-report-") -> Path:
    """A new folder only the current user can enter (mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, stat.S_IRWXU)
    return path


def safe_name(name: str, suffix: str) -> str:
    """The last part of a dropped file's name, as a file name that cannot surprise a file
    system: letters, digits, ``-_. `` kept, no leading dot, ``suffix`` at the end."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    stem = base[: -len(suffix)] if base.lower().endswith(suffix) else base
    stem = re.sub(r"[^\w\- .]", "_", stem).strip(" .")[:100] or "classeur"
    return stem + suffix


def kind_of(name: str, head: bytes) -> str:
    """``.xlsx`` or ``.zip``, from the name and the first bytes; :class:`UploadRefused` otherwise."""
    suffix = next((k for k in KINDS if name.lower().endswith(k)), None)
    if suffix is None:
        raise UploadRefused("upload_kind", name=name)
    if not head.startswith(ZIP_MAGIC):
        raise UploadRefused("upload_not_zip", name=name)
    return suffix


def store(source, name: str, into: Path) -> Stored:
    """Copy the dropped file ``source`` (a binary file object, read to its end) under ``into``
    (a private folder), as a data folder; refuses what :func:`kind_of` and :func:`unzip` refuse.
    Nothing is left under ``into`` of a refused file."""
    head = source.read(4)
    suffix = kind_of(name, head)
    upload = _new_folder(into, "depot")
    try:
        if suffix == ".xlsx":
            folder = _new_folder(upload, "commune")
            _write(folder / safe_name(name, ".xlsx"), _chunks(head, source), MAX_UPLOAD_BYTES, name)
            _check_workbook(folder / safe_name(name, ".xlsx"), name)
            return Stored(folder, name)
        archive = upload / "depot.zip"
        _write(archive, _chunks(head, source), MAX_UPLOAD_BYTES, name)
        folder = unzip(archive, _new_folder(upload, "dossier"), name)
        archive.unlink()
        return Stored(folder, name)
    except BaseException:
        shutil.rmtree(upload, ignore_errors=True)
        raise


def _check_workbook(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as book:
            if "[Content_Types].xml" not in book.namelist():
                raise UploadRefused("upload_not_workbook", name=name)
    except zipfile.BadZipFile:
        raise UploadRefused("upload_not_zip", name=name) from None


def member_path(name: str) -> PurePosixPath | None:
    """The member's path inside the folder, or None for a member that is not the town's data
    (a folder, an archiver's addition, a hidden file); :class:`UploadRefused` for a name that
    would leave the folder."""
    if "\x00" in name:
        raise UploadRefused("upload_member_outside", member=name.replace("\x00", "?"))
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        raise UploadRefused("upload_member_outside", member=name)
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UploadRefused("upload_member_outside", member=name)
    if posix.endswith("/") or not parts:
        return None
    if posix.startswith(IGNORED_MEMBERS) or any(p.startswith(IGNORED_PREFIXES) for p in parts):
        return None
    return PurePosixPath(*parts)


def unzip(archive: Path, folder: Path, name: str) -> Path:
    """Unpack the zipped data folder ``archive`` into ``folder`` (empty, private), member by
    member, within the limits; the data folder: ``folder`` itself, or the one folder the
    archive holds (a folder zipped whole: ``soissons/labels.csv``...)."""
    try:
        book = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise UploadRefused("upload_not_zip", name=name) from None
    with book:
        members = book.infolist()
        if len(members) > MAX_MEMBERS:
            raise UploadRefused("upload_too_many", name=name, count=len(members), limit=MAX_MEMBERS)
        planned: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        total = 0
        for info in members:  # every member is judged before any is written
            path = member_path(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused("upload_member_link", member=info.filename)
            if path is None:
                continue
            if info.flag_bits & 0x1:
                raise UploadRefused("upload_member_encrypted", member=info.filename)
            if info.file_size > MAX_FILE_BYTES:
                raise UploadRefused("upload_member_too_large", member=info.filename, megabytes=MAX_FILE_BYTES >> 20)
            if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UploadRefused("upload_bomb", member=info.filename)
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise UploadRefused("upload_too_large_unpacked", name=name, megabytes=MAX_UNPACKED_BYTES >> 20)
            planned.append((info, path))
        try:
            _unpack(book, planned, folder)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise UploadRefused("upload_damaged", name=name) from None
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def _unpack(book: zipfile.ZipFile, planned: list[tuple[zipfile.ZipInfo, PurePosixPath]], folder: Path) -> None:
    seen: set[str] = set()
    written = 0
    for info, path in planned:
        key = path.as_posix().casefold()
        if key in seen:  # two members that one file system would write to one file
            raise UploadRefused("upload_member_twice", member=info.filename)
        seen.add(key)
        target = folder.joinpath(*path.parts)
        for parent in reversed(target.relative_to(folder).parents[:-1]):
            _mkdir(folder / parent)
        with book.open(info) as member:
            # Counted as they come: a member whose header understates its size stops at the limit.
            limit = min(info.file_size, MAX_FILE_BYTES, MAX_UNPACKED_BYTES - written)
            written += _write(target, iter(lambda m=member: m.read(CHUNK), b""), limit, info.filename)


def rename_for(stored: Stored, town_name: str) -> Stored:
    """The data folder named after the town (its name names the report's files), when it was
    given no name of its own (a workbook, a zip of files): ``Château-Thierry`` ->
    ``chateau-thierry``."""
    slug = slugify(town_name)
    if not slug or stored.folder.name not in ("commune", "dossier") or stored.folder.name == slug:
        return stored
    target = stored.folder.with_name(slug)
    if target.exists():
        return stored
    stored.folder.rename(target)
    return Stored(target, stored.original)


def _new_folder(parent: Path, stem: str) -> Path:
    for number in range(1, 10_000):
        path = parent / (stem if number == 1 else f"{stem}-{number}")
        try:
            path.mkdir(mode=stat.S_IRWXU)
        except FileExistsError:
            continue
        return path
    raise UploadRefused("upload_too_many", name=stem, count=10_000, limit=10_000)


def _mkdir(path: Path) -> None:
    try:
        path.mkdir(mode=stat.S_IRWXU)
    except FileExistsError:
        if path.is_symlink() or not path.is_dir():
            raise UploadRefused("upload_member_twice", member=path.name) from None


def _chunks(head: bytes, source):
    yield head
    while chunk := source.read(CHUNK):
        yield chunk


def _write(path: Path, chunks, limit: int, name: str) -> int:
    """Write ``chunks`` to a new file ``path`` (never through a link, never over a file), at most
    ``limit`` bytes; :class:`UploadRefused` beyond."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    size = 0
    with os.fdopen(descriptor, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UploadRefused("upload_too_large", name=name, megabytes=max(limit >> 20, 1))
            out.write(chunk)
    return size
