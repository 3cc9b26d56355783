"""Schema 9's columns: added, and the folded name keys and the phone keys of rows
written before they existed filled in: in one pass over the table, chunked, with the keys worked out in
Python (neither database folds accents the way text.folded does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from peewee import Database

from pegboard.phones import phone_key
from pegboard.text import folded

CHUNK = 5000
KEY_COLUMNS = (
    ("contact", "name_key", "VARCHAR(255)"),
    ("contact", "company_key", "VARCHAR(255)"),
    ("contact", "phone_key", "VARCHAR(255)"),
    ("contact", "also_reach", "TEXT"),
    ("lead", "title_key", "VARCHAR(255)"),
)
"""The columns schema 9 adds, as the models declare them."""


def add_columns(database: Database) -> None:
    """Each column added NOT NULL DEFAULT '' in one statement: playhouse's add_column
    adds it nullable and then rebuilds the table to make it NOT NULL, which on SQLite
    copies every row through the lead_text triggers and drops the table they name."""
    for table, column, kind in KEY_COLUMNS:
        database.execute_sql(
            f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind} NOT NULL DEFAULT \'\''
        )


def fill_folded_keys(database: Database) -> None:
    """Every contact's name_key and company_key, and every lead's title_key."""
    _fill(
        database,
        "SELECT id, name, company FROM contact",
        "UPDATE contact SET name_key = {p}, company_key = {p} WHERE id = {p}",
        lambda row: (folded(row[1]), folded(row[2]), row[0]),
    )
    _fill(
        database,
        "SELECT id, title FROM lead",
        "UPDATE lead SET title_key = {p} WHERE id = {p}",
        lambda row: (folded(row[1]), row[0]),
    )


def fill_phone_keys(database: Database, region: str) -> None:
    """The phone key of every contact with a phone and no key yet, read in `region`."""
    _fill(
        database,
        "SELECT id, phone FROM contact WHERE phone <> '' AND phone_key = ''",
        "UPDATE contact SET phone_key = {p} WHERE id = {p}",
        lambda row: (phone_key(row[1], region), row[0]),
    )


def _fill(database: Database, select: str, update: str, values: Callable) -> None:
    rows = database.execute_sql(select).fetchall()
    statement = update.format(p=database.param)
    for start in range(0, len(rows), CHUNK):
        _execute_many(database, statement, (values(row) for row in rows[start : start + CHUNK]))


def _execute_many(database: Database, statement: str, rows: Iterable[tuple]) -> None:
    cursor = database.cursor()
    try:
        cursor.executemany(statement, list(rows))
    finally:
        cursor.close()
