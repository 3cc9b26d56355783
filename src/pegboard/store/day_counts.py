"""A table's rows counted per UTC day (part of schema 12, see store.tallies), kept by
the same triggers as the tallies: a figure kept over all time (the stays, each
partner's referrals) is read for a period as the whole less what came before the
period, or as the period's own rows, whichever side of its first instant holds fewer
rows; these counts tell which, without reading the rows."""

from __future__ import annotations

from datetime import datetime

from pegboard.store.models import db


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
