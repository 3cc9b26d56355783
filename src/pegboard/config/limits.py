"""How far a setting may go: a value past these is a typo, refused at its line."""

MOST_DAYS = 36_500
"""A hundred years: the longest span in days a setting may give."""
MOST_MONTHS = 1_200
MOST_REFERRALS = 1_000_000
MOST_PURCHASES = 1_000_000
MOST_MONEY = 1_000_000_000_000
"""The largest amount (in currency units) a setting may give."""
RULE_FIELDS = frozenset(
    ("name", "purchase", "and_later", "every", "percent", "amount", "min_amount", "window_months")
)
"""The keys a [[loyalty.rules]] table may hold."""
