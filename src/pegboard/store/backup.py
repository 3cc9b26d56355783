"""Backups of a SQLite database: made with SQLite's online backup API, checked before use.

A backup is consistent even while pegboard is open in another window. A file
is restored only after it proves to be a sound pegboard database, and the
file it replaces is backed up first.
"""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pegboard.errors import StorageError, StoreError
from pegboard.store.migrations import SCHEMA_VERSION, parse_schema_version

SIDE_FILES = ("-journal", "-wal", "-shm")
"""The files SQLite may keep beside a database while it writes it."""

DAILY_KEEP = 14
"""How many daily backups are kept in backups/."""


def copy_database(source: Path, destination: Path, *, unique: bool = True) -> Path:
    """Copy one SQLite file to another through the online backup API (see `write_copy`)."""

    def copy_into(writer: sqlite3.Connection) -> None:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            reader.backup(writer)
        finally:
            reader.close()

    return write_copy(copy_into, destination, unique=unique)


def write_copy(
    copy_into: Callable[[sqlite3.Connection], None], destination: Path, *, unique: bool = True
) -> Path:
    """Make a backup at `destination` and return where it went. It is written under a
    temporary name (0600, its folder 0700), checked, and only then given its name, so a
    half-written or empty copy never stands as a backup. It never replaces a file:
    with `unique`, a taken name becomes `NAME-2.db`, `NAME-3.db`, ...; without, a taken
    name is refused. A full disk or any other failure is a StorageError, and leaves
    nothing behind."""
    destination.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    _sweep_abandoned(destination.parent)
    partial = _reserve(destination.parent / f".{destination.name}.{os.getpid()}", ".partial")
    try:
        writer = sqlite3.connect(str(partial))
        try:
            copy_into(writer)
            # One self-contained file: a copy of a WAL book would otherwise stay in WAL
            # mode, and reading it (to check it) would leave -wal and -shm files beside.
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
        _check_copy(partial)
        return _give_name(partial, destination, unique)
    except sqlite3.Error as error:
        raise StorageError(_failure(destination, error)) from None
    except OSError as error:
        if isinstance(error, FileExistsError) and not unique:
            raise StorageError(f"{destination} exists already; nothing was written") from None
        raise StorageError(_failure(destination, error)) from None
    finally:
        for leftover in (partial, *(partial.with_name(partial.name + end) for end in SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def _sweep_abandoned(folder: Path) -> None:
    """Remove copies left half-written by a process that is gone (killed mid-backup):
    they were never backups, only space."""
    for leftover in folder.glob(".*.partial*"):
        pid = leftover.name.split(".partial")[0].rsplit("-", 1)[0].rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reserve(stem: Path, suffix: str) -> Path:
    """A new empty file `STEM-N.SUFFIX` of this process's own (0600)."""
    for n in itertools.count(1):
        candidate = stem.with_name(f"{stem.name}-{n}{suffix}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        return candidate
    raise AssertionError("unreachable")


def _give_name(partial: Path, destination: Path, unique: bool) -> Path:
    """Link the finished copy in under `destination` (or the first free name after it):
    a link fails on an existing name, so no backup is ever written over."""
    names = itertools.count(1) if unique else iter([1])
    for n in names:
        target = destination if n == 1 else destination.with_stem(f"{destination.stem}-{n}")
        try:
            os.link(partial, target)
        except FileExistsError:
            if not unique:
                raise
            continue
        return target
    raise AssertionError("unreachable")


def _check_copy(path: Path) -> None:
    """A copy counts only if SQLite finds it whole and it holds tables (not an empty file)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = connection.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    finally:
        connection.close()
    if verdict != "ok" or not tables:
        raise sqlite3.DatabaseError(f"the copy did not check out ({verdict})")


def _failure(destination: Path, error: BaseException) -> str:
    text = str(error).lower()
    if "full" in text or "no space" in text or getattr(error, "errno", None) == errno.ENOSPC:
        return f"The disk is full: no backup was made in {destination.parent} (nothing changed)"
    return f"No backup was made in {destination.parent}: {error} (nothing changed)"


@dataclass(frozen=True)
class FileFacts:
    """What a checked pegboard file holds."""

    schema: int
    leads: int
    contacts: int


def inspect_file(path: Path) -> FileFacts:
    """Prove `path` is a sound pegboard database this version can open, or say why not."""
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise StoreError(f"{path} is damaged: {verdict}")
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "schema_info" not in tables:
                raise StoreError(f"{path} is not a pegboard database")
            row = connection.execute(
                "SELECT value FROM schema_info WHERE key = 'schema_version'"
            ).fetchone()
            schema = parse_schema_version(row[0] if row else None, str(path), len(tables) > 1)
            if schema > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was written by a newer pegboard (schema {schema}); upgrade first"
                )
            _check_tables(connection, path, schema)
            leads = connection.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
            contacts = connection.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not a SQLite database ({error})") from None
    return FileFacts(schema, leads, contacts)


BOOK_TABLES = ("contact", "partner", "lead", "stage_change", "touch", "referral", "purchase")
"""The tables every pegboard file has had since its first schema."""


def _check_tables(connection: sqlite3.Connection, path: Path, schema: int) -> None:
    """The file holds a book's tables (at this version's schema: every column of them),
    and its references all land: a file claiming a version is not taken at its word."""
    from pegboard.store.models import ALL_MODELS

    present = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    missing = [table for table in BOOK_TABLES if table not in present]
    if schema == SCHEMA_VERSION:
        for model in ALL_MODELS:
            table = model._meta.table_name
            if table not in present:
                missing.append(table)
                continue
            columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
            missing += [
                f"{table}.{field.column_name}"
                for field in model._meta.sorted_fields
                if field.column_name not in columns
            ]
    if missing:
        listed = ", ".join(dict.fromkeys(missing))
        raise StoreError(f"{path} is not a whole pegboard book (missing {listed})")
    dangling = connection.execute("PRAGMA foreign_key_check").fetchone()
    if dangling is not None:
        raise StoreError(
            f"{path} is damaged: a {dangling[0]} row points to a missing {dangling[2]}"
        )


def daily_backup(database_path: Path, today: date, keep: int = DAILY_KEEP) -> Path | None:
    """Once a day: copy the database into backups/ beside it, keeping the newest `keep`.

    Returns the new backup, or None when today's already exists (or there is no file yet).
    A backup that failed left nothing under today's name, so the next start tries again.
    """
    if not database_path.is_file():
        return None
    folder = database_path.parent / "backups"
    target = folder / f"{database_path.stem}-{today.isoformat()}.db"
    if target.exists():
        return None
    try:
        copy_database(database_path, target, unique=False)
    except StorageError:
        if target.exists():  # another window made it just now
            return None
        raise
    dailies = sorted(folder.glob(f"{database_path.stem}-????-??-??.db"))
    for old in dailies[:-keep]:
        old.unlink()
    return target


def restore(source: Path, database_path: Path, stamp: str) -> tuple[FileFacts, Path | None]:
    """Replace the database with `source` after checking it; the old file is backed up first.

    Returns what the restored file holds and where the replaced one was saved.
    """
    facts = inspect_file(source)
    saved = None
    if database_path.is_file():
        saved = copy_database(
            database_path,
            database_path.parent / "backups" / f"{database_path.stem}-before-restore-{stamp}.db",
        )
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(database_path), timeout=5)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    return facts, saved


def backup_before(database_path: Path, what: str, stamp: str) -> Path:
    """A copy of the file into backups/ beside it before a big change (an import)."""
    target = database_path.parent / "backups" / f"{database_path.stem}-before-{what}-{stamp}.db"
    return copy_database(database_path, target)
