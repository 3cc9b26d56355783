"""table_generation (SQLite only): a counter per table, bumped by a trigger for every row
any process writes to it.

A reader that keeps what it worked out from some tables can tell, from one small query,
whether any of those tables changed since: Today keeps each of its sections with the
counters of the tables it reads, and after a stage move on the board works out again
only the sections that read leads (at 100,000 leads the customers and partners sections
are two thirds of its time, and a move touches neither).

PostgreSQL goes without (`generations()` is None there): its screens read everything
again, as they do without a data stamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pegboard.store.dialect import has_sqlite_table
from pegboard.store.models import db

TABLES = ("contact", "partner", "lead", "stage_change", "touch", "referral", "purchase", "snooze")
"""The tables counted: every table of records (not schema_info or lead_text)."""

CREATE_TABLE = "CREATE TABLE table_generation (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"


EVENTS = ("INSERT", "UPDATE", "DELETE")


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_{event.lower()}_generation"


def _create_triggers(database) -> None:
    for table in TABLES:
        for event in EVENTS:
            database.execute_sql(
                f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} "
                f"BEGIN UPDATE table_generation SET n = n + 1 WHERE name = '{table}'; END"
            )


def create(database) -> None:
    """Make the counters (at 0) and their triggers."""
    database.execute_sql(CREATE_TABLE)
    for table in TABLES:
        database.execute_sql("INSERT INTO table_generation (name, n) VALUES (?, 0)", (table,))
    _create_triggers(database)


@contextmanager
def counted_after_bulk_load() -> Iterator[None]:
    """For a bulk load, inside the caller's transaction: the triggers are dropped while
    the rows go in, and every counter moves on once after (a trigger per row made
    `pegboard demo` 30% slower). A failed load's rollback brings the triggers back."""
    if not available():
        yield
        return
    for table in TABLES:
        for event in EVENTS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}")
    yield
    db.execute_sql("UPDATE table_generation SET n = n + 1")
    _create_triggers(db)


def available() -> bool:
    """Whether the open database keeps the counters."""
    return has_sqlite_table("table_generation")


def generations() -> dict[str, int] | None:
    """Each table's counter now, or None where the database keeps none."""
    if not available():
        return None
    return dict(db.execute_sql("SELECT name, n FROM table_generation").fetchall())
