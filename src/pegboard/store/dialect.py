"""The few SQL expressions that SQLite and PostgreSQL spell differently.

Everything else in pegboard's queries is plain peewee and runs on both as is.
"""

from __future__ import annotations

from peewee import SQL, Cast, Database, Node, NodeList, PostgresqlDatabase, fn

from pegboard.store.models import db


def is_postgres(database: Database | None = None) -> bool:
    """Whether `database` (by default the open one) is PostgreSQL."""
    return isinstance(database or db.obj, PostgresqlDatabase)


def days_between(start: Node, end: Node, database: Database | None = None) -> Node:
    """`end - start` in days, with fractions, for two timestamps or two dates."""
    if is_postgres(database):
        span = Cast(end, "timestamp") - Cast(start, "timestamp")
        return NodeList((SQL("EXTRACT(EPOCH FROM"), span, SQL(")"))) / 86400.0
    return fn.julianday(end) - fn.julianday(start)
