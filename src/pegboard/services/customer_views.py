"""What the loyalty screens and `pegboard customers --json` read about customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, Case, fn

from pegboard.config import LoyaltyRule
from pegboard.errors import NotFound
from pegboard.services.loyalty_rules import months_before
from pegboard.services.tiers import Standing
from pegboard.store.models import Contact, CustomerTally, Lead, Partner, Purchase


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    company: str
    purchases: int
    lifetime_cents: int
    first_purchase: date | None
    last_purchase: date | None
    next_rule: LoyaltyRule | None
    ask_for_referral: bool
    lapsed: bool
    standing: Standing | None = None
    """Where the customer stands in the VIP tiers (services.tiers); None without tiers."""
    discount_ends: date | None = None
    """The last day the next purchase gets `next_rule`, when it lapses with its window."""


@dataclass(frozen=True)
class CustomerDetail:
    id: int
    name: str
    company: str
    email: str
    phone: str
    asked_referral_at: datetime | None
    testimonial_at: datetime | None
    purchases: list[Purchase]
    source: str | None
    referred_by: str | None
    lead_title: str | None
    also: tuple[str, ...] = ()
    """The person's other emails and phones (an import brought them)."""


CUSTOMER_SORTS = ("name", "purchases", "lifetime", "last")


def customer_detail(contact_id: int) -> CustomerDetail:
    """A customer's page: details, live purchases newest first, and where they came from."""
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise NotFound(f"no customer with id {contact_id}")
    purchases = list(
        Purchase.select()
        .where((Purchase.contact == contact_id) & Purchase.archived_at.is_null())
        .order_by(Purchase.purchased_on.desc(), Purchase.id.desc())
    )
    partner_contact = Contact.alias("partner_contact")
    origin = (
        Lead.select(Lead.title, Lead.source, partner_contact.name.alias("partner"))
        .join(Partner, JOIN.LEFT_OUTER, on=Lead.referred_by == Partner.id)
        .join(partner_contact, JOIN.LEFT_OUTER, on=Partner.contact == partner_contact.id)
        .where(Lead.contact == contact_id)
        .order_by(Lead.created_at)
        .objects()
        .first()
    )
    return CustomerDetail(
        id=contact.id,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        phone=contact.phone,
        also=tuple(contact.also_reach.splitlines()),
        asked_referral_at=contact.asked_referral_at,
        testimonial_at=contact.testimonial_at,
        purchases=purchases,
        source=origin.source if origin else None,
        referred_by=origin.partner if origin else None,
        lead_title=origin.title if origin else None,
    )


def customer_records(rows: list[CustomerRow], currency: str) -> list[dict[str, Any]]:
    """Customer rows as JSON-ready dicts, for `pegboard customers --json`."""
    records = []
    for row in rows:
        rule = row.next_rule
        next_discount = None
        if rule is not None:
            next_discount = {
                "rule": rule.name,
                "percent": float(rule.percent) if rule.percent is not None else None,
                "amount_cents": rule.amount_cents,
                "min_cents": rule.min_cents,
            }
        records.append(
            {
                "id": row.id,
                "name": row.name,
                "company": row.company,
                "purchases": row.purchases,
                "lifetime_value_cents": row.lifetime_cents,
                "first_purchase": row.first_purchase.isoformat() if row.first_purchase else None,
                "last_purchase": row.last_purchase.isoformat() if row.last_purchase else None,
                "next_discount": next_discount,
                "discount_ends": row.discount_ends.isoformat() if row.discount_ends else None,
                "tier": row.standing.tier.name if row.standing and row.standing.tier else None,
                "next_tier": row.standing.next_json() if row.standing else None,
                "ask_for_referral": row.ask_for_referral,
                "lapsed": row.lapsed,
                "currency": currency,
            }
        )
    return records


def purchases_by_customer(today: date, window_names: dict[int, str]):
    """Each customer's live purchases summed up (a subquery `bought`): how many, the
    lifetime total, the first and last day, and how many in each rule's window.

    Without windows, the sums kept on write (customer_tally, a row a customer) stand
    for them: summing every purchase took 30 ms at 100,000 leads. Their key is given as
    an expression (`+ 0`), which no index answers, so that SQLite walks the customers
    and looks each one's contact up, not every contact for a customer row."""
    if not window_names:
        return CustomerTally.select(
            (CustomerTally.contact + 0).alias("customer_id"),
            CustomerTally.bought.alias("purchases"),
            CustomerTally.spent.alias("lifetime"),
            CustomerTally.first_on.alias("first_on"),
            CustomerTally.last_on.alias("last_on"),
        ).alias("bought")
    return (
        Purchase.select(
            Purchase.contact.alias("customer_id"),
            fn.COUNT(Purchase.id).alias("purchases"),
            fn.SUM(Purchase.amount_cents).alias("lifetime"),
            fn.MIN(Purchase.purchased_on).alias("first_on"),
            fn.MAX(Purchase.purchased_on).alias("last_on"),
            *(
                fn.SUM(
                    Case(None, [(Purchase.purchased_on >= months_before(today, months), 1)], 0)
                ).alias(name)
                for months, name in window_names.items()
            ),
        )
        .where(Purchase.archived_at.is_null())
        .group_by(Purchase.contact)
        .alias("bought")
    )


def next_offer(row: CustomerRow) -> tuple[str, Any] | None:
    """What the next purchase gets, as best rule wins decides it at the customer's
    typical purchase: the rule's name and the rule, or the tier's label and the tier."""
    from pegboard.services.loyalty_rules import discount_cents
    from pegboard.services.tiers import tier_discount, tier_label

    typical = max(row.lifetime_cents // max(row.purchases, 1), 1)
    rule, tier = row.next_rule, row.standing.tier if row.standing else None
    rule_off = discount_cents(rule, typical) if rule else 0
    if tier is not None and (rule is None or tier_discount(tier, typical) > rule_off):
        return tier_label(tier), tier
    return (rule.name, rule) if rule else None
