"""A realistic demo book of business for newcomers, benchmarks and screenshots.

One year of a solo owner's work: partners who send clients and get clients
back (unevenly), leads from every source moving through the stages with
touches and history, and customers who come back. Referred leads are warmer:
they win more often and buy again more often, as the product claims.
Rows go in with bulk inserts inside one transaction, so 100,000 leads take
seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from peewee import Model

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.phones import phone_key
from pegboard.services.demo_leads import (
    LEAD_FIELDS,
    DemoLead,
    LeadLives,
    grow_network,
    weighted_picker,
)
from pegboard.services.demo_words import (
    BUSINESS,
    FIRST,
    LAST,
    PARTNER_CATEGORIES,
    SOURCE_WEIGHTS,
    SUFFIX,
)
from pegboard.services.loyalty_rules import PriorPurchases, best_discount
from pegboard.services.writes import write_transaction
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
)
from pegboard.text import folded


@dataclass(frozen=True)
class DemoSummary:
    contacts: int
    partners: int
    leads: int
    referrals: int
    touches: int
    purchases: int


REFERRAL_FIELDS = (
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
)


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
        partner_ids, partner_weights = self._partners(max(6, min(2000, lead_count // 50)))
        sources = [s for s in self.settings.sources if s in SOURCE_WEIGHTS] or list(
            self.settings.sources
        )
        pick_source = weighted_picker(
            self.rng, sources, [SOURCE_WEIGHTS.get(source, 5) for source in sources]
        )
        pick_partner = weighted_picker(self.rng, partner_ids, partner_weights)
        lead_contact_ids = self._insert_contacts([self.person() for _ in range(lead_count)])
        lives = LeadLives(self.settings, self.rng, self.moment, self.now, self.today)
        leads = []
        for contact_id in lead_contact_ids:
            source = pick_source()
            partner = pick_partner() if source == self.settings.referral_source else None
            leads.append(lives.life(contact_id, source, partner, self.start))
        # Touches decide last_touch_at, so they are drawn before the leads go in.
        touches = [
            touch for index, lead in enumerate(leads) for touch in lives.touches(lead, index)
        ]
        lead_ids = self._insert(Lead, LEAD_FIELDS, [lead.row() for lead in leads])
        history = [
            change
            for lead_id, lead in zip(lead_ids, leads, strict=True)
            for change in lead.history(lead_id)
        ]
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
        purchases = self._purchases(leads, lead_ids, lives.won_id)
        grown = grow_network(self.rng, leads, lead_contact_ids, partner_ids, lives.won_id)
        return DemoSummary(
            contacts=len(partner_ids) + len(lead_contact_ids) - grown,
            partners=len(partner_ids),
            leads=len(lead_ids),
            referrals=referrals,
            touches=len(touches),
            purchases=purchases,
        )

    def _partners(self, count: int) -> tuple[list[int], list[float]]:
        """The partners (their contacts first), and how much business each sends: a few
        send most of it, and some get little back."""
        contact_ids = self._insert_contacts([self.person() for _ in range(count)])
        rows = []
        for contact_id in contact_ids:
            since = self.moment(self.start - timedelta(days=900), self.start)
            rows.append(
                (contact_id, self.rng.choice(PARTNER_CATEGORIES), since.date(), "", since, since)
            )
        fields = (
            Partner.contact,
            Partner.category,
            Partner.since,
            Partner.notes,
            Partner.created_at,
            Partner.updated_at,
        )
        partner_ids = self._insert(Partner, fields, rows)
        return partner_ids, [self.rng.paretovariate(1.2) for _ in partner_ids]

    def _referrals(
        self,
        leads: list[DemoLead],
        lead_ids: list[int],
        contact_ids: list[int],
        partner_ids: list[int],
        partner_weights: list[float],
    ) -> int:
        """Each referred lead's referral, received, and about half as many given."""
        rows = self._received(leads, lead_ids, contact_ids)
        rows += self._given(len(rows) // 2, contact_ids, partner_ids, partner_weights)
        self._insert(Referral, REFERRAL_FIELDS, rows, want_ids=False)
        return len(rows)

    def _received(
        self, leads: list[DemoLead], lead_ids: list[int], contact_ids: list[int]
    ) -> list[tuple]:
        """The referral behind each referred lead: its outcome follows the lead's stage."""
        rng = self.rng
        won_id = self.settings.closing_stage("won").id
        lost_id = self.settings.closing_stage("lost").id
        rows = []
        for row, lead_id, contact_id in zip(leads, lead_ids, contact_ids, strict=True):
            partner = row.referred_by
            if partner is None:
                continue
            created = row.created_at
            outcome = {won_id: "converted", lost_id: "no_fit"}.get(row.stage, "open")
            value = row.value_cents if outcome == "converted" else 0
            thanked = None
            if outcome == "converted" and rng.random() < 0.7:
                thanked = row.closed_at + timedelta(days=rng.randrange(1, 10))
            warmth = rng.randrange(1, 6)
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
                    warmth,
                    created,
                    created,
                )
            )
        return rows

    def _given(
        self,
        count: int,
        contact_ids: list[int],
        partner_ids: list[int],
        partner_weights: list[float],
    ) -> list[tuple]:
        """Referrals I gave: fewer than I received, and not evenly."""
        rng = self.rng
        pick_partner = weighted_picker(rng, partner_ids, [w**0.5 for w in partner_weights])
        rows = []
        for _ in range(count):
            partner = pick_partner()
            at = self.moment(self.start, self.now)
            outcome = rng.choice(("open", "open", "converted", "no_fit"))
            value = rng.choice((900, 1500, 3000)) * 100 if outcome == "converted" else 0
            contact_id = rng.choice(contact_ids)
            warmth = rng.randrange(1, 6)
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
                    warmth,
                    at,
                    at,
                )
            )
        return rows

    def _purchases(self, leads: list[DemoLead], lead_ids: list[int], won_id: str) -> int:
        """Each won lead is a first purchase; referred customers come back more often."""
        rng = self.rng
        rows = []
        for row, lead_id in zip(leads, lead_ids, strict=True):
            if row.stage != won_id:
                continue
            contact_id, value, closed = row.contact, row.value_cents, row.closed_at
            referred = row.referred_by is not None
            rows.append(
                (contact_id, lead_id, closed.date(), row.title, value, 0, value, "", closed)
            )
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
        rows = [
            (name, company, email, phone, now, now, *self._keys(name, company, phone))
            for name, company, email, phone in people
        ]
        return self._insert(
            Contact,
            (
                Contact.name,
                Contact.company,
                Contact.email,
                Contact.phone,
                Contact.created_at,
                Contact.updated_at,
                Contact.name_key,
                Contact.company_key,
                Contact.phone_key,
            ),
            rows,
        )

    def _keys(self, name: str, company: str, phone: str) -> tuple[str, str, str]:
        """A contact's folded name and company and its phone's match key."""
        return folded(name), folded(company), phone_key(phone, self.settings.phone_region)

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
    with write_transaction(), bulk_load():
        summary = writer.write(leads)
    if progress:
        progress(f"{summary.leads} leads")
    return summary
