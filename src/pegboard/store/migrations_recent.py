"""The latest schema steps (10 to 13): new tables, and the columns triggers keep. Like every step, each uses
frozen copies of its tables, never the live models (see store.migrations)."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    CompositeKey,
    Database,
    DateField,
    ForeignKeyField,
    IntegerField,
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


def _tally_tables() -> tuple[type[Model], list[type[Model]]]:
    """Schema 12's frozen tally tables (and the contact table they point to)."""
    from pegboard.store import tallies

    class Contact(Model):
        id = AutoField()

        class Meta:
            table_name = "contact"

    class LeadTally(Model):
        event = CharField()
        day = CharField()
        source = CharField()
        partnered = IntegerField()
        stage = CharField()
        qualified = IntegerField()
        reached = CharField()
        leads = IntegerField()
        value_cents = BigIntegerField()
        seconds = BigIntegerField()
        touches = IntegerField()

        class Meta:
            table_name = "lead_tally"
            primary_key = CompositeKey(*tallies.TALLY_KEY)
            # A period's figures summed in key order from the index alone.
            indexes = (
                (
                    (*tallies.TALLY_KEY[:1], *tallies.TALLY_KEY[2:], "day", *tallies.MEASURES),
                    False,
                ),
            )

    class CustomerTally(Model):
        contact = ForeignKeyField(Contact, primary_key=True)
        spent = BigIntegerField()
        bought = IntegerField()
        first_on = DateField()
        last_on = DateField()
        partnered = IntegerField()
        sources = TextField()

        class Meta:
            table_name = "customer_tally"
            # The top customers, from the biggest spender down; the customers since a day
            # and how they came, from the index alone.
            indexes = (
                (("spent", "contact", "last_on"), False),
                (("first_on", "spent", "bought", "last_on", "partnered", "sources"), False),
            )

    class StayTally(Model):
        stage = CharField()
        hours = IntegerField()
        stays = IntegerField()

        class Meta:
            table_name = "stay_tally"
            primary_key = CompositeKey("stage", "hours")

    class PartnerTally(Model):
        partner_id = IntegerField(primary_key=True)
        converted = IntegerField()
        closed_cents = BigIntegerField()
        given = IntegerField()

        class Meta:
            table_name = "partner_tally"

    class DayCount(Model):
        kind = CharField()
        day = CharField()
        n = IntegerField()

        class Meta:
            table_name = "day_count"
            primary_key = CompositeKey("kind", "day")

    return Contact, [LeadTally, CustomerTally, StayTally, PartnerTally, DayCount]


def add_tallies(database: Database) -> None:
    """Step 11 -> 12: the figures Insights reads, kept on write by triggers (see
    store.tallies): the tally tables, the two columns of `lead` they follow (the stages
    reached, the touches), an index for the first day of a period, and every tally
    worked out from the rows there are (after the last step: see REBUILDS_TALLIES)."""
    from playhouse.migrate import SchemaMigrator, make_index_name, migrate

    contact, tables = _tally_tables()
    with database.bind_ctx([contact, *tables]):
        database.create_tables(tables)
    # In one statement each (see keys.add_columns for why not playhouse's add_column).
    database.execute_sql("ALTER TABLE lead ADD COLUMN reached TEXT NOT NULL DEFAULT ''")
    database.execute_sql("ALTER TABLE lead ADD COLUMN touch_count INTEGER NOT NULL DEFAULT 0")
    migrator = SchemaMigrator.from_database(database)
    from pegboard.store.migrations import REFERRAL_TALLY

    migrate(
        # The partners' counts and sums index, with the person last: the customers each
        # partner sent, from the index alone (the network's figures).
        migrator.drop_index("referral", make_index_name("referral", REFERRAL_TALLY)),
        migrator.add_index("referral", (*REFERRAL_TALLY, "contact_id"), False),
        # The first day of a period read from the leads; the newest leads (the
        # palette's search of one or two letters); the archived leads (few) whose
        # stays do not count; the stays still going, from the index alone; the stays
        # that ended before (or from) a period's first instant.
        migrator.add_index("lead", ("qualified_at",), False),
        migrator.add_index("lead", ("updated_at",), False),
        migrator.add_index("lead", ("stage", "archived_at", "stage_entered_at"), False),
        migrator.add_index(
            "stage_change", ("changed_at", "from_stage", "stay_hours", "lead_id"), False
        ),
        migrator.add_index(
            "referral",
            ("at", "archived_at", "partner_id", "direction", "outcome", "value_cents"),
            False,
        ),
    )
    # Partial: an index of every lead by archived_at would be taken for `archived_at IS
    # NULL`, which holds for nearly all of them.
    database.execute_sql("CREATE INDEX lead_archived ON lead (id) WHERE archived_at IS NOT NULL")


UNTOUCHED_LEADS = "touch_count = 0 AND archived_at IS NULL"
"""The live leads no one has touched yet: the new referrals Today lists are among them."""


def add_untouched_index(database: Database) -> None:
    """Step 12 -> 13: the live leads with no touch, in an index of their own (partial: a
    few dozen at 100,000 leads). Today's new referrals were found by checking every open
    lead's touches (15-25 ms at 100,000 leads); through it they are read at once."""
    database.execute_sql(
        f"CREATE INDEX lead_untouched ON lead (touch_count) WHERE {UNTOUCHED_LEADS}"
    )


def add_partner_owed_counts(database: Database) -> None:
    """Step 13 -> 14: each partner's referrals received and converted ones not yet
    thanked, kept on write with the other partner sums (store.partner_tally). "Partners I
    owe" and the partners table summed every referral for them (27 ms at 100,000 leads)."""
    for column in ("received", "unthanked"):
        database.execute_sql(
            f"ALTER TABLE partner_tally ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0"
        )
