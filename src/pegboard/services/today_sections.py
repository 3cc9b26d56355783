"""Today's sections: everything that needs the owner this morning, in one list.

Each section is one query with a count and its first rows, kept until a table it reads
is written to. What a row's "done" and "snooze" do is in `pegboard.services.today`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from peewee import SQL, Expression, Select, fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.money import format_cents
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.partners import PartnerService
from pegboard.services.today_keeping import KeepingInTouch
from pegboard.services.today_loops import ClosingLoops
from pegboard.services.today_rows import (
    NEW_REFERRAL_SHOWS,
    SECTION_LIMIT,
    SECTION_TABLES,
    SECTIONS,
    TriageRow,
    TriageSection,
)
from pegboard.store.dialect import without_index
from pegboard.store.models import (
    LEAD_TOUCH_COUNT,
    Contact,
    Lead,
    Referral,
    Snooze,
    Touch,
    db,
)
from pegboard.store.paging import rows_and_count
from pegboard.store.parallel import in_parallel
from pegboard.store.table_generations import generations
from pegboard.text import counted

UNTOUCHED = LEAD_TOUCH_COUNT == SQL("0")  # noqa: SIM300 (a column, not a constant)
"""The leads with no touch, through their own index (schema 13), which only the literal
0 matches: the new referrals read from it, not by checking every open lead's touches
(15-25 ms at 100,000 leads). Not in the due leads' test for one: their count would read
each lead's row for it, where the index alone answers."""


FEW_SECTIONS = 3
"""Up to this many sections to work out, they follow one another on one connection."""


class TriageSections(ClosingLoops, KeepingInTouch):
    """The reading half of Today; `TodayService` adds what its keys do."""

    settings: Settings
    clock: Clock
    partners: PartnerService
    loyalty: LoyaltyService
    _kept: dict[str, tuple[tuple | None, TriageSection]]
    """Each section last worked out, with its basis (see `_basis`)."""

    def _not_snoozed(self, kind: str, field):
        today = self.clock.today()
        snoozed = Snooze.select(Snooze.ref_id).where((Snooze.kind == kind) & (Snooze.until > today))
        return field.not_in(snoozed)

    def _open_leads(self, stage_field=Lead.stage):
        """Live leads in an open stage (`stage_field`: the expression that reads it)."""
        open_ids = [stage.id for stage in self.settings.open_stages]
        return Lead.archived_at.is_null() & stage_field.in_(open_ids)

    def sections(self, limit: int = SECTION_LIMIT) -> list[TriageSection]:
        """Every section, in order. A new referral's lead (due today) shows only as a new
        referral, and a stale lead with a follow-up due only as due.

        No query runs on the calling thread (store.parallel), so a worker thread may call
        this as it is. A section is kept with what it was worked out from, and worked
        out again only when one of its tables was written to since
        (store.table_generations), by this process or another: after a stage move, the
        three sections that read leads are (on PostgreSQL, which keeps no counters,
        every section is)."""
        return in_parallel({"today": lambda: self._sections(limit)})["today"]

    def sections_if_few(self, limit: int = SECTION_LIMIT) -> list[TriageSection] | None:
        """`sections` on the calling thread's connection (no thread, no connection to
        open) when no more than FEW_SECTIONS need working out again (after a stage move,
        the three that read leads: about 5 ms at 100,000 leads); None when more do, and
        always where the database keeps no counters (PostgreSQL)."""
        counters = generations()
        if counters is None:
            return None
        kept, stale = self._kept_and_stale(counters, limit)
        return None if len(stale) > FEW_SECTIONS else self._worked_out(kept, stale)

    def _sections(self, limit: int) -> list[TriageSection]:
        """`sections`, on the calling thread's reader connection."""
        return self._worked_out(*self._kept_and_stale(generations(), limit))

    def _kept_and_stale(self, counters: dict[str, int] | None, limit: int):
        """The sections kept from last time (by key), and the others' (basis, work): those
        one of whose tables was written to since, or that were never worked out."""
        kept: dict[str, TriageSection] = {}
        stale: dict[str, tuple[tuple | None, Callable[[], TriageSection]]] = {}
        for key, work in self._section_jobs(limit).items():
            basis = self._basis(key, counters, limit)
            last = self._kept.get(key)
            if basis is not None and last is not None and last[0] == basis:
                kept[key] = last[1]
            else:
                stale[key] = (basis, work)
        return kept, stale

    def _worked_out(self, kept: dict[str, TriageSection], stale: dict) -> list[TriageSection]:
        """Every section in order, the stale ones worked out and kept. Many (the first
        time, a new day) run side by side on connections of their own: at 100,000 leads
        that halves the wait on two cores. A few (after a write) follow one another on
        this one: each takes a few milliseconds, less than a connection of its own costs
        to open and to fill its page cache."""
        works = {key: work for key, (_, work) in stale.items()}
        if len(works) > FEW_SECTIONS:
            done = in_parallel(works)
        else:
            done = {key: work() for key, work in works.items()}
        sections = dict(kept)
        for key, (basis, _) in stale.items():
            sections[key] = done[key]
            self._kept[key] = (basis, done[key])
        return [sections[key] for key, _ in SECTIONS]

    def _section_jobs(self, limit: int) -> dict[str, Callable[[], TriageSection]]:
        return {
            "due": lambda: self._due(limit),
            "new_referral": lambda: self._new_referrals(limit),
            "stale": lambda: self._stale(limit),
            "owed_partner": lambda: self._owed_partners(limit),
            "meet": lambda: self._partners_to_meet(limit),
            "discount_ending": lambda: self._discounts_ending(limit),
            "customer": lambda: self._customers(limit),
            "loop": lambda: self._loops(limit),
        }

    def _basis(self, key: str, counters: dict[str, int] | None, limit: int) -> tuple | None:
        """What section `key` depends on beside its rows: its tables' counters, the day
        (due, overdue, stale and snoozes move with it), the settings and the row limit.
        None where the database keeps no counters: then nothing is kept."""
        if counters is None:
            return None
        tables = tuple(counters[table] for table in SECTION_TABLES[key])
        return (tables, self.clock.today(), self.settings, limit)

    def _new_referral(self):
        """A received referral whose open lead has had no touch since it came in."""
        untouched = ~fn.EXISTS(Touch.select(Touch.id).where(Touch.lead == Lead.id))
        return (
            # Not through the loops' index, which starts with direction: all received
            # referrals (two in three) would be read to find the few new ones.
            (without_index(Referral.direction) == "received")
            & Referral.archived_at.is_null()
            & self._open_leads()
            & untouched
            & self._not_snoozed("new_referral", Referral.id)
        )

    def _due(self, limit: int) -> TriageSection:
        """Follow-ups due today or overdue, oldest first."""
        today = self.clock.today()
        is_new_referral = fn.EXISTS(
            Referral.select(Referral.id).where((Referral.lead == Lead.id) & self._new_referral())
        )
        due_and_not_new = (Lead.due_date <= today) & ~is_new_referral
        # The first rows by due date come from the due-date index, which stops at the
        # limit; through the stage index SQLite read and sorted every open lead (50 ms
        # at 100,000 leads).
        first_due = self._open_leads(without_index(Lead.stage)) & due_and_not_new
        due = (
            Lead.select(Lead.id, Contact.name, Lead.next_action, Lead.due_date)
            .join(Contact)
            .where(first_due)
            .order_by(Lead.due_date, Lead.id)
        )
        rows = []
        for lead in due.limit(limit):
            late = (today - lead.due_date).days
            when = "today" if late == 0 else f"{late}d overdue"
            rows.append(
                TriageRow(
                    "due",
                    lead.id,
                    lead.contact.name,
                    f"{lead.next_action or 'Follow up'} · {when}",
                    lead_id=lead.id,
                    overdue_days=late,
                )
            )
        # Counted as every open lead due, from an index alone, less the new referrals
        # among them, from the untouched leads' index: asking each due lead whether it is
        # a new referral took 10 ms at 100,000 leads.
        due_now = self._open_leads() & (Lead.due_date <= today)
        every_due = Lead.select(fn.COUNT(SQL("*"))).where(due_now)
        new_due = Lead.select(fn.COUNT(SQL("*"))).where(UNTOUCHED & due_now & is_new_referral)
        # An Expression, since `-` between two queries is peewee's EXCEPT.
        count = Select(columns=[Expression(every_due, "-", new_due)]).bind(db).scalar()
        return TriageSection("due", "Follow-ups due", count, rows)

    def _new_referrals(self, limit: int) -> TriageSection:
        """Received referrals whose lead has had no touch since it came in."""
        new = (
            Referral.select(Referral.id, Referral.partner, Lead.id, *NEW_REFERRAL_SHOWS)
            .join(Lead, on=Referral.lead == Lead.id)
            .join(Contact, on=Lead.contact == Contact.id)
            .where(self._new_referral() & UNTOUCHED)
            .order_by(Referral.at)
        )
        # With their count in the same read: counting apart walked every open lead again.
        first, count = rows_and_count(new, limit)
        partner_names = self._partner_names(row[1] for row in first)
        rows = []
        for referral_id, partner_id, lead_id, person, phone, email, value in first:
            reach = phone or email or "no phone or email yet"
            worth = f" · {format_cents(value, self.settings.currency, whole=True)}" if value else ""
            partner = partner_names.get(partner_id, "a partner")
            rows.append(
                TriageRow(
                    "new_referral",
                    referral_id,
                    person,
                    f"{reach} · from {partner}{worth} · not contacted yet",
                    lead_id=lead_id,
                )
            )
        return TriageSection("new_referral", "New referrals to contact", count, rows)

    def _stale(self, limit: int) -> TriageSection:
        """Open leads with no touch for longer than their stage allows."""
        today = self.clock.today()
        now = self.clock.now()
        conditions = None
        for stage in self.settings.open_stages:
            if stage.stale_after_days is None:
                continue
            cutoff = now - timedelta(days=stage.stale_after_days)
            condition = (Lead.stage == stage.id) & (Lead.last_touch_at < cutoff)
            conditions = condition if conditions is None else conditions | condition
        rows, count = [], 0
        if conditions is not None:
            idle_too_long = (
                self._open_leads()
                & conditions
                & ((Lead.due_date.is_null()) | (Lead.due_date > today))
                & self._not_snoozed("stale", Lead.id)
            )
            # The first ids from the (stage, last_touch_at, due_date, archived_at) index
            # alone, then their rows and names: joined first, every stale lead's row and
            # contact were read to sort them (5 ms at 100,000 leads).
            longest = Lead.select(Lead.id).where(idle_too_long)
            first = longest.order_by(Lead.last_touch_at, Lead.id).limit(limit)
            stale = (
                Lead.select(Lead.id, Lead.stage, Lead.last_touch_at, Contact.name)
                .join(Contact)
                .where(Lead.id.in_(first))
                .order_by(Lead.last_touch_at, Lead.id)
            )
            # Counted from the same index alone.
            count = longest.count()
            for lead in stale:
                idle = (now - lead.last_touch_at).days
                label = self.settings.stage(lead.stage).label
                rows.append(
                    TriageRow(
                        "stale",
                        lead.id,
                        lead.contact.name,
                        f"{label} · no touch for {idle}d",
                        lead_id=lead.id,
                    )
                )
        return TriageSection("stale", "Stale leads", count, rows)

    def _owed_partners(self, limit: int) -> TriageSection:
        """Partners I owe: more received than given, or business not yet thanked."""
        snoozed = frozenset(self._snoozed_ids("owed_partner"))
        owed, count = self.partners.first_owed_partners(limit, exclude=snoozed)
        rows = [
            TriageRow(
                "owed_partner",
                row.id,
                row.name,
                _owed_detail(row.balance, row.unthanked),
                partner_id=row.id,
            )
            for row in owed
        ]
        return TriageSection("owed_partner", "Partners I owe", count, rows)

    def _customers(self, limit: int) -> TriageSection:
        """Customers ripe to ask for a referral, or lapsed with a discount waiting."""
        snoozed = frozenset(self._snoozed_ids("customer"))
        first, count = self.loyalty.first_customers(
            "lifetime", limit, attention_only=True, exclude=snoozed
        )
        customers = [row for row in first if row.ask_for_referral or (row.lapsed and row.next_rule)]
        rows = [
            TriageRow(
                "customer",
                row.id,
                row.name,
                "ask for a referral"
                if row.ask_for_referral
                else f"lapsed · invite back: {row.next_rule.name}",
                contact_id=row.id,
            )
            for row in customers[:limit]
        ]
        return TriageSection("customer", "Customers to ask or invite back", count, rows)

    def summary(self, sections: list[TriageSection]) -> str:
        counts = {section.key: section.count for section in sections}
        bits = [
            f"{counted(counts['due'], 'follow-up')} due",
            counted(counts["new_referral"], "new referral"),
            f"{counted(counts['stale'], 'lead')} going stale",
            f"{counted(counts['owed_partner'], 'partner')} to thank or send work",
            *(
                [f"{counted(counts['meet'], 'partner')} to meet"]
                if self.settings.meet_every_days
                else []
            ),
            f"{counted(counts['customer'], 'customer')} to ask or win back",
            *(
                [f"{counted(counts['discount_ending'], 'discount')} about to lapse"]
                if counts["discount_ending"]
                else []
            ),
            f"{counted(counts['loop'], 'referral')} to follow up",
        ]
        return ", ".join(bits)

    def _snoozed_ids(self, kind: str) -> set[int]:
        today = self.clock.today()
        return {
            ref
            for (ref,) in Snooze.select(Snooze.ref_id)
            .where((Snooze.kind == kind) & (Snooze.until > today))
            .tuples()
        }


def _owed_detail(balance: int, unthanked: int) -> str:
    """Why a partner is owed: `sent you 3 referrals more than you sent, 1 to thank`."""
    sent = f"sent you {counted(balance, 'referral')} more than you sent" if balance > 0 else ""
    thank = f"{unthanked} to thank" if unthanked else ""
    return ", ".join(bit for bit in (sent, thank) if bit)
