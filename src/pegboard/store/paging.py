"""The first rows of a long listing, with how many there are in all, from one query."""

from __future__ import annotations

from peewee import SQL, fn


def first_rows_and_count(query, limit: int) -> tuple[list[tuple], int]:
    """The first `limit` rows of `query` (as tuples), and how many rows it has in all.

    The count comes as a window over every row (`COUNT(*) OVER ()`), on each of the
    first: a query that aggregates a whole table runs once, not again to count, and only
    the rows shown are read into Python. Today's customers (7,000 at 100,000 leads) and
    partners I owe are read this way."""
    rows = list(query.select_extend(fn.COUNT(SQL("*")).over()).limit(limit).tuples())
    return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)
