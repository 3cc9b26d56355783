"""Backups of a SQLite database: made with SQLite's online backup API, checked before use.

A backup is consistent even while pegboard is open in another window. A file
is restored only after it proves to be a sound pegboard database, and the
file it replaces is backed up first.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pegboard.errors import StoreError
from pegboard.store.migrations import SCHEMA_VERSION

DAILY_KEEP = 14
"""How many daily backups are kept in backups/."""


def copy_database(source: Path, destination: Path) -> Path:
    """Copy one SQLite file to another through the online backup API (0600, folder 0700)."""
    if not destination.parent.exists():
        destination.parent.mkdir(parents=True, mode=0o700)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(destination))
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    os.chmod(destination, 0o600)
    return destination


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
            schema = int(row[0]) if row else 0
            if schema > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was written by a newer pegboard (schema {schema}); upgrade first"
                )
            leads = connection.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
            contacts = connection.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not a SQLite database ({error})") from None
    return FileFacts(schema, leads, contacts)


def daily_backup(database_path: Path, today: date, keep: int = DAILY_KEEP) -> Path | None:
    """Once a day: copy the database into backups/ beside it, keeping the newest `keep`.

    Returns the new backup, or None when today's already exists (or there is no file yet).
    """
    if not database_path.is_file():
        return None
    folder = database_path.parent / "backups"
    target = folder / f"{database_path.stem}-{today.isoformat()}.db"
    if target.exists():
        return None
    copy_database(database_path, target)
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
