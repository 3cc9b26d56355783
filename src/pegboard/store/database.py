"""Opening the database from a path or URL, with pragmas, schema checks and migrations."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from pegboard.errors import SchemaTooNew, StoreError
from pegboard.paths import hide_password, shown_target, sqlite_path
from pegboard.store.migrations import (
    MIGRATIONS,
    REBUILDS_TALLIES,
    SCHEMA_VERSION,
    parse_schema_version,
)
from pegboard.store.models import SchemaInfo, db

SQLITE_PRAGMAS = {
    "foreign_keys": 1,
    "busy_timeout": 5000,
    # FULL: a commit survives a power cut too, not only a killed process.
    "synchronous": "full",
}


def connect(target: str) -> Database:
    """A peewee database for `target`, not yet opened or checked."""
    path = sqlite_path(target)
    if path is None:
        from playhouse.db_url import connect as connect_url

        try:
            return connect_url(target)
        except (RuntimeError, ValueError) as error:
            raise StoreError(
                f"cannot use database URL {shown_target(target)!r}: "
                f"{hide_password(str(error), target)}"
            ) from None
    # Write transactions start with the write lock (BEGIN IMMEDIATE): a deferred one that
    # reads and then writes fails at once with "database is locked" when another process
    # wrote in between, instead of waiting out the busy timeout.
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5, lock_type="IMMEDIATE")


def _why(error: BaseException, target: str, path: Path | None) -> str:
    """The driver's reason, with a full disk named as such (SQLite says "disk I/O error"
    when it cannot even make the files it opens a book with); never a password."""
    if path is not None:
        with contextlib.suppress(OSError):
            if shutil.disk_usage(path.parent).free == 0:
                return "the disk is full (free some space, then try again)"
            if not os.access(path.parent, os.W_OK):
                return (
                    f"{path.parent} is read-only, and a book needs its folder writable "
                    "(for its journal)"
                )
    return hide_password(str(error), target)


def _prepare_sqlite_file(path: Path) -> None:
    """Create a new file (and its folder) readable by the user only."""
    if path.exists():
        return
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        raise StoreError(f"cannot create {path} ({error.strerror or error})") from None


def schema_version(database: Database) -> int:
    """The version stored in the file: 0 for an empty database."""
    tables = database.get_tables()
    if "schema_info" not in tables:
        if tables:
            raise StoreError(
                f"{database.database} is not a pegboard database (it has other tables)"
            )
        return 0
    with database.bind_ctx([SchemaInfo]):
        row = SchemaInfo.get_or_none(SchemaInfo.key == "schema_version")
    return parse_schema_version(
        row.value if row else None, str(database.database), other_tables=len(tables) > 1
    )


def open_database(
    target: str, *, backup_dir: Path | None = None, phone_region: str = "US"
) -> Database:
    """Open (creating if needed) and migrate the database at `target`; bind the models to it.

    A file written by a newer pegboard is refused and left as it was. An older
    SQLite file is backed up (into `backup_dir`, or a `backups` folder beside
    it) before it is migrated in place; phones it holds are keyed as numbers of
    `phone_region` (the book's, from config.toml).
    """
    path = sqlite_path(target)
    if path is not None:
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        _prepare_sqlite_file(path)
    database = connect(target)
    try:
        version = schema_version(database)
    except (DatabaseError, sqlite3.DatabaseError) as error:
        database.close()
        raise StoreError(
            f"cannot open {shown_target(target)}: {_why(error, target, path)}"
        ) from None
    if version > SCHEMA_VERSION:
        database.close()
        raise SchemaTooNew(
            f"{shown_target(target)} was written by a newer pegboard (schema {version}; this one "
            f"knows up to {SCHEMA_VERSION}): upgrade pegboard to open it"
        )
    if isinstance(database, SqliteDatabase):
        # Set here, after the version check, so a refused file is not touched.
        _ensure_wal(database)
    if version < SCHEMA_VERSION:
        # Under the write lock, so two pegboards opening one old (or new) file at once
        # do not both migrate it: the second finds the work done.
        if 0 < version < SCHEMA_VERSION and path is not None:
            # Before taking the lock: the backup API cannot copy from a connection that is
            # inside a write transaction (it would wait on itself).
            backup_sqlite(
                database, _backup_name(backup_dir or path.parent / "backups", path, version)
            )
        with _write_lock(database):
            migrate_to_latest(database, schema_version(database))
            if version < PHONE_KEYS_SINCE:
                from pegboard.store.keys import fill_phone_keys

                fill_phone_keys(database, phone_region)
    db.initialize(database)
    return database


def _ensure_wal(database: SqliteDatabase, attempts: int = 50) -> None:
    """Switch the file to WAL. The switch needs the file to itself and does not wait on the
    busy timeout, so when another pegboard is opening the same new file, retry briefly."""
    for _ in range(attempts):
        mode = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        if mode == "wal":
            return
        try:
            database.execute_sql("PRAGMA journal_mode=wal")
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.1)
    raise StoreError(f"{database.database} is busy in another program; try again")


@contextlib.contextmanager
def _write_lock(database: Database):
    """A transaction that holds the write lock from its start: BEGIN IMMEDIATE on SQLite,
    a transaction-scoped advisory lock on PostgreSQL (two pegboards migrating one server
    database at once take turns; the second finds the work done)."""
    if isinstance(database, SqliteDatabase):
        with database.atomic(lock_type="IMMEDIATE"):
            yield
        return
    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        yield


PHONE_KEYS_SINCE = 9
"""The schema that keys phones: a file older than it has its phones keyed once opened."""

MIGRATION_LOCK = 0x70656762
"""The advisory lock key pegboard's migrations take on PostgreSQL ('pegb')."""


def migrate_to_latest(database: Database, version: int) -> None:
    """Run each missing step in its own (nested) transaction, recording the version reached,
    then work the tallies out again if a step asked for it (REBUILDS_TALLIES)."""
    for target_version in range(version + 1, SCHEMA_VERSION + 1):
        with database.atomic(), database.bind_ctx([SchemaInfo]):
            MIGRATIONS[target_version](database)
            (
                SchemaInfo.insert(key="schema_version", value=str(target_version))
                .on_conflict(
                    conflict_target=[SchemaInfo.key],
                    update={SchemaInfo.value: str(target_version)},
                )
                .execute()
            )
    if REBUILDS_TALLIES.intersection(range(version + 1, SCHEMA_VERSION + 1)):
        from pegboard.store import tallies

        with database.atomic():
            tallies.rebuild(database)


def _backup_name(folder: Path, path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{path.stem}-schema{version}-{stamp}.db"


def backup_sqlite(database: SqliteDatabase, destination: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while in use), made as
    every backup is (`store.backup.write_copy`: checked, never over another file)."""
    from pegboard.store.backup import write_copy

    return write_copy(lambda target: database.connection().backup(target), destination)


def close_database() -> None:
    """Close the bound database, if any (tests open many files in one process)."""
    if db.obj is not None:
        with contextlib.suppress(OperationalError):
            db.close()


def data_version() -> int | None:
    """A number that changes when another connection commits a write.

    SQLite's data_version exactly; on PostgreSQL, the rows inserted, updated and deleted
    in pegboard's tables by all sessions (the server's statistics, which trail a commit
    by up to a second and count this session's writes too).
    """
    if isinstance(db.obj, SqliteDatabase):
        return db.execute_sql("PRAGMA data_version").fetchone()[0]
    row = db.execute_sql(
        "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
    ).fetchone()
    return int(row[0])


def write_generation() -> tuple[int, int] | None:
    """A value that changes whenever a write has been made, by this connection or any
    other: SQLite's data_version (commits by other connections, this process's worker
    threads included) with total_changes() (rows this connection changed). None on
    PostgreSQL, whose statistics trail a commit: there a caller must assume a change."""
    if isinstance(db.obj, SqliteDatabase):
        row = db.execute_sql(
            "SELECT total_changes(), data_version FROM pragma_data_version()"
        ).fetchone()
        return tuple(row)
    return None


def open_sqlite_file() -> Path | None:
    """The file behind the open database when it is SQLite; None for a server."""
    if isinstance(db.obj, SqliteDatabase):
        return Path(db.obj.database)
    return None
