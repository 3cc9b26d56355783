"""The loyalty rule engine: which purchase the next one is, and what each rule takes off.

Plain functions over a customer's purchase counts, so one aggregate query prices the
whole customer list. Rounding, once for all: a percent discount is rounded half up to
the cent. When several rules fit a purchase, the one that takes most off wins; on a
tie, the first listed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pegboard.config import LoyaltyRule


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PriorPurchases:
    """How many purchases a customer made before this one: in all, and within each window."""

    total: int
    within: dict[int, int] = field(default_factory=dict)
    """window in months -> purchases on or after the window's start."""

    @classmethod
    def from_dates(cls, dates: list[date], today: date, windows: set[int]) -> PriorPurchases:
        return cls(
            total=len(dates),
            within={
                months: sum(1 for day in dates if day >= months_before(today, months))
                for months in windows
            },
        )

    def number_for(self, rule: LoyaltyRule) -> int:
        """Which purchase the next one is, as this rule counts."""
        if rule.window_months is not None:
            return self.within.get(rule.window_months, self.total) + 1
        return self.total + 1


def rule_fits(rule: LoyaltyRule, number: int) -> bool:
    if rule.every is not None:
        return number % rule.every == 0
    if rule.and_later:
        return number >= (rule.purchase or 0)
    return number == rule.purchase


def discount_cents(rule: LoyaltyRule, amount_cents: int) -> int:
    """What the rule takes off this amount: percent rounded half up, never more than the price."""
    if amount_cents < rule.min_cents:
        return 0
    if rule.percent is not None:
        off = (Decimal(amount_cents) * rule.percent / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return min(amount_cents, int(off))
    return min(amount_cents, rule.amount_cents or 0)


@dataclass(frozen=True)
class Discount:
    rule: LoyaltyRule
    purchase_number: int
    discount_cents: int


def best_discount(
    rules: tuple[LoyaltyRule, ...], prior: PriorPurchases, amount_cents: int
) -> Discount | None:
    """The discount this purchase earns: the rule that takes most off, the first on a tie."""
    best: Discount | None = None
    for rule in rules:
        number = prior.number_for(rule)
        if not rule_fits(rule, number):
            continue
        off = discount_cents(rule, amount_cents)
        if off > 0 and (best is None or off > best.discount_cents):
            best = Discount(rule, number, off)
    return best


def next_rule(
    rules: tuple[LoyaltyRule, ...], prior: PriorPurchases, typical_cents: int
) -> LoyaltyRule | None:
    """The rule the customer's next purchase will get, priced at their typical purchase."""
    best = best_discount(rules, prior, max(typical_cents, 1))
    if best is not None:
        return best.rule
    # A minimum they have not reached yet still tells them what is on offer.
    return next((rule for rule in rules if rule_fits(rule, prior.number_for(rule))), None)


@dataclass(frozen=True)
class PurchaseQuote:
    """A purchase priced: before, off, charged, and the rule that gave it."""

    list_cents: int
    discount_cents: int
    rule: str
    purchase_number: int

    @property
    def charged_cents(self) -> int:
        return self.list_cents - self.discount_cents
