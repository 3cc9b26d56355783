"""A table's rows counted per UTC day (part of schema 12, see store.tallies), kept by
the same triggers as the tallies: a figure kept over all time (the stays, each
partner's referrals) is read for a period as the whole less what came before the
period, or as the period's own rows, whichever side of its first instant holds fewer
rows; these counts tell which, without reading the rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pegboard.store.models import db

K = TypeVar("K")


def count_statement(kind: str, day: str, sign: int) -> str:
    """The statement that counts a row of `kind` in (sign 1) or out (-1) of its day
    (`day`: the SQL of the row's UTC day)."""
    return (
        f"INSERT INTO day_count (kind, day, n) SELECT '{kind}', {day}, {sign} WHERE true "
        "ON CONFLICT (kind, day) DO UPDATE SET n = day_count.n + excluded.n"
    )


def _counted(kind: str, table: str, day: str) -> str:
    return f"SELECT '{kind}', {day}, COUNT(*) FROM {table} GROUP BY {day}"


def rebuild(database, kind: str, table: str, day: str) -> None:
    """The counts of `kind` worked out again from `table` (`day`: the SQL of a row's day)."""
    database.execute_sql(f"DELETE FROM day_count WHERE kind = '{kind}'")
    database.execute_sql(f"INSERT INTO day_count (kind, day, n) {_counted(kind, table, day)}")


def agree(kind: str, table: str, day: str) -> bool:
    """Whether the kept counts of `kind` are those of `table`'s rows."""
    kept = db.execute_sql(f"SELECT kind, day, n FROM day_count WHERE kind = '{kind}' AND n <> 0")
    rows = db.execute_sql(_counted(kind, table, day))
    return {tuple(row) for row in kept.fetchall()} == {
        (k, d, int(n)) for k, d, n in rows.fetchall()
    }


def fewer_before(kind: str, start: datetime) -> bool:
    """Whether fewer rows of `kind` came before `start`'s day than from it on. (To the
    day: which side is read changes only the time taken, never the figures.)"""
    param = db.param
    total, inside = db.execute_sql(
        "SELECT COALESCE(SUM(n), 0), "
        f"COALESCE(SUM(CASE WHEN day >= {param} THEN n ELSE 0 END), 0) "
        f"FROM day_count WHERE kind = {param}",
        [start.date().isoformat(), kind],
    ).fetchone()
    return total - inside < inside


def since(
    kind: str,
    column: str,
    start: datetime | None,
    whole: dict[K, int],
    read: Callable[[str, list], dict[K, int]],
) -> dict[K, int]:
    """A figure kept over all time (`whole`: key -> count) taken from `start` on (naive
    UTC, as stored; None: all time): `whole` less what `read(where, params)` counts
    before `start` (by `column`), or what it counts from `start` on, whichever side of
    `start` holds fewer rows of `kind`. Keys counted 0 are left out."""
    if start is None:
        return whole
    param = db.param
    if not fewer_before(kind, start):
        return read(f"{column} >= {param}", [start])
    for key, before in read(f"{column} < {param}", [start]).items():
        whole[key] = whole.get(key, 0) - before
    return {key: count for key, count in whole.items() if count}
