"""The domain's tables. No business rules here: those live in pegboard.services.

Money is integer cents; instants are UTC (UTCDateTimeField); calendar days (a
due date, a purchase date) are plain dates in the user's own calendar. Rows are
archived (archived_at), never deleted by the user.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from pegboard.store.fields import UTCDateTimeField
from pegboard.text import folded

db = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """Key/value facts about the file itself, such as the schema version."""

    key = CharField(primary_key=True)
    value = TextField()


class Contact(BaseModel):
    """A person or business. One contact can be a partner, a lead and a customer at once."""

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
    name_key = CharField(default="", index=True)
    """The name folded (text.folded: no accents, no case), kept by save(): a look-up by
    name and a search compare this, so `bjorn` finds Björn on SQLite as on PostgreSQL."""
    company_key = CharField(default="")
    """The company folded, kept by save()."""
    also_reach = TextField(default="")
    """The person's other emails and phones, one a line, as an import found them (a
    Google or Outlook contact may have three of each; the first is `email`/`phone`)."""
    phone_key = CharField(default="", index=True)
    """The phone's match key (phones.phone_key: E.164 in the book's region), set by the
    services with the phone: (555) 010-0177 and 555-010-0177 are one number."""

    def save(self, *args, **kwargs):
        self.name_key = folded(self.name)
        self.company_key = folded(self.company)
        return super().save(*args, **kwargs)


class Partner(BaseModel):
    """A contact who exchanges referrals with the owner."""

    id = AutoField()
    contact = ForeignKeyField(Contact, unique=True, backref="partner_rows")
    category = CharField(default="")
    since = DateField(null=True)
    notes = TextField(default="")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    archived_at = UTCDateTimeField(null=True)


class Lead(BaseModel):
    """An opportunity with one contact, tracked from first touch to won or lost."""

    id = AutoField()
    title = CharField(default="")
    contact = ForeignKeyField(Contact, backref="leads")
    stage = CharField()
    source = CharField(default="")
    value_cents = BigIntegerField(default=0)
    next_action = CharField(default="")
    due_date = DateField(null=True, index=True)
    qualification = TextField(default="[]")
    """JSON list of the qualification criteria ticked for this lead."""
    referred_by = ForeignKeyField(Partner, null=True, backref="referred_leads")
    position = BigIntegerField(default=0)
    """Order within its column: ascending, top first."""
    stage_entered_at = UTCDateTimeField()
    last_touch_at = UTCDateTimeField(null=True)
    """When the lead was last touched (or created): stale leads are found from it in SQL."""
    created_at = UTCDateTimeField(index=True)
    updated_at = UTCDateTimeField(index=True)
    closed_at = UTCDateTimeField(null=True, index=True)
    qualified_at = UTCDateTimeField(null=True, index=True)
    """When the lead first reached the qualified stage or a later one (won included)."""
    lost_reason = CharField(default="")
    archived_at = UTCDateTimeField(null=True)
    version = IntegerField(default=1)
    """Bumped on every write, so an edit can tell that another window changed the row."""
    title_key = CharField(default="")
    """The title folded (text.folded), kept by save(), for the search."""

    def save(self, *args, **kwargs):
        self.title_key = folded(self.title)
        return super().save(*args, **kwargs)

    class Meta:
        indexes = (
            # One board column, in order (WHERE stage=? AND archived_at IS NULL ORDER BY
            # position), and, with value_cents in it, the column counts and sums from the
            # index alone.
            (("stage", "archived_at", "position", "value_cents"), False),
            # Today's counts of follow-ups due and of stale leads, from the index alone.
            (("due_date", "stage", "archived_at"), False),
            (("stage", "last_touch_at", "due_date", "archived_at"), False),
        )


LEAD_TOUCH_COUNT = IntegerField()
"""`lead.touch_count`, kept by triggers (store.tallies), for queries: bound to Lead so it
is named through the lead's alias, but not one of Lead's fields, so that saving a lead
never writes back a count read before."""
LEAD_TOUCH_COUNT.bind(Lead, "touch_count", set_attribute=False)


class StageChange(BaseModel):
    """Every stage change a lead went through, with its time."""

    id = AutoField()
    lead = ForeignKeyField(Lead, backref="stage_changes", index=True)
    from_stage = CharField(null=True)
    to_stage = CharField()
    changed_at = UTCDateTimeField()
    stay_hours = IntegerField(null=True)
    """How long (in hours, rounded) the lead had been in from_stage when it moved on. Each
    change closes one stay, so time in stage is read in order from an index, not worked
    out with a window over each lead's history."""

    class Meta:
        indexes = (
            # Time in stage: the stays per stage in length order, with the period's filter.
            (("from_stage", "stay_hours", "changed_at", "lead"), False),
            # The funnel: the stages each lead reached, from the index alone.
            (("lead", "to_stage"), False),
        )


HISTORY_FIELDS = (
    StageChange.lead,
    StageChange.from_stage,
    StageChange.to_stage,
    StageChange.changed_at,
    StageChange.stay_hours,
)
"""The columns bulk loads (demo, import) give each stage change, in this order."""


class Touch(BaseModel):
    """A logged contact moment (call, email, meeting, message, note)."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="touches", index=True)
    lead = ForeignKeyField(Lead, null=True, backref="touches", index=True)
    kind = CharField()
    note = TextField(default="")
    at = UTCDateTimeField()


class Referral(BaseModel):
    """One exchange with a partner: received (they sent someone) or given (I sent someone)."""

    id = AutoField()
    partner = ForeignKeyField(Partner, backref="referrals", index=True)
    direction = CharField()
    contact = ForeignKeyField(Contact, null=True, backref="referrals_as_person")
    """The referred person."""
    lead = ForeignKeyField(Lead, null=True, backref="referrals")
    note = TextField(default="")
    at = UTCDateTimeField()
    outcome = CharField(default="open")
    value_cents = BigIntegerField(default=0)
    thanked_at = UTCDateTimeField(null=True)
    warmth = IntegerField(null=True)
    """1-5: how warm the introduction was, not the chance to close."""
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    archived_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = (
            # The partners table's counts and sums, and the customers each partner sent,
            # read from the index alone.
            (
                (
                    "partner",
                    "archived_at",
                    "direction",
                    "outcome",
                    "value_cents",
                    "thanked_at",
                    "at",
                    "contact",
                ),
                False,
            ),
            # Today's loops to close: the first in date order, and their counts.
            (("direction", "outcome", "archived_at", "thanked_at", "at", "contact"), False),
        )


class Purchase(BaseModel):
    """A customer's purchase, with the discount it got and the rule that gave it."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="purchases", index=True)
    lead = ForeignKeyField(Lead, null=True, backref="purchases")
    purchased_on = DateField()
    what = CharField(default="")
    list_cents = BigIntegerField()
    discount_cents = BigIntegerField(default=0)
    amount_cents = BigIntegerField()
    rule = CharField(default="")
    created_at = UTCDateTimeField()
    archived_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = (
            # Each customer's purchases counted, summed and dated from the index alone.
            (("contact", "archived_at", "purchased_on", "amount_cents"), False),
        )


class Snooze(BaseModel):
    """A row of the Today list put off until a date (kind is the row's kind, ref its record)."""

    id = AutoField()
    kind = CharField()
    ref_id = IntegerField()
    until = DateField()
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("kind", "ref_id"), False),)


class AssistantWrite(BaseModel):
    """A change an AI assistant made through `pegboard mcp`, written in the same
    transaction as the change: what it did, and to which record."""

    id = AutoField()
    at = UTCDateTimeField()
    tool = CharField()
    """The MCP tool it called: log_referral, log_touch, move_lead, record_purchase."""
    summary = TextField()
    """What was done, in words ("moved lead 12 to Won")."""
    record_kind = CharField(default="")
    """'lead', 'referral', 'partner' or 'purchase'."""
    record_id = BigIntegerField(null=True)

    class Meta:
        table_name = "assistant_write"
        indexes = ((("record_kind", "record_id"), False),)


class ContactMerge(BaseModel):
    """Two contacts found to be one person, merged: what moved from `other` to `keep`
    (as JSON: services.merge), so that the merge can be taken back, here or later."""

    id = AutoField()
    at = UTCDateTimeField()
    keep = ForeignKeyField(Contact, backref="merges_kept")
    other = ForeignKeyField(Contact, backref="merges_into")
    moved = TextField()
    undone_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "contact_merge"


class LeadText(BaseModel):
    """SQLite only: each lead's searchable text (its contact's name, company and email, and
    its title) in an FTS5 trigram index, kept by triggers (see migrations.add_lead_text),
    so the board's filter finds a few typed letters without reading every lead."""

    rowid = IntegerField()
    """The lead's id (FTS5's own rowid column)."""
    body = TextField()

    class Meta:
        table_name = "lead_text"
        primary_key = False


class CustomerTally(BaseModel):
    """Each customer's purchases summed, kept by triggers (store.tallies): read by Insights,
    never written from Python."""

    contact = ForeignKeyField(Contact, primary_key=True, backref="tally_rows")
    spent = BigIntegerField()
    bought = IntegerField()
    first_on = DateField()
    last_on = DateField()
    partnered = IntegerField()
    """How many of the customer's live leads a partner sent."""
    sources = TextField()
    """The sources of the customer's live leads, with commas between."""

    class Meta:
        table_name = "customer_tally"


class PartnerTally(BaseModel):
    """Each partner's live referrals summed, kept by triggers (store.partner_tally): read
    by the partners table, "partners I owe" and Insights, never written from Python."""

    partner_id = IntegerField(primary_key=True)
    converted = IntegerField()
    """Referrals received that converted."""
    closed_cents = BigIntegerField()
    """Their value."""
    given = IntegerField()
    received = IntegerField()
    unthanked = IntegerField()
    """Converted referrals received and not yet thanked."""

    class Meta:
        table_name = "partner_tally"


ALL_MODELS = (
    SchemaInfo,
    Contact,
    Partner,
    Lead,
    StageChange,
    Touch,
    Referral,
    Purchase,
    Snooze,
    AssistantWrite,
    ContactMerge,
)
"""The tables every database has (LeadText is SQLite's alone)."""
