"""Insights: which sources and partners bring the business, and the customers they
became (the funnel and the goal plan are in `insight_pipeline`).

What counts in a period, for every figure, is stated once: in `insight_figures` and in
the README."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from peewee import JOIN, SQL, Case, fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.changes import DataStamp
from pegboard.services.insight_figures import (
    DAYS_PER_MONTH,
    DEFAULT_PERIOD,
    PERIODS,
    TOP,
    Comparison,
    GroupFigures,
    NetworkRank,
    PartnerFigures,
    Report,
    SourceFigures,
    TopCustomer,
    bottleneck,
    count_if,
    in_days,
    per,
    rate,
    ratio,
)
from pegboard.services.insight_pipeline import PipelineFigures
from pegboard.store.dialect import days_between
from pegboard.store.models import Contact, Lead, Partner, Purchase, Referral, Touch
from pegboard.store.parallel import in_parallel


class InsightsService(PipelineFigures):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.latest: dict[str, Report] = {}
        """The last report worked out for each period: shown at once while a fresh one is
        made (at 100,000 leads a report takes about half a second)."""
        self.latest_stamps: dict[str, DataStamp | None] = {}
        """The caller's data stamp (`services.changes.data_stamp`) for each of `latest`,
        taken before it was worked out: while the stamp holds, the report is current."""

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
                "partners_by_network": self.partners_by_network,
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

    # -- sources ---------------------------------------------------------------

    def by_source(self, start: datetime) -> list[SourceFigures]:
        won, lost = self._won(start), self._lost(start)
        # One scan of the leads: at 100,000 a date index in the WHERE costs more than it
        # saves once the period holds most of them.
        rows = (
            Lead.select(
                Lead.source,
                count_if(Lead.created_at >= start).alias("leads"),
                count_if(Lead.qualified_at >= start).alias("qualified"),
                count_if(won).alias("won"),
                count_if(lost).alias("lost"),
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
                    win_rate=rate(won_n, won_n + lost_n),
                    revenue_cents=revenue,
                    avg_deal_cents=per(revenue, won_n),
                    avg_days_to_win=in_days(days_to_win) if won_n else None,
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
                count_if(won),
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
                win_rate=rate(won_n, closed),
                avg_deal_cents=per(revenue, won_n),
                customers=count,
                ltv_cents=per(total, count),
                repeat_customers=repeat,
                retention=rate(repeat, count),
                avg_months_active=round(float(days_active) / DAYS_PER_MONTH, 1)
                if count and days_active is not None
                else None,
            )
        ref, other = groups[1], groups[0]
        ratios = {
            "win_rate": ratio(ref.win_rate, other.win_rate, ref.closed, other.closed),
            "avg_deal": ratio(ref.avg_deal_cents, other.avg_deal_cents, ref.won, other.won),
            "ltv": ratio(ref.ltv_cents, other.ltv_cents, ref.customers, other.customers),
            "retention": ratio(ref.retention, other.retention, ref.customers, other.customers),
            "months_active": ratio(
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
                count_if(per_customer.c.bought > 1),
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

    def partners_by_network(self) -> list[NetworkRank]:
        """The partners whose introductions grew into the most, all time: their own
        closed business and their network's (services.lineage)."""
        from pegboard.services.lineage import network_figures

        ranked = sorted(
            (
                NetworkRank(pid, f.name, f.direct_cents, f.value_cents, f.size)
                for pid, f in network_figures().items()
                if f.value_cents > 0
            ),
            key=lambda rank: (-rank.network_cents, rank.name),
        )
        return ranked[:TOP]

    def partners(self, start: datetime) -> tuple[list[PartnerFigures], list[PartnerFigures]]:
        """The partners who sent the most closed business, and those I gave the most
        referrals to: one aggregate over the period's referrals, ranked twice."""
        received_converted = (Referral.direction == "received") & (Referral.outcome == "converted")
        rows = (
            Referral.select(
                Partner.id,
                Contact.name,
                count_if(received_converted),
                fn.SUM(Case(None, ((received_converted, Referral.value_cents),), 0)),
                count_if(Referral.direction == "given"),
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
