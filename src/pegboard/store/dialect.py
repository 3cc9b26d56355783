"""The few SQL expressions that SQLite and PostgreSQL spell differently.

Everything else in pegboard's queries is plain peewee and runs on both as is.
"""

from __future__ import annotations

from peewee import SQL, Cast, Database, Node, NodeList, PostgresqlDatabase, fn

from pegboard.store.models import db


def is_postgres(database: Database | None = None) -> bool:
    """Whether `database` (by default the open one) is PostgreSQL."""
    return isinstance(database or db.obj, PostgresqlDatabase)


def has_sqlite_table(name: str) -> bool:
    """Whether the open database is SQLite and has the table `name`: for the tables some
    SQLite files have and PostgreSQL never does (lead_text, table_generation). Asked of
    the database once per table, then remembered on it."""
    database = db.obj
    known = database.__dict__.setdefault("_pegboard_sqlite_tables", {})
    if name not in known:
        known[name] = not is_postgres() and name in database.get_tables()
    return known[name]


def days_between(start: Node, end: Node, database: Database | None = None) -> Node:
    """`end - start` in days, with fractions, for two timestamps or two dates."""
    if is_postgres(database):
        span = Cast(end, "timestamp") - Cast(start, "timestamp")
        return NodeList((SQL("EXTRACT(EPOCH FROM"), span, SQL(")"))) / 86400.0
    return fn.julianday(end) - fn.julianday(start)


def holds_item(listed: Node, item: str) -> Node:
    """Whether the comma-separated list `listed` has `item` among its items (exactly, in
    case too, on both databases: LIKE would not be)."""
    wrapped = SQL("','").concat(listed).concat(",")
    position = fn.strpos if is_postgres() else fn.instr
    return position(wrapped, f",{item},") > 0


def without_index(text_field: Node) -> Node:
    """A text column's value in a form no index on the column can answer, so that the
    planner takes another index for the query (SQLite's `+column` idiom; `|| ''` means
    the same on PostgreSQL). For a query the planner would otherwise read through the
    wrong index, such as every open lead by stage when a LIMIT asks for the first few by
    due date."""
    return text_field.concat("")


def reset_id_sequences(models) -> None:
    """After rows were inserted with their ids given (an export taken back), make the
    ids the database hands out next follow the highest one. SQLite does so by itself;
    PostgreSQL's sequences must be told."""
    if not is_postgres():
        return
    for model in models:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )
