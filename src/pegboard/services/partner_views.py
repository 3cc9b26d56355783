"""What the partner screens and `pegboard partners --json` read: the partners table with
its give/get tallies (one aggregate query however many referrals there are) and one
partner's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, SQL, fn

from pegboard.clock import instant_text
from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.store.fields import UTCDateTimeField
from pegboard.store.models import Contact, Lead, Partner, PartnerTally, Referral


@dataclass(frozen=True)
class PartnerRow:
    """One line of the partners table."""

    id: int
    name: str
    company: str
    category: str
    received: int
    given: int
    closed_value_cents: int
    last_exchange: datetime | None
    unthanked: int
    owed: bool
    network_value_cents: int = 0
    """The closed value of the partner and every partner who came through them (see
    services.lineage); filled in by `with_figures`."""
    network_size: int = 0
    """How many partners and customers came through the partner."""
    last_met: datetime | None = None
    """The partner's latest one-to-one (services.meetings)."""

    @property
    def balance(self) -> int:
        return self.received - self.given


@dataclass(frozen=True)
class Exchange:
    """One referral as the partner's detail lists it."""

    id: int
    at: datetime
    direction: str
    person: str
    outcome: str
    value_cents: int
    thanked_at: datetime | None
    warmth: int | None
    note: str
    lead_id: int | None
    lead_stage: str | None


@dataclass(frozen=True)
class PartnerDetail:
    id: int
    name: str
    company: str
    email: str
    phone: str
    category: str
    since: date | None
    notes: str
    archived: bool
    exchanges: list[Exchange]
    also: tuple[str, ...] = ()
    """The person's other emails and phones (an import brought them)."""


PARTNER_SORTS = ("name", "category", "received", "given", "balance", "closed", "network", "last")
"""The columns the partners table can be sorted by."""


def partner_query(settings: Settings, sort: str, descending: bool, text: str):
    """The partners with their sums kept on write (store.partner_tally), and the condition
    that I owe one: more received than given by over the threshold, or business not yet
    thanked."""
    if sort not in PARTNER_SORTS:
        raise ServiceError(f"sort by one of {', '.join(PARTNER_SORTS)}")
    tally = PartnerTally
    received = fn.COALESCE(tally.received, 0)
    given = fn.COALESCE(tally.given, 0)
    closed = fn.COALESCE(tally.closed_cents, 0)
    unthanked = fn.COALESCE(tally.unthanked, 0)
    keys: dict[str, Any] = {
        "network": fn.LOWER(Contact.name),  # sorted by `by_network`, by name till then
        "name": fn.LOWER(Contact.name),
        "category": fn.LOWER(Partner.category),
        "received": received,
        "given": given,
        "balance": received - given,
        "closed": closed,
        "last": _last_exchange(),
    }
    order = keys[sort].desc() if descending else keys[sort].asc()
    # The last exchange is worked out per partner only to sort by it; otherwise it is
    # read for the rows shown (partner_rows).
    last = keys["last"] if sort == "last" else SQL("NULL")
    query = (
        Partner.select(
            Partner.id,
            Contact.name,
            Contact.company,
            Partner.category,
            received,
            given,
            closed,
            last,
            unthanked,
        )
        .join(Contact, on=Partner.contact == Contact.id)
        .switch(Partner)
        .join(tally, JOIN.LEFT_OUTER, on=tally.partner_id == Partner.id)
        .where(Partner.archived_at.is_null())
        .order_by(order, fn.LOWER(Contact.name))
    )
    if text.strip():
        term = text.strip()
        query = query.where(
            Contact.name.contains(term)
            | Contact.company.contains(term)
            | Partner.category.contains(term)
        )
    owed = ((received - given) > settings.owe_when_balance_over) | (unthanked > 0)
    return query, owed


def _last_exchange():
    """A partner's latest live referral, for each partner of a query (from the index of
    the partners' referrals alone)."""
    latest = Referral.alias("latest")
    return fn.COALESCE(
        latest.select(fn.MAX(latest.at)).where(
            (latest.partner == Partner.id) & latest.archived_at.is_null()
        ),
        None,
    )


FEW_PARTNERS = 500
"""Up to this many partners' last exchanges are read by their ids; more, for every one."""


def last_exchanges(partner_ids: list[int]) -> dict[int, datetime]:
    """Each of the partners' latest live referral (none: no referral)."""
    query = Referral.select(Referral.partner, fn.MAX(Referral.at)).where(
        Referral.archived_at.is_null()
    )
    if len(partner_ids) <= FEW_PARTNERS:
        query = query.where(Referral.partner.in_(partner_ids))
    to_time = UTCDateTimeField().python_value
    return {
        partner_id: to_time(latest)
        for partner_id, latest in query.group_by(Referral.partner).tuples()
    }


def partner_rows(settings: Settings, tuples: Iterable[tuple]) -> list[PartnerRow]:
    """PartnerRows from the rows of partner_query (as tuples)."""
    to_time = UTCDateTimeField().python_value
    threshold = settings.owe_when_balance_over
    rows = list(tuples)
    # The last exchange comes with the rows only when they are sorted by it.
    unknown = [row[0] for row in rows if row[7] is None]
    found = last_exchanges(unknown) if unknown else {}
    latest = [to_time(row[7]) if row[7] else found.get(row[0]) for row in rows]
    return [
        PartnerRow(
            id=pid,
            name=name,
            company=company,
            category=category,
            received=int(got),
            given=int(gave),
            closed_value_cents=int(value),
            last_exchange=last,
            unthanked=int(open_thanks),
            owed=(got - gave) > threshold or open_thanks > 0,
        )
        for (pid, name, company, category, got, gave, value, _, open_thanks), last in zip(
            rows, latest, strict=True
        )
    ]


def partner_detail(partner: Partner) -> PartnerDetail:
    """The partner's page: their details and every live referral, newest first."""
    contact = partner.contact
    person = Contact.alias("person")
    rows = (
        Referral.select(Referral, person.name.alias("person_name"), Lead.stage.alias("lead_stage"))
        .join(person, JOIN.LEFT_OUTER, on=Referral.contact == person.id)
        .switch(Referral)
        .join(Lead, JOIN.LEFT_OUTER, on=Referral.lead == Lead.id)
        .where((Referral.partner == partner.id) & Referral.archived_at.is_null())
        .order_by(Referral.at.desc(), Referral.id.desc())
        .objects()
    )
    exchanges = [
        Exchange(
            id=row.id,
            at=row.at,
            direction=row.direction,
            person=row.person_name or "",
            outcome=row.outcome,
            value_cents=row.value_cents,
            thanked_at=row.thanked_at,
            warmth=row.warmth,
            note=row.note,
            lead_id=row.lead_id,
            lead_stage=row.lead_stage,
        )
        for row in rows
    ]
    return PartnerDetail(
        id=partner.id,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        phone=contact.phone,
        also=tuple(contact.also_reach.splitlines()),
        category=partner.category,
        since=partner.since,
        notes=partner.notes,
        archived=partner.archived_at is not None,
        exchanges=exchanges,
    )


# -- helpers -------------------------------------------------------------


def with_figures(rows: list[PartnerRow]) -> list[PartnerRow]:
    """The rows with their network figures and last one-to-one (a query for each, for
    them all)."""
    from dataclasses import replace

    from pegboard.services.lineage import network_figures
    from pegboard.services.meetings import last_meetings

    ids = [row.id for row in rows]
    figures, met = network_figures(ids), last_meetings(ids)
    return [
        replace(
            row,
            network_value_cents=found.value_cents if (found := figures.get(row.id)) else 0,
            network_size=found.size if found else 0,
            last_met=met.get(row.id),
        )
        for row in rows
    ]


def by_network(rows: list[PartnerRow], descending: bool) -> list[PartnerRow]:
    """The rows in order of network value (then by name, A to Z)."""
    ordered = sorted(rows, key=lambda row: row.name.lower())
    return sorted(ordered, key=lambda row: row.network_value_cents, reverse=descending)


def partner_records(rows: list[PartnerRow]) -> list[dict[str, Any]]:
    """Partners table rows as JSON-ready dicts, for `pegboard partners --json`."""
    return [
        {
            "id": row.id,
            "name": row.name,
            "company": row.company,
            "category": row.category,
            "received": row.received,
            "given": row.given,
            "balance": row.balance,
            "closed_value_cents": row.closed_value_cents,
            "network_value_cents": row.network_value_cents,
            "network_size": row.network_size,
            "last_met": instant_text(row.last_met) if row.last_met else None,
            "last_exchange": instant_text(row.last_exchange) if row.last_exchange else None,
            "owed": row.owed,
            "unthanked": row.unthanked,
        }
        for row in rows
    ]
