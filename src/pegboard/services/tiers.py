"""VIP tiers (`[[loyalty.tiers]]`): where each customer stands, what is missing for the
next tier ("$120 more to Gold"), and the tier's percent off, which takes part in "best
rule wins" beside the loyalty rules.

A tier counts what was charged (or how many purchases) over its period: every purchase,
this calendar year's, or the last 12 months'. A customer is in the highest tier reached
(tiers are listed lowest first); the next tier is the one above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from peewee import Case, fn

from pegboard.config import LoyaltyTier, Settings
from pegboard.services.loyalty_rules import months_before
from pegboard.store.models import Purchase


@dataclass(frozen=True)
class Standing:
    tier: LoyaltyTier | None
    next_tier: LoyaltyTier | None
    missing_cents: int | None = None
    """What is left to spend to reach `next_tier` (a spend tier)."""
    missing_purchases: int | None = None
    """How many more purchases reach `next_tier` (a purchases tier)."""

    def next_json(self) -> dict[str, Any] | None:
        """`{"name", "missing_cents"}` or `{"name", "missing_purchases"}`, or None."""
        if self.next_tier is None:
            return None
        if self.missing_cents is not None:
            return {"name": self.next_tier.name, "missing_cents": self.missing_cents}
        return {"name": self.next_tier.name, "missing_purchases": self.missing_purchases}


NO_TIER = Standing(None, None)


def period_start(over: str, today: date) -> date | None:
    """The first day a tier's period counts from (None: every purchase)."""
    if over == "year":
        return date(today.year, 1, 1)
    if over == "12 months":
        return months_before(today, 12)
    return None


def _totals_query(periods: set[str], today: date, on_or_before: date | None = None):
    """Per customer, for each period: (spend, purchases), from one aggregate query."""
    columns = []
    for over in sorted(periods):
        start = period_start(over, today)
        counted = Purchase.purchased_on >= start if start else None
        amount = (
            Case(None, [(counted, Purchase.amount_cents)], 0) if start else Purchase.amount_cents
        )
        one = Case(None, [(counted, 1)], 0) if start else 1
        columns += [fn.COALESCE(fn.SUM(amount), 0), fn.COALESCE(fn.SUM(one), 0)]
    query = Purchase.select(Purchase.contact, *columns).where(Purchase.archived_at.is_null())
    if on_or_before is not None:
        query = query.where(Purchase.purchased_on <= on_or_before)
    return query.group_by(Purchase.contact)


def standings(
    settings: Settings,
    today: date,
    contact_ids: list[int],
    *,
    before: date | None = None,
    excluding: int | None = None,
) -> dict[int, Standing]:
    """Each customer's standing (one without purchases in no tier, the first to come).
    `before`: counting purchases on or before that day only (a purchase being priced);
    `excluding`: leaving one purchase out (the one being edited)."""
    tiers = settings.loyalty_tiers
    if not tiers or not contact_ids:
        return {}
    periods = sorted({tier.over for tier in tiers})
    query = _totals_query(set(periods), before or today, before).where(
        Purchase.contact.in_(contact_ids)
    )
    if excluding is not None:
        query = query.where(Purchase.id != excluding)
    found = {}
    for contact_id, *figures in query.tuples():
        totals = {
            over: (int(figures[2 * index]), int(figures[2 * index + 1]))
            for index, over in enumerate(periods)
        }
        found[contact_id] = standing_of(tiers, totals)
    nothing_yet = standing_of(tiers, {})
    return {contact_id: found.get(contact_id, nothing_yet) for contact_id in contact_ids}


def standing_of(tiers: tuple[LoyaltyTier, ...], totals: dict[str, tuple[int, int]]) -> Standing:
    """The highest tier reached, and what is missing for the one above it."""
    reached = None
    for index, tier in enumerate(tiers):
        spend, purchases = totals.get(tier.over, (0, 0))
        if tier.spend_cents is not None:
            short = tier.spend_cents - spend
            if short > 0:
                return Standing(reached, tier, missing_cents=short)
        else:
            short = (tier.purchases or 0) - purchases
            if short > 0:
                return Standing(reached, tier, missing_purchases=short)
        reached = tiers[index]
    return Standing(reached, None)


def tier_discount(tier: LoyaltyTier, amount_cents: int) -> int:
    """What the tier takes off: its percent, rounded half up to the cent."""
    off = (Decimal(amount_cents) * tier.percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(amount_cents, int(off))


def tier_label(tier: LoyaltyTier) -> str:
    """`Gold: 10% off`, the rule a tier's discount is kept under."""
    return f"{tier.name}: {tier.percent:g}% off"
