"""The settings as typed, frozen dataclasses, with the defaults that ship with the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pegboard.money import Currency

Outcome = Literal["won", "lost"]
"""How a closing stage closes a lead."""
GoalPeriod = Literal["month", "quarter", "year"]
"""The calendar period a revenue goal is for."""

CLOSES: tuple[Outcome, ...] = ("won", "lost")
GOAL_PERIODS: tuple[GoalPeriod, ...] = ("month", "quarter", "year")


@dataclass(frozen=True)
class Stage:
    """One column of the pipeline."""

    id: str
    label: str
    closes: Outcome | None = None
    """'won' or 'lost' for the stages that close a lead; None for open stages."""
    stale_after_days: int | None = None
    """Days without a touch before an open lead in this stage counts as stale (rotting)."""


DEFAULT_STAGES = (
    Stage("new", "New", stale_after_days=3),
    Stage("contacted", "Contacted", stale_after_days=7),
    Stage("qualified", "Qualified", stale_after_days=10),
    Stage("proposal", "Proposal", stale_after_days=14),
    Stage("won", "Won", closes="won"),
    Stage("lost", "Lost", closes="lost"),
)
DEFAULT_SOURCES = (
    "referral",
    "website",
    "advertising",
    "event",
    "pr",
    "social",
    "cold outreach",
    "other",
)
DEFAULT_QUALIFICATION = (
    "Has a real need we can meet",
    "Budget confirmed",
    "Talking to the decision maker",
    "Wants to start within 3 months",
)


@dataclass(frozen=True)
class LoyaltyRule:
    """A repeat-purchase discount: which purchase it is for, and how much off.

    Exactly one of `purchase` (the Nth purchase, or the Nth and later with
    `and_later`) or `every` (every Nth purchase); exactly one of `percent` or
    `amount_cents`.
    """

    name: str
    purchase: int | None = None
    and_later: bool = False
    every: int | None = None
    percent: Decimal | None = None
    amount_cents: int | None = None
    min_cents: int = 0
    """The purchase must be at least this much for the rule to apply."""
    window_months: int | None = None
    """Only purchases in the last N months count toward the purchase number."""


TIER_PERIODS = ("lifetime", "year", "12 months")
"""What a tier counts: every purchase, this calendar year's, or the last 12 months'."""


@dataclass(frozen=True)
class LoyaltyTier:
    """A VIP tier (as Smile.io's): reached by spend or by purchases over a period, and
    giving a percent off that takes part in "best rule wins". Tiers are listed lowest
    first; a customer is in the highest one reached."""

    name: str
    percent: Decimal
    spend_cents: int | None = None
    """Reached by spending this much (what was charged) over `over`; or by `purchases`."""
    purchases: int | None = None
    over: str = "lifetime"
    """One of TIER_PERIODS."""


DEFAULT_LOYALTY_RULES = (
    LoyaltyRule("10% off the 2nd purchase", purchase=2, percent=Decimal(10)),
    LoyaltyRule(
        "15% off the 3rd purchase and later", purchase=3, and_later=True, percent=Decimal(15)
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure. Defaults ship with the app."""

    stages: tuple[Stage, ...] = DEFAULT_STAGES
    qualified_stage: str = "qualified"
    """Moving a lead into this stage shows the qualification checklist."""
    sources: tuple[str, ...] = DEFAULT_SOURCES
    referral_source: str = "referral"
    """The source that marks a warm, referred lead."""
    qualification: tuple[str, ...] = DEFAULT_QUALIFICATION
    """The written definition of 'qualified', one criterion a line."""
    loyalty_rules: tuple[LoyaltyRule, ...] = DEFAULT_LOYALTY_RULES
    loyalty_tiers: tuple[LoyaltyTier, ...] = ()
    """VIP tiers, lowest first (none by default)."""
    """When several rules fit a purchase, the one that takes most off wins (the first on a tie)."""
    ask_referral_after_days: int = 90
    """A repeat customer not asked for a referral in this many days is ripe to ask."""
    lapsed_after_months: int = 6
    """A customer with no purchase in this many months has lapsed."""
    meet_every_days: int = 0
    """A partner not met one to one for this many days shows on Today (0: never)."""
    ask_given_after_days: int = 30
    """A referral I gave with no outcome after this many days: ask the partner how it went."""
    owe_when_balance_over: int = 0
    """I owe a partner when they sent me more than this many referrals above what I sent them."""
    revenue_goal_cents: int = 0
    """The revenue to win per goal period; 0 means no goal is set."""
    goal_period: GoalPeriod = "year"
    """The calendar period the revenue goal is for: month, quarter or year."""
    assistant_writes: bool = False
    """Whether `pegboard mcp` lets an AI assistant change the book (log, move, record);
    off, it only reads. `--read-only` and `--allow-writes` override it per run."""
    currency: str = "USD"
    """An ISO 4217 code, such as USD or EUR; made a `money.Currency` (the code, with its
    symbol, minor digits and this book's number format) as the settings are made."""
    number_format: str = "1,234.56"
    """How amounts are typed and shown: one of money.NUMBER_FORMATS."""
    date_order: str = "mdy"
    """How 03/12/2026 is read (dmy, mdy or ymd): one of locales.DATE_ORDERS."""
    phone_region: str = "US"
    """Where a phone number typed without +country code is (ISO 3166 code, such as DE):
    0170 1234567 and +49 170 1234567 are then one number."""
    theme: str = "textual-dark"
    """A Textual theme's name; one picked in the palette is saved here."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, applied with App.set_keymap()."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", Currency(self.currency, self.number_format))

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(stage.id for stage in self.stages)

    @property
    def first_stage(self) -> Stage:
        return self.open_stages[0]

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if stage.closes is None)

    @property
    def qualified_stages(self) -> tuple[Stage, ...]:
        """The qualified stage and the open stages after it: a lead there is qualified
        (as is a won one)."""
        ids = [stage.id for stage in self.open_stages]
        return self.open_stages[ids.index(self.qualified_stage) :]

    def closing_stage(self, outcome: str) -> Stage:
        """The first stage that closes a lead as 'won' or 'lost'."""
        return next(stage for stage in self.stages if stage.closes == outcome)
