"""Insights: which sources and partners bring the business, where leads stall, the goal plan.

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

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from peewee import JOIN, SQL, Case, fn

from pegboard.clock import Clock, to_utc
from pegboard.config import Settings
from pegboard.services.changes import DataStamp
from pegboard.store.dialect import days_between
from pegboard.store.models import Contact, Lead, Partner, Purchase, Referral, StageChange, Touch
from pegboard.store.parallel import in_parallel

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

    def to_json(self) -> dict:
        """The report's stable JSON shape (documented in the README)."""
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["generated_at"] = self.generated_at.isoformat()
        if self.goal is not None:
            data["goal"]["starts"] = self.goal.starts.isoformat()
            data["goal"]["ends"] = self.goal.ends.isoformat()
        data["partners"] = {
            "by_closed_business": data.pop("partners_by_closed"),
            "by_referrals_given": data.pop("partners_by_given"),
        }
        return data


def _count_if(condition):
    return fn.SUM(Case(None, ((condition, 1),), 0))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _per(total: int, count: int) -> int | None:
    """A whole-cent average, halves rounded up."""
    return (2 * total + count) // (2 * count) if count else None


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _ratio(a: float | None, b: float | None, n_a: int, n_b: int) -> float | None:
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


def _local_midnight(day: date) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day))


class InsightsService:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.latest: dict[str, Report] = {}
        """The last report worked out for each period: shown at once while a fresh one is
        made (at 100,000 leads a report takes about half a second)."""
        self.latest_stamps: dict[str, DataStamp | None] = {}
        """The caller's data stamp (`services.changes.data_stamp`) for each of `latest`,
        taken before it was worked out: while the stamp holds, the report is current."""

    # Read from the settings each time: the app swaps them in when config.toml changes.

    @property
    def won_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.stages if stage.closes == "won"]

    @property
    def lost_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.stages if stage.closes == "lost"]

    @property
    def open_stages(self) -> list[str]:
        return [stage.id for stage in self.settings.open_stages]

    @property
    def funnel_stages(self) -> list[str]:
        """The open stages, then the (first) won stage."""
        return [*self.open_stages, self.settings.closing_stage("won").id]

    def report(self, period: str = DEFAULT_PERIOD, stamp: DataStamp | None = None) -> Report:
        """The figures for `period`, worked out now; kept as the period's latest, with
        `stamp`. Figures that run up to now (time in stage, a period's first day) are
        taken to the minute; a caller reusing a report while its stamp holds (the same
        data, the same day) accepts that they may trail by the time since."""
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}: use {', '.join(PERIODS)}")
        now = self.clock.now()
        days = PERIODS[period]
        since = now - timedelta(days=days) if days is not None else None
        # The epoch stands for "all time" so that every query has one shape.
        start = since or datetime(1970, 1, 1, tzinfo=UTC)
        # Each query runs on a reader connection of its own, so this may be called from
        # any thread (the Insights screen calls it from a worker).
        figures = in_parallel(
            {
                "funnel": lambda: self.funnel(start, now),
                "by_source": lambda: self.by_source(start),
                "referral_vs_other": lambda: self.referral_vs_other(start),
                "goal": lambda: self.goal_plan(start),
                "top_customers": lambda: self.top_customers(start),
                "partners": lambda: self.partners(start),
            }
        )
        by_closed, by_given = figures.pop("partners")
        report = Report(
            period=period,
            since=since,
            generated_at=now,
            bottleneck_stage=bottleneck(figures["funnel"]),
            partners_by_closed=by_closed,
            partners_by_given=by_given,
            **figures,
        )
        self.latest[period] = report
        self.latest_stamps[period] = stamp
        return report

    # -- sources ---------------------------------------------------------------

    def _won(self, start: datetime):
        return Lead.stage.in_(self.won_stages) & (Lead.closed_at >= start)

    def _lost(self, start: datetime):
        return Lead.stage.in_(self.lost_stages) & (Lead.closed_at >= start)

    def by_source(self, start: datetime) -> list[SourceFigures]:
        won, lost = self._won(start), self._lost(start)
        # One scan of the leads: at 100,000 a date index in the WHERE costs more than it
        # saves once the period holds most of them.
        rows = (
            Lead.select(
                Lead.source,
                _count_if(Lead.created_at >= start).alias("leads"),
                _count_if(Lead.qualified_at >= start).alias("qualified"),
                _count_if(won).alias("won"),
                _count_if(lost).alias("lost"),
                fn.SUM(Case(None, ((won, Lead.value_cents),), 0)).alias("revenue"),
                fn.AVG(Case(None, ((won, days_between(Lead.created_at, Lead.closed_at)),))).alias(
                    "days_to_win"
                ),
            )
            .where(Lead.archived_at.is_null())
            .group_by(Lead.source)
            .tuples()
        )
        figures = {row[0]: [int(v or 0) for v in row[1:6]] + [row[6]] for row in rows}
        touches = dict(
            Touch.select(Lead.source, fn.COUNT(Touch.id))
            .join(Lead)
            .where(Lead.archived_at.is_null() & won)
            .group_by(Lead.source)
            .tuples()
        )
        configured = list(self.settings.sources)
        extra = sorted(
            source
            for source, counts in figures.items()
            if source not in configured and any(counts[:4])
        )
        result = []
        for source in [*configured, *extra]:
            leads, qualified, won_n, lost_n, revenue, days_to_win = figures.get(
                source, [0, 0, 0, 0, 0, None]
            )
            result.append(
                SourceFigures(
                    source=source,
                    leads=leads,
                    qualified=qualified,
                    won=won_n,
                    lost=lost_n,
                    win_rate=_rate(won_n, won_n + lost_n),
                    revenue_cents=revenue,
                    avg_deal_cents=_per(revenue, won_n),
                    avg_days_to_win=_days(days_to_win) if won_n else None,
                    touches_per_won=round(int(touches.get(source, 0)) / won_n, 1)
                    if won_n
                    else None,
                )
            )
        return result

    # -- referral versus other -------------------------------------------------

    def _is_referral(self):
        return (Lead.source == self.settings.referral_source) | Lead.referred_by.is_null(False)

    def referral_vs_other(self, start: datetime) -> Comparison:
        won, lost = self._won(start), self._lost(start)
        referred = Case(None, ((self._is_referral(), 1),), 0)
        leads = {
            int(flag): (int(won_n or 0), int(closed or 0), int(revenue or 0))
            for flag, won_n, closed, revenue in Lead.select(
                referred,
                _count_if(won),
                fn.COUNT(Lead.id),
                fn.SUM(Case(None, ((won, Lead.value_cents),), 0)),
            )
            .where(Lead.archived_at.is_null() & (won | lost))
            .group_by(referred)
            .tuples()
        }
        customers = self._customer_groups(start)
        groups = {}
        for flag in (1, 0):
            won_n, closed, revenue = leads.get(flag, (0, 0, 0))
            count, total, repeat, days_active = customers.get(flag, (0, 0, 0, None))
            groups[flag] = GroupFigures(
                closed=closed,
                won=won_n,
                win_rate=_rate(won_n, closed),
                avg_deal_cents=_per(revenue, won_n),
                customers=count,
                ltv_cents=_per(total, count),
                repeat_customers=repeat,
                retention=_rate(repeat, count),
                avg_months_active=round(float(days_active) / DAYS_PER_MONTH, 1)
                if count and days_active is not None
                else None,
            )
        ref, other = groups[1], groups[0]
        ratios = {
            "win_rate": _ratio(ref.win_rate, other.win_rate, ref.closed, other.closed),
            "avg_deal": _ratio(ref.avg_deal_cents, other.avg_deal_cents, ref.won, other.won),
            "ltv": _ratio(ref.ltv_cents, other.ltv_cents, ref.customers, other.customers),
            "retention": _ratio(ref.retention, other.retention, ref.customers, other.customers),
            "months_active": _ratio(
                ref.avg_months_active, other.avg_months_active, ref.customers, other.customers
            ),
        }
        return Comparison(referral=ref, other=other, ratios=ratios)

    def _customer_groups(self, start: datetime) -> dict[int, tuple[int, int, int, float | None]]:
        """Per group (1 referred, 0 not): customers, lifetime total, repeat buyers, avg days."""
        came_by_referral = (
            Lead.select(SQL("1"))
            .where(
                (Lead.contact == Purchase.contact)
                & Lead.archived_at.is_null()
                & self._is_referral()
            )
            .limit(1)
        )
        per_customer = (
            Purchase.select(
                Case(None, ((fn.EXISTS(came_by_referral), 1),), 0).alias("referred"),
                fn.SUM(Purchase.amount_cents).alias("total"),
                fn.COUNT(Purchase.id).alias("bought"),
                days_between(fn.MIN(Purchase.purchased_on), fn.MAX(Purchase.purchased_on)).alias(
                    "active"
                ),
            )
            .where(Purchase.archived_at.is_null())
            .group_by(Purchase.contact)
            .having(fn.MIN(Purchase.purchased_on) >= self._local_date(start))
            .alias("c")
        )
        rows = (
            Purchase.select(
                per_customer.c.referred,
                fn.COUNT(SQL("*")),
                fn.SUM(per_customer.c.total),
                _count_if(per_customer.c.bought > 1),
                fn.AVG(per_customer.c.active),
            )
            .from_(per_customer)
            .group_by(per_customer.c.referred)
            .tuples()
        )
        return {
            int(flag): (int(count), int(total or 0), int(repeat or 0), active)
            for flag, count, total, repeat, active in rows
        }

    def _local_date(self, start: datetime) -> date:
        return start.astimezone().date() if start.year > 1970 else date(1970, 1, 1)

    # -- funnel ----------------------------------------------------------------

    def funnel(self, start: datetime, now: datetime) -> list[FunnelStage]:
        stages = self.funnel_stages
        order = Case(StageChange.to_stage, [(stage, index) for index, stage in enumerate(stages)])
        cohort = Lead.archived_at.is_null() & (Lead.created_at >= start)
        furthest = (
            Lead.select(fn.MAX(order).alias("furthest"))
            .join(StageChange)
            .where(cohort)
            .group_by(Lead.id)
            .alias("f")
        )
        counts = {
            int(index): int(count)
            for index, count in StageChange.select(furthest.c.furthest, fn.COUNT(SQL("*")))
            .from_(furthest)
            .where(furthest.c.furthest.is_null(False))
            .group_by(furthest.c.furthest)
            .tuples()
        }
        reached = [
            sum(count for index, count in counts.items() if index >= position)
            for position in range(len(stages))
        ]
        times = self._time_in_stage(start, now)
        labels = {stage.id: stage.label for stage in self.settings.stages}
        result = []
        for position, stage in enumerate(stages):
            is_last = position == len(stages) - 1
            stays, median, p90 = times.get(stage, (0, None, None))
            result.append(
                FunnelStage(
                    stage=stage,
                    label=labels[stage],
                    reached=reached[position],
                    converted_to_next=None
                    if is_last
                    else _rate(reached[position + 1], reached[position]),
                    stays=stays,
                    median_days=_days(median),
                    p90_days=_days(p90),
                )
            )
        return result

    def _time_in_stage(self, start: datetime, now: datetime) -> dict[str, tuple]:
        """Per open stage: the number of stays, and their median and 90th percentile in days.

        The stays are those that ended in the period (a stage change records the stay it
        ends) and those still going. SQL counts them per hour (to the nearest); the
        percentiles are read off those counts.
        """
        archived = Lead.select(Lead.id).where(Lead.archived_at.is_null(False))
        finished = (
            StageChange.select(
                StageChange.from_stage, StageChange.stay_hours, fn.COUNT(StageChange.id)
            )
            .where(
                (StageChange.changed_at >= start)
                & StageChange.from_stage.in_(self.open_stages)
                & StageChange.stay_hours.is_null(False)
                & StageChange.lead.not_in(archived)
            )
            .group_by(StageChange.from_stage, StageChange.stay_hours)
            .tuples()
        )
        now_value = Lead.stage_entered_at.db_value(now)
        going_hour = fn.ROUND(days_between(Lead.stage_entered_at, now_value) * 24)
        going = (
            Lead.select(Lead.stage, going_hour, fn.COUNT(Lead.id))
            .where(Lead.archived_at.is_null() & Lead.stage.in_(self.open_stages))
            .group_by(Lead.stage, going_hour)
            .tuples()
        )
        hours: dict[str, dict[int, int]] = {}
        for stage, hour, count in [*finished, *going]:
            bucket = hours.setdefault(stage, {})
            bucket[int(hour)] = bucket.get(int(hour), 0) + int(count)
        return {stage: _percentiles(counts) for stage, counts in hours.items()}

    # -- goal ------------------------------------------------------------------

    def goal_plan(self, start: datetime) -> GoalPlan | None:
        goal = self.settings.revenue_goal_cents
        if not goal:
            return None
        today = self.clock.today()
        starts, ends = goal_window(self.settings.goal_period, today)
        won_so_far = int(
            Lead.select(fn.COALESCE(fn.SUM(Lead.value_cents), 0))
            .where(Lead.archived_at.is_null() & self._won(_local_midnight(starts)))
            .scalar()
        )
        elapsed = (self.clock.now() - _local_midnight(starts)).total_seconds()
        whole = (_local_midnight(ends) - _local_midnight(starts)).total_seconds()
        share = min(1.0, max(0.0, elapsed / whole))
        won_n, revenue = (
            Lead.select(fn.COUNT(Lead.id), fn.COALESCE(fn.SUM(Lead.value_cents), 0))
            .where(Lead.archived_at.is_null() & self._won(start))
            .tuples()
            .get()
        )
        avg_deal = _per(int(revenue), int(won_n))
        closed_won, closed = (
            Lead.select(_count_if(Lead.stage.in_(self.won_stages)), fn.COUNT(Lead.id))
            .where(
                Lead.archived_at.is_null()
                & Lead.qualified_at.is_null(False)
                & (self._won(start) | self._lost(start))
            )
            .tuples()
            .get()
        )
        to_won = _rate(int(closed_won or 0), int(closed))
        in_pipeline = (
            Lead.select()
            .where(
                Lead.archived_at.is_null()
                & Lead.stage.in_([stage.id for stage in self.settings.qualified_stages])
            )
            .count()
        )

        def needed(amount: int) -> int | None:
            if not avg_deal or not to_won:
                return None
            return math.ceil(amount / avg_deal / to_won)

        return GoalPlan(
            revenue_goal_cents=goal,
            period=self.settings.goal_period,
            starts=starts,
            ends=ends,
            won_so_far_cents=won_so_far,
            expected_by_now_cents=round(goal * share),
            projected_cents=round(won_so_far / share) if share else None,
            avg_deal_cents=avg_deal,
            qualified_to_won=to_won,
            needed_qualified=needed(goal),
            needed_more_qualified=needed(max(0, goal - won_so_far)),
            in_pipeline_qualified=in_pipeline,
        )

    # -- customers and partners ------------------------------------------------

    def top_customers(self, start: datetime) -> list[TopCustomer]:
        rows = list(
            Purchase.select(
                Purchase.contact,
                Contact.name,
                fn.COUNT(Purchase.id),
                fn.SUM(Purchase.amount_cents).alias("ltv"),
            )
            .join(Contact)
            .where(Purchase.archived_at.is_null())
            .group_by(Purchase.contact, Contact.name)
            .having(fn.MAX(Purchase.purchased_on) >= self._local_date(start))
            .order_by(SQL("ltv").desc(), Purchase.contact)
            .limit(TOP)
            .tuples()
        )
        origins: dict[int, tuple[str, str]] = {}
        if rows:
            # Each customer's first lead says where they came from.
            for contact_id, source, partner in (
                Lead.select(Lead.contact, Lead.source, Contact.name)
                .join(Partner, JOIN.LEFT_OUTER, on=(Lead.referred_by == Partner.id))
                .join(Contact, JOIN.LEFT_OUTER, on=(Partner.contact == Contact.id))
                .where(Lead.contact.in_([row[0] for row in rows]) & Lead.archived_at.is_null())
                .order_by(Lead.created_at.desc(), Lead.id.desc())
                .tuples()
            ):
                origins[contact_id] = (source, partner or "")
        return [
            TopCustomer(
                contact_id=contact_id,
                name=name,
                purchases=int(count),
                ltv_cents=int(ltv),
                source=origins.get(contact_id, ("", ""))[0],
                partner=origins.get(contact_id, ("", ""))[1],
            )
            for contact_id, name, count, ltv in rows
        ]

    def partners(self, start: datetime) -> tuple[list[PartnerFigures], list[PartnerFigures]]:
        """The partners who sent the most closed business, and those I gave the most
        referrals to: one aggregate over the period's referrals, ranked twice."""
        received_converted = (Referral.direction == "received") & (Referral.outcome == "converted")
        rows = (
            Referral.select(
                Partner.id,
                Contact.name,
                _count_if(received_converted),
                fn.SUM(Case(None, ((received_converted, Referral.value_cents),), 0)),
                _count_if(Referral.direction == "given"),
            )
            .join(Partner)
            .join(Contact)
            .where(
                Referral.archived_at.is_null()
                & Partner.archived_at.is_null()
                & (Referral.at >= start)
            )
            .group_by(Partner.id, Contact.name)
            .tuples()
        )
        figures = [
            PartnerFigures(
                partner_id=partner_id,
                name=name,
                converted=int(converted_n),
                closed_cents=int(closed_cents),
                given=int(given_n),
            )
            for partner_id, name, converted_n, closed_cents, given_n in rows
        ]

        def top(key) -> list[PartnerFigures]:
            ranked = sorted((f for f in figures if key(f) > 0), key=lambda f: (-key(f), f.name))
            return ranked[:TOP]

        return top(lambda f: f.closed_cents), top(lambda f: f.given)


def _percentiles(counts: dict[int, int]) -> tuple[int, float | None, float | None]:
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
