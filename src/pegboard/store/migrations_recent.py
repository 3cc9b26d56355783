"""The latest schema steps (10 and 11): new tables only. Like every step, each uses
frozen copies of its tables, never the live models (see store.migrations)."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    Database,
    ForeignKeyField,
    Model,
    TextField,
)

from pegboard.store.fields import UTCDateTimeField


def add_assistant_writes(database: Database) -> None:
    """Step 9 -> 10: the record of every change an AI assistant made through
    `pegboard mcp` (see models.AssistantWrite)."""

    class AssistantWrite(Model):
        id = AutoField()
        at = UTCDateTimeField()
        tool = CharField()
        summary = TextField()
        record_kind = CharField(default="")
        record_id = BigIntegerField(null=True)

        class Meta:
            table_name = "assistant_write"
            indexes = ((("record_kind", "record_id"), False),)

    with database.bind_ctx([AssistantWrite]):
        database.create_tables([AssistantWrite])


def add_contact_merges(database: Database) -> None:
    """Step 10 -> 11: the record of each merge of two contacts (see models.ContactMerge)."""

    class Contact(Model):
        id = AutoField()

        class Meta:
            table_name = "contact"

    class ContactMerge(Model):
        id = AutoField()
        at = UTCDateTimeField()
        keep = ForeignKeyField(Contact)
        other = ForeignKeyField(Contact)
        moved = TextField()
        undone_at = UTCDateTimeField(null=True)

        class Meta:
            table_name = "contact_merge"

    with database.bind_ctx([Contact, ContactMerge]):
        database.create_tables([ContactMerge])
