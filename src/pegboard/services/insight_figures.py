"""What Insights reports, and how each figure is defined: the report's parts and the
small sums they share. (The queries are in `insights` and `insight_pipeline`.)

Every figure is a SQL aggregate over a period that ends now. What counts in a
period is stated once here and in the README:

- A source's *leads* were created in the period; *qualified* leads first
  reached the qualified stage (or a later one, won included) in it
  (lead.qualified_at); *won* and
  *lost* leads closed in it. The win rate is won / (won + lost): open leads do
  not count against it.
- Referral versus other splits leads by whether they came by referral (the
  referral source, or a referring partner). Customers are split the same way by
  their leads, and follow the customers whose first purchase fell in the period;
  their lifetime value and repeat purchases count every purchase they made.
- The funnel follows the leads created in the period: how far each got (reaching
  a stage counts every stage before it). Time in stage covers the stays that
  ended in the period and those still going (up to now). Percentiles are
  nearest-rank: the median of 1, 2, 3, 4 is 2.
- The revenue goal is for the calendar month, quarter or year that holds today.

Archived leads, purchases and referrals count nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from peewee import Case, fn

from pegboard.clock import instant_text, to_utc

PERIODS = {"30d": 30, "90d": 90, "365d": 365, "all": None}
DEFAULT_PERIOD = "365d"
PERIOD_LABELS = {
    "30d": "last 30 days",
    "90d": "last quarter",
    "365d": "last year",
    "all": "all time",
}
MIN_SAMPLE = 10
"""Below this many cases on either side, a comparison says 'not enough data'."""
TOP = 10
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class SourceFigures:
    source: str
    leads: int
    qualified: int
    won: int
    lost: int
    win_rate: float | None
    revenue_cents: int
    avg_deal_cents: int | None
    avg_days_to_win: float | None
    touches_per_won: float | None


@dataclass(frozen=True)
class GroupFigures:
    """Referred or not: each figure with the number of cases behind it."""

    closed: int
    won: int
    win_rate: float | None
    avg_deal_cents: int | None
    customers: int
    ltv_cents: int | None
    repeat_customers: int
    retention: float | None
    """The share of customers who bought more than once."""
    avg_months_active: float | None
    """Months from a customer's first purchase to their last, on average."""


@dataclass(frozen=True)
class Comparison:
    referral: GroupFigures
    other: GroupFigures
    ratios: dict[str, float | None]
    """referral / other for win_rate, avg_deal, ltv, retention and months_active;
    None when either side has fewer than MIN_SAMPLE cases or the other side is 0."""


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    label: str
    reached: int
    converted_to_next: float | None
    """The share of the leads that reached this stage that reached the next one."""
    stays: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class GoalPlan:
    revenue_goal_cents: int
    period: str
    starts: date
    ends: date
    won_so_far_cents: int
    expected_by_now_cents: int
    """Where an even pace through the goal period would be today."""
    projected_cents: int | None
    """Won so far, carried on at the same pace to the period's end."""
    avg_deal_cents: int | None
    qualified_to_won: float | None
    needed_qualified: int | None
    """Qualified leads the whole goal takes: goal / average deal / qualified-to-won."""
    needed_more_qualified: int | None
    """Qualified leads still to find for what is left of the goal."""
    in_pipeline_qualified: int


@dataclass(frozen=True)
class TopCustomer:
    contact_id: int
    name: str
    purchases: int
    ltv_cents: int
    source: str
    partner: str


@dataclass(frozen=True)
class PartnerFigures:
    partner_id: int
    name: str
    converted: int
    closed_cents: int
    given: int


@dataclass(frozen=True)
class NetworkRank:
    """A partner ranked by what their introductions grew into (all time, not the
    period's: see services.lineage)."""

    partner_id: int
    name: str
    direct_cents: int
    network_cents: int
    network_size: int


@dataclass(frozen=True)
class Report:
    period: str
    since: datetime | None
    generated_at: datetime
    by_source: list[SourceFigures]
    referral_vs_other: Comparison
    funnel: list[FunnelStage]
    bottleneck_stage: str | None
    goal: GoalPlan | None
    top_customers: list[TopCustomer]
    partners_by_closed: list[PartnerFigures]
    partners_by_given: list[PartnerFigures]
    partners_by_network: list[NetworkRank]

    def to_json(self) -> dict:
        """The report's stable JSON shape (documented in the README)."""
        data = asdict(self)
        data["since"] = instant_text(self.since) if self.since else None
        data["generated_at"] = instant_text(self.generated_at)
        if self.goal is not None:
            data["goal"]["starts"] = self.goal.starts.isoformat()
            data["goal"]["ends"] = self.goal.ends.isoformat()
        data["partners"] = {
            "by_closed_business": data.pop("partners_by_closed"),
            "by_referrals_given": data.pop("partners_by_given"),
            "by_network_value": data.pop("partners_by_network"),
        }
        return data


def count_if(condition):
    return fn.SUM(Case(None, ((condition, 1),), 0))


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def per(total: int, count: int) -> int | None:
    """A whole-cent average, halves rounded up."""
    return (2 * total + count) // (2 * count) if count else None


def in_days(value) -> float | None:
    return None if value is None else round(float(value), 1)


def ratio(a: float | None, b: float | None, n_a: int, n_b: int) -> float | None:
    if a is None or b is None or not b or n_a < MIN_SAMPLE or n_b < MIN_SAMPLE:
        return None
    return round(a / b, 2)


def goal_window(period: str, today: date) -> tuple[date, date]:
    """The first day of the calendar month, quarter or year holding today, and the next's."""
    if period == "month":
        starts = today.replace(day=1)
        months = 1
    elif period == "quarter":
        starts = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    else:
        starts = today.replace(month=1, day=1)
        months = 12
    month = starts.month - 1 + months
    ends = date(starts.year + month // 12, month % 12 + 1, 1)
    return starts, ends


def local_midnight(day: date) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day))


def percentiles(counts: dict[int, int]) -> tuple[int, float | None, float | None]:
    """How many, and the nearest-rank median and 90th percentile in days, of stays
    counted per hour."""
    total = sum(counts.values())
    picks: dict[float, float] = {}
    seen = 0
    for hour in sorted(counts):
        seen += counts[hour]
        for share in (0.5, 0.9):
            if share not in picks and seen >= share * total:
                picks[share] = hour / 24
    return total, picks.get(0.5), picks.get(0.9)


def bottleneck(funnel: Sequence[FunnelStage]) -> str | None:
    """The open stage where leads wait longest (median days, then 90th percentile)."""
    timed = [stage for stage in funnel[:-1] if stage.median_days is not None]
    if not timed:
        return None
    return max(timed, key=lambda stage: (stage.median_days, stage.p90_days or 0)).stage
