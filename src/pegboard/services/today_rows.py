"""What Today is made of: its sections in order, the tables each reads, and the rows."""

from __future__ import annotations

from dataclasses import dataclass

from pegboard.store.models import Contact, Lead

SECTION_LIMIT = 50
"""Rows shown per section (the heading still counts them all)."""

SECTIONS = (
    # A new referral is the warmest lead there is: first, ready to call.
    ("new_referral", "New referrals to contact"),
    ("due", "Follow-ups due"),
    ("stale", "Stale leads"),
    ("owed_partner", "Partners I owe"),
    ("meet", "Partners to meet one to one"),
    ("customer", "Customers to ask or invite back"),
    ("discount_ending", "Discounts about to lapse"),
    ("loop", "Loops to close"),
)

NEW_REFERRAL_SHOWS = (Contact.name, Contact.phone, Contact.email, Lead.value_cents)
"""What a new referral's row shows: whom to call, the number, and what it is worth."""

SECTION_TABLES = {
    "due": ("lead", "contact", "referral", "touch", "snooze"),
    "new_referral": ("referral", "lead", "contact", "touch", "snooze", "partner"),
    "stale": ("lead", "contact", "snooze"),
    "owed_partner": ("partner", "contact", "referral", "snooze"),
    "meet": ("partner", "contact", "referral", "touch", "snooze"),
    "customer": ("purchase", "contact", "snooze"),
    "discount_ending": ("purchase", "contact", "snooze"),
    "loop": ("referral", "contact", "partner", "snooze"),
}
"""The tables each section reads: it is kept until one of them is written to (or the
day, the settings or the row limit change)."""


@dataclass(frozen=True)
class TriageRow:
    kind: str
    """due, new_referral, stale, owed_partner, customer, thank (a loop) or ask_given (a loop)."""
    ref_id: int
    """The lead, partner, contact or referral the row is about."""
    title: str
    detail: str
    lead_id: int | None = None
    partner_id: int | None = None
    contact_id: int | None = None
    overdue_days: int = 0


@dataclass(frozen=True)
class TriageSection:
    key: str
    title: str
    count: int
    rows: list[TriageRow]
