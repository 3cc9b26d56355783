"""Schema versions and the steps between them.

Every database, new or old, is brought to SCHEMA_VERSION by running the steps
it has not had yet, in order, so a fresh file and a migrated one are built by
the same code. Each step uses frozen copies of the tables as they were at that
version (never the live models, which keep changing), and the operations of
playhouse.migrate, so the steps run on SQLite and PostgreSQL alike. That module is
imported only when a step runs: a start that needs none should not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    Database,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    fn,
)

from pegboard.errors import StoreError
from pegboard.store.fields import UTCDateTimeField
from pegboard.store.migrations_recent import (
    add_assistant_writes,
    add_contact_merges,
    add_partner_owed_counts,
    add_tallies,
    add_untouched_index,
)


def _v1_tables() -> list[type[Model]]:
    """The tables as pegboard 0.1 first shipped them (frozen)."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    class SchemaInfo(Base):
        key = CharField(primary_key=True)
        value = TextField()

    class Contact(Base):
        id = AutoField()
        name = CharField(index=True)
        company = CharField(default="")
        email = CharField(default="", index=True)
        phone = CharField(default="", index=True)
        notes = TextField(default="")
        tags = CharField(default="")
        asked_referral_at = UTCDateTimeField(null=True)
        testimonial_at = UTCDateTimeField(null=True)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()
        archived_at = UTCDateTimeField(null=True)

    class Partner(Base):
        id = AutoField()
        contact = ForeignKeyField(Contact, unique=True)
        category = CharField(default="")
        since = DateField(null=True)
        notes = TextField(default="")
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()
        archived_at = UTCDateTimeField(null=True)

    class Lead(Base):
        id = AutoField()
        title = CharField(default="")
        contact = ForeignKeyField(Contact)
        stage = CharField()
        source = CharField(default="")
        value_cents = BigIntegerField(default=0)
        next_action = CharField(default="")
        due_date = DateField(null=True, index=True)
        qualification = TextField(default="[]")
        referred_by = ForeignKeyField(Partner, null=True)
        position = BigIntegerField(default=0)
        stage_entered_at = UTCDateTimeField()
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()
        closed_at = UTCDateTimeField(null=True)
        lost_reason = CharField(default="")
        archived_at = UTCDateTimeField(null=True)
        version = IntegerField(default=1)

    class StageChange(Base):
        id = AutoField()
        lead = ForeignKeyField(Lead, index=True)
        from_stage = CharField(null=True)
        to_stage = CharField()
        changed_at = UTCDateTimeField()

    class Touch(Base):
        id = AutoField()
        contact = ForeignKeyField(Contact, index=True)
        lead = ForeignKeyField(Lead, null=True, index=True)
        kind = CharField()
        note = TextField(default="")
        at = UTCDateTimeField()

    class Referral(Base):
        id = AutoField()
        partner = ForeignKeyField(Partner, index=True)
        direction = CharField()
        contact = ForeignKeyField(Contact, null=True)
        lead = ForeignKeyField(Lead, null=True)
        note = TextField(default="")
        at = UTCDateTimeField()
        outcome = CharField(default="open")
        value_cents = BigIntegerField(default=0)
        thanked_at = UTCDateTimeField(null=True)
        warmth = IntegerField(null=True)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()
        archived_at = UTCDateTimeField(null=True)

    class Purchase(Base):
        id = AutoField()
        contact = ForeignKeyField(Contact, index=True)
        lead = ForeignKeyField(Lead, null=True)
        purchased_on = DateField()
        what = CharField(default="")
        list_cents = BigIntegerField()
        discount_cents = BigIntegerField(default=0)
        amount_cents = BigIntegerField()
        rule = CharField(default="")
        created_at = UTCDateTimeField()
        archived_at = UTCDateTimeField(null=True)

    return [SchemaInfo, Contact, Partner, Lead, StageChange, Touch, Referral, Purchase]


def create_v1(database: Database) -> None:
    """Step 0 -> 1: the first schema."""
    tables = _v1_tables()
    with database.bind_ctx(tables):
        database.create_tables(tables)


def add_last_touch_and_board_index(database: Database) -> None:
    """Step 1 -> 2: lead.last_touch_at (for stale leads in SQL) and the board column index.

    last_touch_at is back-filled from each lead's latest touch, or its creation.
    """
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_column("lead", "last_touch_at", UTCDateTimeField(null=True)),
        migrator.add_index("lead", ("stage", "archived_at", "position", "value_cents"), False),
    )
    tables = _v1_tables()
    lead_table, touch_table = tables[3], tables[5]

    class Lead(lead_table):
        last_touch_at = UTCDateTimeField(null=True)

        class Meta:
            table_name = "lead"

    with database.bind_ctx([Lead, touch_table]):
        latest = touch_table.select(fn.MAX(touch_table.at)).where(touch_table.lead == Lead.id)
        Lead.update(last_touch_at=fn.COALESCE(latest, Lead.created_at)).execute()


def add_snooze_and_referral_tally(database: Database) -> None:
    """Step 2 -> 3: the snooze table behind Today's s / S keys, and an index that lets
    the partners table count and sum each partner's referrals from the index alone."""
    from playhouse.migrate import SchemaMigrator, migrate

    class Snooze(Model):
        id = AutoField()
        kind = CharField()
        ref_id = IntegerField()
        until = DateField()
        created_at = UTCDateTimeField()

        class Meta:
            legacy_table_names = False
            indexes = ((("kind", "ref_id"), False),)

    with database.bind_ctx([Snooze]):
        database.create_tables([Snooze])
    migrate(SchemaMigrator.from_database(database).add_index("referral", REFERRAL_TALLY, False))


REFERRAL_TALLY = (
    "partner_id",
    "archived_at",
    "direction",
    "outcome",
    "value_cents",
    "thanked_at",
    "at",
)


def add_insight_columns(database: Database) -> None:
    """Step 3 -> 4: what Insights reads from plain rows instead of each lead's history.

    - stage_change.stay_hours: how long the lead spent in the stage it left (filled in
      from each lead's previous change), indexed by stage and length, and an index of
      the stages each lead reached;
    - lead.qualified_at: when the lead first reached the qualified stage or later (filled
      in from the history, with the default pipeline's order: the config is not known
      here, and a lead that was ever qualified, proposed or won counts);
    - indexes on when leads came in and closed, so a short period reads only its rows.
    """
    from playhouse.migrate import SchemaMigrator, migrate

    from pegboard.store.dialect import days_between

    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_column("stage_change", "stay_hours", IntegerField(null=True)),
        migrator.add_column("lead", "qualified_at", UTCDateTimeField(null=True)),
        migrator.add_index("lead", ("created_at",), False),
        migrator.add_index("lead", ("closed_at",), False),
    )

    class Lead(Model):
        id = AutoField()
        stage = CharField()
        qualified_at = UTCDateTimeField(null=True)

        class Meta:
            table_name = "lead"

    class StageChange(Model):
        id = AutoField()
        lead_id = IntegerField()
        to_stage = CharField()
        changed_at = UTCDateTimeField()
        stay_hours = IntegerField(null=True)

        class Meta:
            table_name = "stage_change"

    with database.bind_ctx([Lead, StageChange]):
        earlier = fn.LAG(StageChange.changed_at).over(
            partition_by=[StageChange.lead_id], order_by=[StageChange.changed_at, StageChange.id]
        )
        stays = StageChange.select(
            StageChange.id.alias("change_id"),
            fn.ROUND(days_between(earlier, StageChange.changed_at, database) * 24).alias("hours"),
        ).alias("stays")
        (
            StageChange.update(stay_hours=stays.c.hours)
            .from_(stays)
            .where((stays.c.change_id == StageChange.id) & stays.c.hours.is_null(False))
            .execute()
        )
        first_qualified = StageChange.select(fn.MIN(StageChange.changed_at)).where(
            (StageChange.lead_id == Lead.id)
            & StageChange.to_stage.in_(("qualified", "proposal", "won"))
        )
        Lead.update(qualified_at=first_qualified).execute()
    # After the back-fill: filling an indexed column row by row costs more.
    migrate(
        migrator.add_index(
            "stage_change", ("from_stage", "stay_hours", "changed_at", "lead_id"), False
        ),
        migrator.add_index("stage_change", ("lead_id", "to_stage"), False),
    )


TODAY_DUE = ("due_date", "stage", "archived_at")
TODAY_STALE = ("stage", "last_touch_at", "due_date", "archived_at")


def add_today_indexes(database: Database) -> None:
    """Step 4 -> 5: indexes that let Today count the follow-ups due and the stale leads
    from the index alone (at 100,000 leads each count read thousands of rows).

    archived_at goes last: an index that starts with it would look, to SQLite's
    planner, like the best one for every query on live leads, and it chose it over
    the board's covering index for the column counts (a table read per lead)."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_index("lead", TODAY_DUE, False),
        migrator.add_index("lead", TODAY_STALE, False),
    )


def add_lead_text(database: Database) -> None:
    """Step 5 -> 6, SQLite only: the trigram index the board's filter searches (a filter
    keystroke at 100,000 leads otherwise reads every lead and contact, half a second).
    PostgreSQL, and an SQLite too old for it, keep searching with LIKE."""
    from pegboard.store import lead_text
    from pegboard.store.dialect import is_postgres

    if not is_postgres(database):
        # An SQLite without the trigram tokenizer (before 3.34) goes on without it.
        lead_text.create(database, lead_text.FIRST_BODY)


TODAY_LOOPS = ("direction", "outcome", "archived_at", "thanked_at", "at", "contact_id")
CUSTOMER_TOTALS = ("contact_id", "archived_at", "purchased_on", "amount_cents")


def add_loop_and_customer_indexes(database: Database) -> None:
    """Step 6 -> 7: indexes for two of Today's sections at 100,000 leads.

    - Loops to close (business not thanked, referrals I gave with no outcome yet): their
      first rows in date order and their counts from the index alone, instead of a read
      of every referral (40 ms of each Today load).
    - Customers: each one's purchases counted, summed and dated from the index alone.
    """
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_index("referral", TODAY_LOOPS, False),
        migrator.add_index("purchase", CUSTOMER_TOTALS, False),
    )


def add_table_generations(database: Database) -> None:
    """Step 7 -> 8, SQLite only: a counter per table that triggers bump on every row
    written, so that Today works out again only the sections whose tables changed
    (see store.table_generations). PostgreSQL goes without."""
    from pegboard.store import table_generations
    from pegboard.store.dialect import is_postgres

    if not is_postgres(database):
        table_generations.create(database)


def add_folded_keys(database: Database) -> None:
    """Step 8 -> 9: names, companies and titles folded (no accents, no case) beside
    what was typed, a match key for each phone, and a contact's other emails and phones
    (also_reach).

    SQLite's lower() folds ASCII only, so `Björn Åkesson` stored could not be found by
    name again; the folded keys are compared instead, on both databases. The phone key
    is filled in by `store.keys.fill_phone_keys` after the steps run, since it depends
    on the book's region (config.toml). The trigram index is rebuilt from the keys."""
    from playhouse.migrate import SchemaMigrator, migrate

    from pegboard.store import keys, lead_text
    from pegboard.store.dialect import is_postgres

    keys.add_columns(database)
    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_index("contact", ("name_key",), False),
        migrator.add_index("contact", ("phone_key",), False),
    )
    keys.fill_folded_keys(database)
    if not is_postgres(database):
        lead_text.rebuild(database)


MIGRATIONS: dict[int, Callable[[Database], None]] = {
    1: create_v1,
    2: add_last_touch_and_board_index,
    3: add_snooze_and_referral_tally,
    4: add_insight_columns,
    5: add_today_indexes,
    6: add_lead_text,
    7: add_loop_and_customer_indexes,
    8: add_table_generations,
    9: add_folded_keys,
    10: add_assistant_writes,
    11: add_contact_merges,
    12: add_tallies,
    13: add_untouched_index,
    14: add_partner_owed_counts,
}
"""Target version -> the step that reaches it from the version before."""

REBUILDS_TALLIES = frozenset({12, 14})
"""The steps that add tallies or what they keep: after the last step a migration runs,
if any of these was among them, every tally is worked out once from the base tables.
Not in each step, since a step's rebuild runs the code of the newest schema (the
triggers, the sums) on that step's older tables."""

SCHEMA_VERSION = max(MIGRATIONS)


def parse_schema_version(raw: object, where: str, other_tables: bool) -> int:
    """The schema version a file records (`raw`: its schema_info value, or None when
    there is none), or a StoreError saying why the file is not one pegboard can read."""
    if raw is None:
        if other_tables:
            raise StoreError(f"{where} records no schema version: it is not a sound pegboard file")
        return 0
    text = str(raw).strip()
    if not text.lstrip("-").isdigit():
        raise StoreError(
            f"{where} records the schema version {raw!r}, which is not a number: "
            "it is not a sound pegboard file"
        )
    version = int(text)
    if version < 1:
        raise StoreError(
            f"{where} records the schema version {version}, which pegboard never writes"
        )
    return version
