"""When an earned discount lapses with its window: a rule with `window_months` counts
only the purchases of the last N months, so the discount a customer's next purchase
would get ends the day a purchase it counts on leaves the window. Today lists the
customers whose discount ends within DISCOUNT_NOTICE_DAYS: the moment to invite them
back."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from pegboard.config import LoyaltyRule, Settings
from pegboard.services.loyalty_rules import PriorPurchases, months_before, next_rule
from pegboard.store.models import Contact, Purchase

DISCOUNT_NOTICE_DAYS = 30


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def discount_ends(
    rules: tuple[LoyaltyRule, ...], dates: list[date], today: date, typical_cents: int
) -> date | None:
    """The last day the next purchase still gets the rule it would get today, when that
    rule counts a window and a purchase will leave it; None when it does not lapse."""
    lapsing = _lapsing(rules, dates, today, typical_cents)
    return lapsing[0] if lapsing else None


def _lapsing(
    rules: tuple[LoyaltyRule, ...], dates: list[date], today: date, typical_cents: int
) -> tuple[date, LoyaltyRule] | None:
    """(its last day, the rule) of a discount that lapses with its window, or None."""
    windows = {rule.window_months for rule in rules if rule.window_months}
    if not windows or not dates:
        return None
    current = next_rule(rules, PriorPurchases.from_dates(dates, today, windows), typical_cents)
    if current is None or current.window_months is None:
        return None
    leaving = sorted(
        {
            months_after(day, months) + timedelta(days=1)
            for day in dates
            for months in windows
            if months_after(day, months) >= today
        }
    )
    for day in leaving:
        later = next_rule(rules, PriorPurchases.from_dates(dates, day, windows), typical_cents)
        if later != current:
            return day - timedelta(days=1), current
    return None


def _purchases_of(contact_ids) -> dict[int, list[tuple[date, int]]]:
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    to_date = Purchase.purchased_on.python_value
    for contact_id, day, cents in (
        Purchase.select(Purchase.contact, Purchase.purchased_on, Purchase.amount_cents)
        .where(Purchase.contact.in_(contact_ids) & Purchase.archived_at.is_null())
        .tuples()
    ):
        found[contact_id].append((to_date(day), int(cents)))
    return found


def discount_endings(settings: Settings, today: date, contact_ids: list[int]) -> dict[int, date]:
    """Each customer's discount end (those whose next discount lapses with a window)."""
    return {cid: end for cid, (end, _) in _lapsings(settings, today, contact_ids).items()}


def _lapsings(
    settings: Settings, today: date, contact_ids: list[int]
) -> dict[int, tuple[date, LoyaltyRule]]:
    """Each customer's lapsing discount: (its last day, the rule)."""
    rules = settings.loyalty_rules
    if not contact_ids or not any(rule.window_months for rule in rules):
        return {}
    found = {}
    for contact_id, bought in _purchases_of(contact_ids).items():
        typical = sum(cents for _, cents in bought) // len(bought)
        lapsing = _lapsing(rules, [day for day, _ in bought], today, typical)
        if lapsing is not None:
            found[contact_id] = lapsing
    return found


def discounts_ending_soon(
    settings: Settings, today: date, exclude: frozenset[int] = frozenset()
) -> list[tuple[int, str, str, date]]:
    """(customer id, name, the rule, its last day) for each live customer whose earned
    discount ends within DISCOUNT_NOTICE_DAYS, soonest first.

    Only customers with a purchase that leaves a window in that time can lapse in it:
    those are found by date in SQL, then worked out exactly."""
    rules = settings.loyalty_rules
    windows = {rule.window_months for rule in rules if rule.window_months}
    if not windows:
        return []
    horizon = today + timedelta(days=DISCOUNT_NOTICE_DAYS)
    leaving = None
    for months in windows:
        band = Purchase.purchased_on.between(
            months_before(today, months), months_before(horizon, months)
        )
        leaving = band if leaving is None else leaving | band
    candidates = [
        contact_id
        for (contact_id,) in Purchase.select(Purchase.contact)
        .join(Contact)
        .where(Purchase.archived_at.is_null() & Contact.archived_at.is_null() & leaving)
        .distinct()
        .tuples()
        if contact_id not in exclude
    ]
    ending = {
        cid: lapsing
        for cid, lapsing in _lapsings(settings, today, candidates).items()
        if lapsing[0] <= horizon
    }
    if not ending:
        return []
    names = dict(
        Contact.select(Contact.id, Contact.name).where(Contact.id.in_(list(ending))).tuples()
    )
    found = [(cid, names[cid], rule.name, end) for cid, (end, rule) in ending.items()]
    return sorted(found, key=lambda item: (item[3], item[1]))
