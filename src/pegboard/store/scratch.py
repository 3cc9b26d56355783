"""Scratch space for big jobs: a key -> number map kept in a temporary SQLite file, so
that an import of any size holds no more of it in memory than SQLite's small cache."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path


class DiskMap:
    """str -> int, on disk; deleted when closed."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="pegboard-scratch-")
        self._db = sqlite3.connect(Path(self._folder.name) / "map.db", isolation_level=None)
        # Scratch data: no journal, no syncing, a 4 MB page cache.
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4000;"
            "CREATE TABLE map (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
        )
        self._db.execute("BEGIN")

    def get(self, key: str) -> int | None:
        row = self._db.execute("SELECT value FROM map WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def add(self, key: str, value: int) -> bool:
        """Set `key` unless it is there already; whether it was added."""
        cursor = self._db.execute("INSERT OR IGNORE INTO map VALUES (?, ?)", (key, value))
        return cursor.rowcount == 1

    def add_many(self, items) -> None:
        self._db.executemany("INSERT OR IGNORE INTO map VALUES (?, ?)", items)

    def set(self, key: str, value: int) -> None:
        self._db.execute("UPDATE map SET value = ? WHERE key = ?", (value, key))

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()
