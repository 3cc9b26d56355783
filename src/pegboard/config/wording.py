"""A loyalty rule in words, as the app and a rule without a name show it."""

from __future__ import annotations

from pegboard.config.model import LoyaltyRule


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def describe_rule(rule: LoyaltyRule, currency: str = "USD") -> str:
    """A rule in words: '10% off the 2nd purchase', '$20 off every 5th purchase of $100+'."""
    from pegboard.money import format_cents

    if rule.percent is not None:
        off = f"{rule.percent.normalize():f}% off"
    else:
        off = f"{format_cents(rule.amount_cents or 0, currency, whole=True)} off"
    if rule.every is not None:
        which = f"every {ordinal(rule.every)} purchase"
    elif rule.and_later:
        which = f"the {ordinal(rule.purchase or 0)} purchase and later"
    else:
        which = f"the {ordinal(rule.purchase or 0)} purchase"
    text = f"{off} {which}"
    if rule.min_cents:
        text += f" of {format_cents(rule.min_cents, currency, whole=True)}+"
    if rule.window_months:
        text += f" (counting the last {rule.window_months} months)"
    return text
