"""lead_text (SQLite only): each lead's searchable text in an FTS5 trigram index.

The text is the lead's contact's name, company, emails and phones and the lead's title, folded
(no accents, no case); triggers on lead and contact keep it. The board's filter and the palette look
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

BODY = (
    "contact.name_key || ' ' || contact.company_key || ' ' || lead.title_key || ' ' "
    "|| lower(contact.email) || ' ' || lower(contact.also_reach)"
)
"""What a lead is found by, folded (no accents, no case: see Contact.name_key), so the
index finds José for `jose`; a search folds its words the same way."""

FIRST_BODY = "contact.name || ' ' || contact.company || ' ' || lead.title || ' ' || contact.email"
"""The body as schema 6 made it, before the folded keys (schema 9)."""

CREATE_TABLE = "CREATE VIRTUAL TABLE lead_text USING fts5(body, tokenize='trigram')"


def _index_leads(body: str, which: str) -> str:
    return (
        f"INSERT INTO lead_text(rowid, body) SELECT lead.id, {body} "
        f"FROM lead JOIN contact ON contact.id = lead.contact_id WHERE {which}"
    )


def index_missing(body: str = BODY) -> str:
    """Index the leads that are not yet: after a migration or a bulk load."""
    return _index_leads(body, "lead.id NOT IN (SELECT rowid FROM lead_text)")


def triggers(body: str = BODY) -> dict[str, str]:
    """The triggers that keep lead_text, by name: the columns they watch are those the
    body is made of (and the raw ones they are folded from)."""
    lead_columns, contact_columns = (
        ("title, contact_id", "name, company, email")
        if body == FIRST_BODY
        else (
            "title, title_key, contact_id",
            "name, company, email, name_key, company_key, also_reach",
        )
    )
    return {
        "lead_text_insert": f"""CREATE TRIGGER lead_text_insert AFTER INSERT ON lead BEGIN
            {_index_leads(body, "lead.id = new.id")};
        END""",
        "lead_text_update": f"""CREATE TRIGGER lead_text_update
            AFTER UPDATE OF {lead_columns} ON lead BEGIN
            DELETE FROM lead_text WHERE rowid = old.id;
            {_index_leads(body, "lead.id = new.id")};
        END""",
        "lead_text_delete": """CREATE TRIGGER lead_text_delete AFTER DELETE ON lead BEGIN
            DELETE FROM lead_text WHERE rowid = old.id;
        END""",
        "lead_text_contact": f"""CREATE TRIGGER lead_text_contact
            AFTER UPDATE OF {contact_columns} ON contact BEGIN
            DELETE FROM lead_text WHERE rowid IN (SELECT id FROM lead WHERE contact_id = new.id);
            {_index_leads(body, "lead.contact_id = new.id")};
        END""",
    }


def available() -> bool:
    """Whether the open database has lead_text."""
    return has_sqlite_table("lead_text")


def create(database, body: str = BODY) -> bool:
    """Make the table and its triggers and index every lead; False (and nothing made)
    where this SQLite has no FTS5 or no trigram tokenizer."""
    from peewee import OperationalError

    try:
        database.execute_sql(CREATE_TABLE)
    except OperationalError:
        return False
    for statement in triggers(body).values():
        database.execute_sql(statement)
    database.execute_sql(index_missing(body))
    return True


def rebuild(database) -> None:
    """Index every lead again from the current body, with the current triggers (a
    migration that changes what the text is made of)."""
    if not database.table_exists("lead_text"):
        return
    for name in triggers():
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    database.execute_sql("DELETE FROM lead_text")
    for statement in triggers().values():
        database.execute_sql(statement)
    database.execute_sql(index_missing())


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
    db.execute_sql(index_missing())
    db.execute_sql(triggers()["lead_text_insert"])
