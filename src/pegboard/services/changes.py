"""Notice writes made by another pegboard window or a script, so the open screen can refresh."""

from __future__ import annotations

from datetime import date

from pegboard.config import Settings
from pegboard.store.database import data_version, write_generation


class ChangeWatcher:
    """Polled by the app; `changed()` is true once after another process committed."""

    def __init__(self) -> None:
        self.seen = data_version()

    def changed(self) -> bool:
        now = data_version()
        if now is None or now == self.seen:
            return False
        self.seen = now
        return True


DataStamp = tuple
"""(write generation, settings, day): what a screen's data was loaded at. Compared with
`!=`, never hashed (the settings hold a dict)."""


def data_stamp(settings: Settings, today: date) -> DataStamp | None:
    """What every screen's data depends on: the writes made, here or elsewhere, the
    settings, and the day (due, overdue and stale move with it). A screen that keeps the
    stamp it loaded at can skip reloading while the stamp stays the same. None when
    writes cannot be told apart (PostgreSQL): then reload."""
    generation = write_generation()
    return None if generation is None else (generation, settings, today)


def tables_stamp(tables: tuple[str, ...], settings: Settings, today: date) -> DataStamp | None:
    """What a listing that reads only `tables` was loaded at: their write counters
    (store.table_generations, kept by triggers whatever process writes), the settings and
    the day. None where no counters are kept (PostgreSQL): then reload."""
    from pegboard.store.table_generations import generations

    counters = generations()
    return None if counters is None else (tuple(counters[t] for t in tables), settings, today)
