"""A realistic demo book of business for newcomers, benchmarks and screenshots.

One year of a solo owner's work: partners who send clients and get clients
back (unevenly), leads from every source moving through the stages with
touches and history, and customers who come back. Referred leads are warmer:
they win more often and buy again more often, as the product claims.
Rows go in with bulk inserts inside one transaction, so 100,000 leads take
seconds.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from peewee import Model

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.services.leads import stay_hours
from pegboard.services.loyalty_rules import PriorPurchases, best_discount
from pegboard.store.bulk import bulk_insert, bulk_insert_ids, bulk_load
from pegboard.store.models import (
    HISTORY_FIELDS,
    Contact,
    Lead,
    Partner,
    Purchase,
    Referral,
    StageChange,
    Touch,
    db,
)

FIRST = (
    "Ana Ben Carla Dev Elena Farid Grace Hugo Ines Jamal Kira Liam Mona Nikhil Olga Pablo "
    "Quinn Rosa Sam Tara Umar Vera Wes Xenia Yusuf Zoe Amir Bea Cole Dana Emil Fay Gus Hana "
    "Ivan Jade Kofi Lena Milo Nora Otto Priya Raul Sofia Theo Uma Victor Wendy"
).split()
LAST = (
    "Abbott Baker Chen Diaz Evans Fischer Garcia Haddad Ito Jensen Kim Lopez Moreau Novak "
    "Okafor Patel Quist Rossi Silva Tanaka Ueda Vargas Weber Xu Young Zimmer Brandt Costa "
    "Duarte Eriksen Fontaine Gallo Holm Ibarra Joshi Kowalski Larsen Mendes Nilsen Ortiz"
).split()
BUSINESS = (
    "Bakery Studio Dental Garage Florist Cafe Yoga Print Roofing Law Design Vet Salon "
    "Plumbing Books Gym Pottery Tailor Optics Brewing"
).split()
SUFFIX = ("Co", "& Sons", "Ltd", "Group", "Works", "House", "Collective", "")
NEEDS = (
    "Monthly bookkeeping",
    "Year-end accounts",
    "Payroll set-up",
    "Tax return",
    "VAT registration",
    "Cash-flow review",
    "Catch-up books",
    "Advisory retainer",
)
PARTNER_CATEGORIES = ("accountant", "realtor", "lawyer", "banker", "insurance", "designer")
LOST_REASONS = ("Went with a cheaper firm", "No budget this year", "Went quiet", "Not a fit")
TOUCH_NOTES = {
    "call": ("Intro call", "Discussed scope", "Left voicemail", "Walked through pricing"),
    "email": ("Sent proposal", "Sent follow-up", "Shared checklist", "Answered questions"),
    "meeting": ("Coffee meeting", "Site visit", "Review meeting"),
    "message": ("Quick check-in", "Sent reminder"),
    "note": ("Prefers mornings", "Decision after board meeting"),
}
NEXT_ACTIONS = ("Call back", "Send proposal", "Chase signature", "Book meeting", "Check in")
STAY_HOURS = {"new": (6, 24 * 6), "contacted": (24, 24 * 14), "proposal": (24 * 5, 24 * 45)}
"""How long a lead waits in a stage before moving on: proposals are where deals stall."""
SOURCE_WEIGHTS = {
    "referral": 26,
    "website": 24,
    "advertising": 12,
    "event": 10,
    "pr": 5,
    "social": 13,
    "cold outreach": 7,
    "other": 3,
}


@dataclass(frozen=True)
class DemoSummary:
    contacts: int
    partners: int
    leads: int
    referrals: int
    touches: int
    purchases: int


def database_is_empty() -> bool:
    return not (Contact.select().exists() or Lead.select().exists())


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class _DemoWriter:
    """Builds the rows in memory with one random generator, then bulk-inserts them."""

    def __init__(self, settings: Settings, clock: Clock, seed: int) -> None:
        self.settings = settings
        self.rng = random.Random(seed)
        self.now = _naive(clock.now())
        self.today = clock.today()
        self.start = self.now - timedelta(days=365)

    def person(self) -> tuple[str, str, str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = ""
        if rng.random() < 0.8:
            company = f"{rng.choice(LAST)} {rng.choice(BUSINESS)} {rng.choice(SUFFIX)}".strip()
        email = f"{first}.{last}{rng.randrange(1000)}@example.com".lower()
        phone = f"+1 555 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        return f"{first} {last}", company, email, phone

    def moment(self, earliest: datetime, latest: datetime) -> datetime:
        span = max(1, int((latest - earliest).total_seconds()))
        return earliest + timedelta(seconds=self.rng.randrange(span))

    def write(self, lead_count: int) -> DemoSummary:
        rng = self.rng
        now = self.now
        partner_count = max(6, min(2000, lead_count // 50))
        stages = self.settings.stages
        open_ids = [stage.id for stage in stages if stage.closes is None]
        won_id = self.settings.closing_stage("won").id
        lost_id = self.settings.closing_stage("lost").id
        sources = [s for s in self.settings.sources if s in SOURCE_WEIGHTS] or list(
            self.settings.sources
        )
        weights = [SOURCE_WEIGHTS.get(source, 5) for source in sources]
        referral_source = self.settings.referral_source
        qualified = {stage.id for stage in self.settings.qualified_stages} | {won_id}

        # Partners first: their contacts, then the partner rows.
        partner_people = [self.person() for _ in range(partner_count)]
        contact_ids = self._insert_contacts(partner_people)
        partner_rows = []
        for contact_id in contact_ids:
            since = self.moment(self.start - timedelta(days=900), self.start)
            partner_rows.append(
                (contact_id, rng.choice(PARTNER_CATEGORIES), since.date(), "", since, since)
            )
        partner_ids = self._insert(
            Partner,
            (
                Partner.contact,
                Partner.category,
                Partner.since,
                Partner.notes,
                Partner.created_at,
                Partner.updated_at,
            ),
            partner_rows,
        )
        # A few partners send most of the business (and some get little back).
        partner_weights = [rng.paretovariate(1.2) for _ in partner_ids]
        partner_cum = list(itertools.accumulate(partner_weights))
        source_cum = list(itertools.accumulate(weights))

        lead_people = [self.person() for _ in range(lead_count)]
        lead_contact_ids = self._insert_contacts(lead_people)

        leads, paths = [], []
        positions = {stage.id: 0 for stage in stages}
        for index, contact_id in enumerate(lead_contact_ids):
            source = rng.choices(sources, cum_weights=source_cum)[0]
            referred = source == referral_source
            partner = rng.choices(partner_ids, cum_weights=partner_cum)[0] if referred else None
            created = self.moment(self.start, now - timedelta(hours=2))
            age_days = (now - created).days
            won_chance = 0.42 if referred else 0.14
            path = [open_ids[0]]
            for stage_id in open_ids[1:]:
                if rng.random() < (0.75 if referred else 0.55):
                    path.append(stage_id)
                else:
                    break
            if age_days > 20:
                roll = rng.random()
                if roll < won_chance:
                    path = [*open_ids[:], won_id]
                elif roll < won_chance + (0.5 if referred else 0.7):
                    path.append(lost_id)
            times = [created]
            for left in path[:-1]:
                hours = rng.randrange(*STAY_HOURS.get(left, (12, 24 * 21)))
                if referred:
                    hours = hours * 7 // 10
                times.append(min(times[-1] + timedelta(hours=hours), now - timedelta(minutes=5)))
            stage_id = path[-1]
            value = rng.choice((450, 800, 1200, 1800, 2500, 4000, 6500)) * 100
            if referred:
                value = value * 13 // 10
            closed = times[-1] if stage_id in (won_id, lost_id) else None
            due = None
            next_action = ""
            if closed is None:
                due = self.today + timedelta(days=rng.randrange(-12, 15))
                next_action = rng.choice(NEXT_ACTIONS)
            name = lead_people[index][0]
            positions[stage_id] += 1
            leads.append(
                [
                    f"{rng.choice(NEEDS)}",
                    contact_id,
                    stage_id,
                    source,
                    value,
                    next_action,
                    due,
                    json.dumps(list(self.settings.qualification[: rng.randrange(2, 5)]))
                    if len(path) > 2
                    else "[]",
                    partner,
                    positions[stage_id],
                    times[-1],
                    times[-1],
                    created,
                    times[-1],
                    closed,
                    rng.choice(LOST_REASONS) if stage_id == lost_id else "",
                    next(
                        (when for step, when in zip(path, times, strict=True) if step in qualified),
                        None,
                    ),
                ]
            )
            paths.append((path, times, name))
        lead_fields = (
            Lead.title,
            Lead.contact,
            Lead.stage,
            Lead.source,
            Lead.value_cents,
            Lead.next_action,
            Lead.due_date,
            Lead.qualification,
            Lead.referred_by,
            Lead.position,
            Lead.stage_entered_at,
            Lead.last_touch_at,
            Lead.created_at,
            Lead.updated_at,
            Lead.closed_at,
            Lead.lost_reason,
            Lead.qualified_at,
        )
        # Touches decide last_touch_at, so build them before inserting the leads.
        touches = []
        for index, (path, times, _) in enumerate(paths):
            count = rng.randrange(1, 2 + len(path))
            last = times[0]
            for _ in range(count):
                at = self.moment(times[0], max(times[-1], times[0] + timedelta(hours=1)))
                kind = rng.choice(("call", "call", "email", "email", "meeting", "message", "note"))
                touches.append(
                    [lead_contact_ids[index], index, kind, rng.choice(TOUCH_NOTES[kind]), at]
                )
                last = max(last, at)
            # Most open leads are being worked: a touch in the last few days.
            if leads[index][14] is None and rng.random() < 0.7:
                at = now - timedelta(hours=rng.randrange(1, 24 * 3))
                touches.append([lead_contact_ids[index], index, "call", "Checked in", at])
                last = max(last, at)
            leads[index][11] = last
        lead_ids = self._insert(Lead, lead_fields, leads)

        history = []
        for lead_id, (path, times, _) in zip(lead_ids, paths, strict=True):
            previous, entered = None, None
            for stage_id, at in zip(path, times, strict=True):
                stay = None if entered is None else stay_hours(entered, at)
                history.append((lead_id, previous, stage_id, at, stay))
                previous, entered = stage_id, at
        self._insert(StageChange, HISTORY_FIELDS, history, want_ids=False)
        for touch in touches:
            touch[1] = lead_ids[touch[1]]
        self._insert(
            Touch,
            (Touch.contact, Touch.lead, Touch.kind, Touch.note, Touch.at),
            touches,
            want_ids=False,
        )

        referrals = self._referrals(leads, lead_ids, lead_contact_ids, partner_ids, partner_weights)
        purchases = self._purchases(leads, lead_ids, won_id)
        return DemoSummary(
            contacts=len(contact_ids) + len(lead_contact_ids),
            partners=len(partner_ids),
            leads=len(lead_ids),
            referrals=referrals,
            touches=len(touches),
            purchases=purchases,
        )

    def _referrals(self, leads, lead_ids, contact_ids, partner_ids, partner_weights) -> int:
        rng = self.rng
        won_id = self.settings.closing_stage("won").id
        lost_id = self.settings.closing_stage("lost").id
        rows = []
        for row, lead_id, contact_id in zip(leads, lead_ids, contact_ids, strict=True):
            partner = row[8]
            if partner is None:
                continue
            stage_id, created = row[2], row[12]
            outcome = {won_id: "converted", lost_id: "no_fit"}.get(stage_id, "open")
            value = row[4] if outcome == "converted" else 0
            thanked = None
            if outcome == "converted" and rng.random() < 0.7:
                thanked = row[14] + timedelta(days=rng.randrange(1, 10))
            rows.append(
                (
                    partner,
                    "received",
                    contact_id,
                    lead_id,
                    "Warm intro",
                    created,
                    outcome,
                    value,
                    thanked,
                    rng.randrange(1, 6),
                    created,
                    created,
                )
            )
        # Given referrals: I send fewer than I receive, and not evenly.
        given = len(rows) // 2
        given_cum = list(itertools.accumulate(w**0.5 for w in partner_weights))
        for _ in range(given):
            partner = rng.choices(partner_ids, cum_weights=given_cum)[0]
            at = self.moment(self.start, self.now)
            outcome = rng.choice(("open", "open", "converted", "no_fit"))
            value = rng.choice((900, 1500, 3000)) * 100 if outcome == "converted" else 0
            contact_id = rng.choice(contact_ids)
            rows.append(
                (
                    partner,
                    "given",
                    contact_id,
                    None,
                    "Sent a client their way",
                    at,
                    outcome,
                    value,
                    None,
                    rng.randrange(1, 6),
                    at,
                    at,
                )
            )
        self._insert(
            Referral,
            (
                Referral.partner,
                Referral.direction,
                Referral.contact,
                Referral.lead,
                Referral.note,
                Referral.at,
                Referral.outcome,
                Referral.value_cents,
                Referral.thanked_at,
                Referral.warmth,
                Referral.created_at,
                Referral.updated_at,
            ),
            rows,
            want_ids=False,
        )
        return len(rows)

    def _purchases(self, leads, lead_ids, won_id) -> int:
        """Each won lead is a first purchase; referred customers come back more often."""
        rng = self.rng
        rows = []
        for row, lead_id in zip(leads, lead_ids, strict=True):
            if row[2] != won_id:
                continue
            contact_id, value, closed = row[1], row[4], row[14]
            referred = row[8] is not None
            rows.append((contact_id, lead_id, closed.date(), row[0], value, 0, value, "", closed))
            day = closed
            repeat_chance = 0.55 if referred else 0.3
            number = 1
            while rng.random() < repeat_chance:
                day = day + timedelta(days=rng.randrange(20, 120))
                if day >= self.now:
                    break
                number += 1
                price = rng.choice((300, 450, 800, 1200)) * 100
                earned = best_discount(
                    self.settings.loyalty_rules, PriorPurchases(number - 1), price
                )
                discount = earned.discount_cents if earned else 0
                rule = earned.rule.name if earned else ""
                rows.append(
                    (
                        contact_id,
                        None,
                        day.date(),
                        "Follow-on work",
                        price,
                        discount,
                        price - discount,
                        rule,
                        day,
                    )
                )
                repeat_chance *= 0.8
        self._insert(
            Purchase,
            (
                Purchase.contact,
                Purchase.lead,
                Purchase.purchased_on,
                Purchase.what,
                Purchase.list_cents,
                Purchase.discount_cents,
                Purchase.amount_cents,
                Purchase.rule,
                Purchase.created_at,
            ),
            rows,
            want_ids=False,
        )
        self._ask_some_repeat_customers(rows)
        return len(rows)

    def _ask_some_repeat_customers(self, purchases: list[tuple]) -> None:
        """Most repeat customers were asked for a referral in the last months, some not yet."""
        counts: dict[int, int] = {}
        for purchase in purchases:
            counts[purchase[0]] = counts.get(purchase[0], 0) + 1
        by_day: dict[int, list[int]] = {}
        for contact_id, count in counts.items():
            if count >= 2 and self.rng.random() < 0.8:
                by_day.setdefault(self.rng.randrange(1, 80), []).append(contact_id)
        for days, contact_ids in by_day.items():
            asked = self.now - timedelta(days=days)
            for start in range(0, len(contact_ids), 900):
                Contact.update(asked_referral_at=asked).where(
                    Contact.id.in_(contact_ids[start : start + 900])
                ).execute()

    def _insert_contacts(self, people: Sequence[tuple[str, str, str, str]]) -> list[int]:
        now = self.now
        rows = [(name, company, email, phone, now, now) for name, company, email, phone in people]
        return self._insert(
            Contact,
            (
                Contact.name,
                Contact.company,
                Contact.email,
                Contact.phone,
                Contact.created_at,
                Contact.updated_at,
            ),
            rows,
        )

    @staticmethod
    def _insert(
        model: type[Model], fields: Sequence, rows: Iterable[Sequence], want_ids: bool = True
    ) -> list[int]:
        """Bulk insert; the new ids in row order when wanted."""
        rows = list(rows)
        if not want_ids:
            bulk_insert(model, fields, rows)
            return []
        return bulk_insert_ids(model, fields, rows)


def write_demo(
    settings: Settings,
    clock: Clock,
    leads: int = 600,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with a year of demo data; refuses a database that has data."""
    if leads < 0:
        raise ServiceError("--leads must be 0 or more")
    if not database_is_empty():
        raise ServiceError("the database already has data; the demo goes into an empty one")
    writer = _DemoWriter(settings, clock, seed)
    with db.atomic(), bulk_load():
        summary = writer.write(leads)
    if progress:
        progress(f"{summary.leads} leads")
    return summary
