"""Find any lead, partner or customer by part of a name, for the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from pegboard.services.board import lead_text_matches
from pegboard.services.threads import on_own_connection
from pegboard.store.models import Contact, Lead, Partner, Purchase
from pegboard.text import folded

MIN_QUERY = 2


@dataclass(frozen=True)
class RecordHit:
    kind: str
    """'lead', 'partner' or 'customer'."""
    id: int
    label: str
    detail: str


def _matching(term: str):
    """The three queries (partners, leads, customers) for a search term."""
    key = folded(term)
    name_matches = Contact.name_key.contains(key) | Contact.company_key.contains(key)
    partners = Partner.select().join(Contact).where(Partner.archived_at.is_null() & name_matches)
    leads = Lead.select().join(Contact).where(Lead.archived_at.is_null() & lead_text_matches(term))
    bought = Purchase.select(Purchase.contact).where(Purchase.archived_at.is_null())
    customers = Contact.select().where(
        Contact.archived_at.is_null() & name_matches & Contact.id.in_(bought)
    )
    return partners, leads, customers


def count_records(text: str) -> dict[str, int]:
    """How many leads, partners and customers `search_records` would find, unlimited."""
    term = text.strip()
    if len(term) < MIN_QUERY:
        return {"lead": 0, "partner": 0, "customer": 0}
    partners, leads, customers = _matching(term)
    return {"lead": leads.count(), "partner": partners.count(), "customer": customers.count()}


def search_records(text: str, limit: int = 8) -> list[RecordHit]:
    """Leads, partners and customers whose name (or company; for a lead, also its title
    or email) holds `text`.

    Three LIMITed queries, newest leads first; fewer than two letters find nothing.
    """
    term = text.strip()
    if len(term) < MIN_QUERY:
        return []
    partners, leads, customers = _matching(term)
    hits = [
        RecordHit(
            "partner",
            partner.id,
            partner.contact.name,
            f"partner · {partner.category or 'no category'}",
        )
        for partner in partners.select(Partner.id, Partner.category, Contact.name).limit(limit)
    ]
    hits += [
        RecordHit("lead", lead.id, lead.contact.name, f"lead · {lead.title} · {lead.stage}")
        for lead in leads.select(Lead.id, Lead.title, Lead.stage, Contact.name)
        .order_by(Lead.updated_at.desc())
        .limit(limit)
    ]
    hits += [
        RecordHit("customer", contact.id, contact.name, "customer")
        for contact in customers.select(Contact.id, Contact.name).limit(limit)
    ]
    return hits


def search_records_in_thread(text: str, limit: int = 8) -> list[RecordHit]:
    """search_records on a connection of its own, for a worker thread (none is opened
    for a text too short to search)."""
    if len(text.strip()) < MIN_QUERY:
        return []
    return on_own_connection(lambda: search_records(text, limit))
