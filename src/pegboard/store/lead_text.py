"""lead_text (SQLite only): each lead's searchable text in an FTS5 trigram index.

The text is the lead's contact's name, company and email and the lead's title;
triggers on lead and contact keep it. The board's filter and the palette look
three letters or more up in it instead of reading every lead.

The trigram tokenizer came with SQLite 3.34 (2020). Where Python's SQLite is
older, or built without FTS5, the migration leaves the table out and searches
read every lead as before (`available()` says which).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pegboard.store.dialect import has_sqlite_table
from pegboard.store.models import db

BODY = "contact.name || ' ' || contact.company || ' ' || lead.title || ' ' || contact.email"
"""What a lead is found by."""

CREATE_TABLE = "CREATE VIRTUAL TABLE lead_text USING fts5(body, tokenize='trigram')"

_INDEX_LEADS = (
    f"INSERT INTO lead_text(rowid, body) SELECT lead.id, {BODY} "
    "FROM lead JOIN contact ON contact.id = lead.contact_id WHERE {which}"
)

INDEX_MISSING = _INDEX_LEADS.format(which="lead.id NOT IN (SELECT rowid FROM lead_text)")
"""Index the leads that are not yet: after a migration or a bulk load."""

TRIGGERS = {
    "lead_text_insert": f"""CREATE TRIGGER lead_text_insert AFTER INSERT ON lead BEGIN
        {_INDEX_LEADS.format(which="lead.id = new.id")};
    END""",
    "lead_text_update": f"""CREATE TRIGGER lead_text_update
        AFTER UPDATE OF title, contact_id ON lead BEGIN
        DELETE FROM lead_text WHERE rowid = old.id;
        {_INDEX_LEADS.format(which="lead.id = new.id")};
    END""",
    "lead_text_delete": """CREATE TRIGGER lead_text_delete AFTER DELETE ON lead BEGIN
        DELETE FROM lead_text WHERE rowid = old.id;
    END""",
    "lead_text_contact": f"""CREATE TRIGGER lead_text_contact
        AFTER UPDATE OF name, company, email ON contact BEGIN
        DELETE FROM lead_text WHERE rowid IN (SELECT id FROM lead WHERE contact_id = new.id);
        {_INDEX_LEADS.format(which="lead.contact_id = new.id")};
    END""",
}


def available() -> bool:
    """Whether the open database has lead_text."""
    return has_sqlite_table("lead_text")


def create(database) -> bool:
    """Make the table and its triggers and index every lead; False (and nothing made)
    where this SQLite has no FTS5 or no trigram tokenizer."""
    from peewee import OperationalError

    try:
        database.execute_sql(CREATE_TABLE)
    except OperationalError:
        return False
    for statement in TRIGGERS.values():
        database.execute_sql(statement)
    database.execute_sql(INDEX_MISSING)
    return True


@contextmanager
def indexed_after_bulk_load() -> Iterator[None]:
    """For a bulk insert of leads, inside the caller's transaction: the per-row insert
    trigger is dropped while the rows go in, and the new leads are indexed in one
    statement after (at 100,000 leads: 9 s of triggers against 2.5 s). The other
    triggers stay, so a contact the load fills in is indexed again as ever. If the load
    fails, the rollback brings the trigger back with everything else."""
    if not available():
        yield
        return
    db.execute_sql("DROP TRIGGER IF EXISTS lead_text_insert")
    yield
    db.execute_sql(INDEX_MISSING)
    db.execute_sql(TRIGGERS["lead_text_insert"])
