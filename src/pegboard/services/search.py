"""Find any lead, partner or customer by part of a name, for the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from pegboard.services.board import TRIGRAM, lead_text_matches
from pegboard.services.threads import on_own_connection
from pegboard.store import lead_text
from pegboard.store.dialect import without_index
from pegboard.store.models import Contact, CustomerTally, Lead, Partner
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
    # From the customers' tally (one row each, a fifth of the contacts at 100,000 leads)
    # to their names, in the order of their ids.
    customers = (
        Contact.select()
        .join(CustomerTally, on=(CustomerTally.contact == Contact.id))
        .where(Contact.archived_at.is_null() & name_matches)
        .order_by(CustomerTally.contact)
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
        for lead in _newest_leads(leads, term, limit)
    ]
    hits += [
        RecordHit("customer", contact.id, contact.name, "customer")
        for contact in customers.select(Contact.id, Contact.name).limit(limit)
    ]
    return hits


NEWEST_WALKED = 1000
"""How many of the newest leads a search of one or two letters checks first."""


def _newest_leads(leads, term: str, limit: int) -> list[Lead]:
    """The `limit` most recently updated of `leads`.

    Three letters or more come from the trigram index: few, sorted at once. One or two
    match most leads, so the newest NEWEST_WALKED (from the index by last update) are
    checked first: when `limit` of them match, they are the newest of all. Otherwise the
    matches are rare, and all of them are read off the search index and sorted (through
    the index by last update, every lead would be walked to find them: 0.4 s)."""
    shown = leads.select(Lead.id, Lead.title, Lead.stage, Contact.name)
    if len(term) >= TRIGRAM or not lead_text.available():
        return list(shown.order_by(Lead.updated_at.desc()).limit(limit))
    newest = Lead.select(Lead.id).order_by(Lead.updated_at.desc()).limit(NEWEST_WALKED)
    found = list(shown.where(Lead.id.in_(newest)).order_by(Lead.updated_at.desc()).limit(limit))
    if len(found) >= limit:
        return found
    rare = shown.where(lead_text_matches(term, counting=True))
    return list(rare.order_by(without_index(Lead.updated_at).desc()).limit(limit))


def search_records_in_thread(text: str, limit: int = 8) -> list[RecordHit]:
    """search_records on a connection of its own, for a worker thread (none is opened
    for a text too short to search)."""
    if len(text.strip()) < MIN_QUERY:
        return []
    return on_own_connection(lambda: search_records(text, limit))
