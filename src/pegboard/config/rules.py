"""[[loyalty.rules]]: one rule table read and checked, every error naming the rule at
its header's line; amounts are in the book's currency units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pegboard.config.limits import MOST_MONEY, MOST_MONTHS, MOST_PURCHASES, RULE_FIELDS
from pegboard.config.model import TIER_PERIODS, LoyaltyRule, LoyaltyTier
from pegboard.config.wording import describe_rule
from pegboard.errors import ConfigError
from pegboard.money import Currency, units_to_minor

if TYPE_CHECKING:
    from pegboard.config.reader import Checks


class _RuleEntry:
    """One [[loyalty.rules]] table's values, each read with its own check; `fail` makes
    the error (naming the rule, at its header's line)."""

    def __init__(self, entry: dict, fail: Callable[[str], ConfigError], currency: Currency) -> None:
        self.entry = entry
        self.fail = fail
        self.currency = currency

    def count(self, key: str, minimum: int, maximum: int = MOST_PURCHASES) -> int | None:
        got = self.entry.get(key)
        if got is not None and (isinstance(got, bool) or not isinstance(got, int) or got < minimum):
            raise self.fail(f"{key} must be a whole number, {minimum} or more")
        if got is not None and got > maximum:
            raise self.fail(f"{key} must be at most {maximum:,}, not {got:,}")
        return got

    def money(self, key: str) -> int | None:
        if key not in self.entry:
            return None
        got = self.entry[key]
        if isinstance(got, bool) or not isinstance(got, int | float) or not 0 <= got <= MOST_MONEY:
            raise self.fail(f"{key} must be an amount, 0 to {MOST_MONEY:,}")
        amount = Decimal(str(got))
        if amount != amount.quantize(Decimal(1).scaleb(-self.currency.digits)):
            raise self.fail(
                f"{key} has fractions of a cent"
                if self.currency.digits == 2
                else f"{key} has fractions of {self.currency}'s smallest unit"
            )
        return units_to_minor(amount, self.currency)

    def percent(self) -> Decimal | None:
        if "percent" not in self.entry:
            return None
        got = self.entry["percent"]
        if isinstance(got, bool) or not isinstance(got, int | float):
            raise self.fail("percent must be a number")
        percent = Decimal(str(got))
        if not Decimal(0) < percent <= Decimal(100):
            raise self.fail(f"percent must be more than 0 and at most 100, not {got}")
        return percent

    def flag(self, key: str) -> bool:
        got = self.entry.get(key, False)
        if not isinstance(got, bool):
            raise self.fail(f"{key} must be true or false")
        return got


def _entry_checked(
    entry: Any, index: int, checks: Checks, table: str, what: str, fields: frozenset[str]
) -> Callable[[str], ConfigError]:
    """Check that entry `index` of the array of tables `table` is a table of known
    `fields`; returns how to make its errors (`loyalty rule 2: ...`, at its line)."""
    line = checks.lines.line_of(table, entry=index)

    def fail(message: str) -> ConfigError:
        return ConfigError(checks.path, f"{what} {index}: {message}", line)

    if not isinstance(entry, dict):
        raise fail("must be a table")
    unknown = sorted(set(entry) - fields)
    if unknown:
        raise fail(f"unknown field {unknown[0]!r} (fields: {', '.join(sorted(fields))})")
    return fail


def read_loyalty_rule(entry: Any, index: int, checks: Checks) -> LoyaltyRule:
    """One [[loyalty.rules]] table; every error names the rule, at its header's line."""
    fail = _entry_checked(entry, index, checks, "loyalty.rules", "loyalty rule", RULE_FIELDS)
    if ("purchase" in entry) == ("every" in entry):
        raise fail("give exactly one of purchase = N or every = N")
    if ("percent" in entry) == ("amount" in entry):
        raise fail("give exactly one of percent or amount")
    values = _RuleEntry(entry, fail, checks.currency)
    percent = values.percent()
    and_later = values.flag("and_later")
    purchase, every = values.count("purchase", 1), values.count("every", 2)
    if and_later and purchase is None:
        raise fail("and_later goes with purchase = N")
    amount = values.money("amount")
    if amount is not None and amount <= 0:
        raise fail("amount must be more than 0")
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise fail("name must be a non-empty string")
    rule = LoyaltyRule(
        name="",
        purchase=purchase,
        and_later=and_later,
        every=every,
        percent=percent,
        amount_cents=amount,
        min_cents=values.money("min_amount") or 0,
        window_months=values.count("window_months", 1, MOST_MONTHS),
    )
    return replace(rule, name=name.strip() if name else describe_rule(rule, checks.currency))


TIER_FIELDS = frozenset({"name", "spend", "purchases", "over", "percent"})


def read_loyalty_tier(entry: Any, index: int, checks: Checks) -> LoyaltyTier:
    """One [[loyalty.tiers]] table; every error names the tier, at its header's line."""
    fail = _entry_checked(entry, index, checks, "loyalty.tiers", "loyalty tier", TIER_FIELDS)
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail('needs a name, such as name = "Gold"')
    if ("spend" in entry) == ("purchases" in entry):
        raise fail("give exactly one of spend = AMOUNT or purchases = N")
    if "percent" not in entry:
        raise fail("needs percent = N, what the tier takes off")
    over = entry.get("over", "lifetime")
    if over not in TIER_PERIODS:
        raise fail(f"over must be one of {', '.join(map(repr, TIER_PERIODS))}, not {over!r}")
    values = _RuleEntry(entry, fail, checks.currency)
    spend = values.money("spend")
    if spend is not None and spend <= 0:
        raise fail("spend must be more than 0")
    return LoyaltyTier(
        name=name.strip(),
        percent=values.percent() or Decimal(0),
        spend_cents=spend,
        purchases=values.count("purchases", 1),
        over=over,
    )
