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
from pegboard.services.insight_pipeline import PipelineFigures, stored_since
from pegboard.store.dialect import days_between, holds_item
from pegboard.store.models import Contact, CustomerTally, Lead, Partner, db
from pegboard.store.parallel import in_parallel
from pegboard.store.partner_tally import referrals_since
from pegboard.store.tallies import TallyRow, lead_tallies


class InsightsService(PipelineFigures):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.latest: dict[str, Report] = {}
        """The last report worked out for each period: shown at once while a fresh one is
        made (at 100,000 leads a report takes about 50 ms, more in the app)."""
        self.kept: dict[str, tuple[tuple, object]] = {}
        """Parts of a report that read only a few tables, with those tables' counters
        (and the period's first minute) they were worked out at (`_kept_while`)."""
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
        # From the minute: the same within a minute, so that parts kept can be reused.
        since = now.replace(second=0, microsecond=0) - timedelta(days=days) if days else None
        # The epoch stands for "all time" so that every query has one shape.
        start = since or datetime(1970, 1, 1, tzinfo=UTC)
        # Every read runs on one reader connection of its own, so this may be called
        # from any thread (the Insights screen calls it from a worker). They follow one
        # another: with the figures kept on write each takes a few milliseconds, and
        # side by side they cost more in connections and Python's lock than they saved.
        figures = in_parallel({"report": lambda: self._figures(start, now)})["report"]
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

    def _figures(self, start: datetime, now: datetime) -> dict:
        """The report's parts since `start`, by name."""
        rows = lead_tallies(start)
        times = self.time_in_stage(self.stays_ended(start), self.stays_going(now))
        return {
            "funnel": self.funnel(rows, times),
            "by_source": self.by_source(rows),
            "referral_vs_other": self.referral_vs_other(rows, self._customer_groups(start)),
            "goal": self.goal_plan(rows),
            "top_customers": self.top_customers(start),
            "partners": self.partners(start),
            "partners_by_network": self.partners_by_network(),
        }

    # -- sources ---------------------------------------------------------------

    def by_source(self, rows: list[TallyRow]) -> list[SourceFigures]:
        """Each source's figures from the period's tallies."""
        figures: dict[str, list[int]] = {}
        won_stages, lost_stages = set(self.won_stages), set(self.lost_stages)
        for row in rows:
            # leads, qualified, won, lost, revenue, seconds to win, touches of the won
            counts = figures.setdefault(row.source, [0] * 7)
            if row.event == "created":
                counts[0] += row.leads
            elif row.event == "qualified":
                counts[1] += row.leads
            elif row.stage in won_stages:
                counts[2] += row.leads
                counts[4] += row.value_cents
                counts[5] += row.seconds
                counts[6] += row.touches
            elif row.stage in lost_stages:
                counts[3] += row.leads
        configured = list(self.settings.sources)
        extra = sorted(
            source
            for source, counts in figures.items()
            if source not in configured and any(counts[:4])
        )
        result = []
        for source in [*configured, *extra]:
            leads, qualified, won_n, lost_n, revenue, seconds, touches = figures.get(
                source, [0] * 7
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
                    avg_days_to_win=in_days(seconds / 86400 / won_n) if won_n else None,
                    touches_per_won=round(touches / won_n, 1) if won_n else None,
                )
            )
        return result

    # -- referral versus other -------------------------------------------------

    def referral_vs_other(self, rows: list[TallyRow], customers: dict[int, tuple]) -> Comparison:
        """Referred leads against the rest, from the period's tallies, and their customers
        (`_customer_groups`)."""
        leads: dict[int, list[int]] = {1: [0, 0, 0], 0: [0, 0, 0]}
        referral_source = self.settings.referral_source
        for closes in ("won", "lost"):
            for row in self.closed(rows, closes):
                counts = leads[int(row.partnered or row.source == referral_source)]
                counts[1] += row.leads
                if closes == "won":
                    counts[0] += row.leads
                    counts[2] += row.value_cents
        groups = {}
        for flag in (1, 0):
            won_n, closed, revenue = leads[flag]
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
        came_by_referral = (CustomerTally.partnered > 0) | holds_item(
            CustomerTally.sources, self.settings.referral_source
        )
        referred = Case(None, ((came_by_referral, 1),), 0)
        rows = (
            CustomerTally.select(
                referred,
                fn.COUNT(SQL("*")),
                fn.SUM(CustomerTally.spent),
                count_if(CustomerTally.bought > 1),
                fn.AVG(days_between(CustomerTally.first_on, CustomerTally.last_on)),
            )
            .where(CustomerTally.first_on >= self._local_date(start))
            .group_by(referred)
            .tuples()
        )
        return {
            int(flag): (int(count), int(total or 0), int(repeat or 0), active)
            for flag, count, total, repeat, active in rows
        }

    def _local_date(self, start: datetime) -> date:
        return start.astimezone().date() if start.year > 1970 else date(1970, 1, 1)

    def top_customers(self, start: datetime) -> list[TopCustomer]:
        # Walked from the biggest spender down (customer_tally's index) until ten bought
        # in the period.
        rows = list(
            CustomerTally.select(
                CustomerTally.contact, Contact.name, CustomerTally.bought, CustomerTally.spent
            )
            .join(Contact)
            .where(CustomerTally.last_on >= self._local_date(start))
            .order_by(CustomerTally.spent.desc(), CustomerTally.contact)
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

    def _kept_while(self, name: str, tables: tuple[str, ...], basis, work):
        """`work()`, or what it gave last time while none of `tables` was written to
        since and `basis` is the same (on SQLite, by the table counters; elsewhere it is
        worked out each time). A stage move between open stages, or a touch, writes to
        none of the partners' tables, so their parts are not read again."""
        from pegboard.store.table_generations import generations

        counters = generations()
        stamp = None if counters is None else (tuple(counters[t] for t in tables), basis)
        kept = self.kept.get(name)
        if stamp is not None and kept is not None and kept[0] == stamp:
            return kept[1]
        value = work()
        self.kept[name] = (stamp, value)
        return value

    def partners_by_network(self) -> list[NetworkRank]:
        """The partners whose introductions grew into the most, all time: their own
        closed business and their network's (services.lineage)."""
        tables = ("partner", "referral", "purchase", "contact")
        return self._kept_while("network", tables, None, self._network_ranking)

    def _network_ranking(self) -> list[NetworkRank]:
        from pegboard.services.lineage import network_ranking

        return [
            NetworkRank(pid, f.name, f.direct_cents, f.value_cents, f.size)
            for pid, f in network_ranking(TOP)
        ]

    def partners(self, start: datetime) -> tuple[list[PartnerFigures], list[PartnerFigures]]:
        """The partners who sent the most closed business, and those I gave the most
        referrals to: each partner's sums over the period (kept on write), ranked twice."""
        tables = ("partner", "referral", "contact")
        return self._kept_while("partners", tables, start, lambda: self._partners(start))

    def _partners(self, start: datetime) -> tuple[list[PartnerFigures], list[PartnerFigures]]:
        sums = referrals_since(stored_since(start))
        live = Partner.select(Partner.id, Contact.name).join(Contact)
        names = dict(db.execute_sql(*live.where(Partner.archived_at.is_null()).sql()))
        figures = [
            PartnerFigures(
                partner_id=partner_id,
                name=names[partner_id],
                converted=converted_n,
                closed_cents=closed_cents,
                given=given_n,
            )
            for partner_id, (converted_n, closed_cents, given_n) in sums.items()
            if partner_id in names
        ]

        def top(key) -> list[PartnerFigures]:
            ranked = sorted((f for f in figures if key(f) > 0), key=lambda f: (-key(f), f.name))
            return ranked[:TOP]

        return top(lambda f: f.closed_cents), top(lambda f: f.given)
