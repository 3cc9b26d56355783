"""Writing checked rows into the book: in chunks, in bulk, in one transaction.

New contacts go in in bulk (a contact seen twice in one chunk waits for the id of its
first row), known ones are filled in, then the chunk's leads with their history, its
partners and its purchases. Rows are built by field, never read back by position."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from peewee import Field, fn

from pegboard.clock import to_local
from pegboard.config import Settings
from pegboard.services.contacts import fill_in_contact
from pegboard.services.importing.dedupe import ContactKeys
from pegboard.services.importing.rows import ImportRow
from pegboard.services.leads import stay_hours
from pegboard.services.writes import write_transaction
from pegboard.store.bulk import bulk_insert, bulk_insert_ids, bulk_load
from pegboard.store.models import HISTORY_FIELDS, Contact, Lead, Partner, Purchase, StageChange
from pegboard.text import folded

CHUNK = 5000
"""Rows written at a time: a chunk's new contacts are inserted together."""
CONTACT_FIELDS = (
    Contact.name,
    Contact.company,
    Contact.email,
    Contact.phone,
    Contact.notes,
    Contact.created_at,
    Contact.updated_at,
    Contact.name_key,
    Contact.company_key,
    Contact.phone_key,
    Contact.also_reach,
)
CONTACT_CELLS = [field.name for field in CONTACT_FIELDS]
"""A new-contact row's cells by name (a peewee field's == builds a query, not a bool)."""
MERGED = {
    name: CONTACT_CELLS.index(name)
    for name in ("company", "email", "phone", "notes", "company_key", "phone_key")
}
"""The new-contact row's cells a later row of the same person fills in when empty."""
ALSO = CONTACT_CELLS.index("also_reach")
LEAD_FIELDS = (
    Lead.title,
    Lead.contact,
    Lead.stage,
    Lead.source,
    Lead.value_cents,
    Lead.next_action,
    Lead.due_date,
    Lead.position,
    Lead.stage_entered_at,
    Lead.last_touch_at,
    Lead.created_at,
    Lead.updated_at,
    Lead.closed_at,
    Lead.lost_reason,
    Lead.title_key,
)
PURCHASE_FIELDS = (
    Purchase.contact,
    Purchase.purchased_on,
    Purchase.what,
    Purchase.list_cents,
    Purchase.discount_cents,
    Purchase.amount_cents,
    Purchase.rule,
    Purchase.created_at,
)
"""An imported purchase is history: its amount as charged, no discount worked out again."""
WON_FIELDS = (Purchase.lead, *PURCHASE_FIELDS)
"""A won deal's purchase: the same, from its lead."""


def in_order(records: Iterable[dict[Field, Any]], fields: tuple[Field, ...]) -> list[list]:
    """Records keyed by field, as the value lists bulk inserts take."""
    return [[record[field] for field in fields] for record in records]


class Chunk:
    """The rows of one chunk waiting to be written; a contact not yet in the book is
    referred to as -n, the n-th new contact of the chunk, until its id is known."""

    def __init__(self) -> None:
        self.new_contacts: list[list] = []
        self.leads: list[tuple[int, dict]] = []
        self.partners: list[tuple[int, str]] = []
        self.purchases: list[tuple[int, tuple[date, int, str]]] = []

    def __len__(self) -> int:
        return len(self.new_contacts) + len(self.leads) + len(self.purchases)


class ImportWriter:
    """Writes an import's rows; made for one import, with the settings it was read by."""

    def __init__(self, settings: Settings, now: datetime) -> None:
        self.settings = settings
        self.now = now
        self.position = 0

    def write(self, rows: Iterable[ImportRow]) -> None:
        keys = ContactKeys.load()
        try:
            with write_transaction(), bulk_load():
                self.position = Lead.select(fn.MAX(Lead.position)).scalar() or 0
                chunk = Chunk()
                for row in rows:
                    self._take(row, chunk, keys)
                    if len(chunk) >= CHUNK:
                        self._flush(chunk, keys)
                        chunk = Chunk()
                self._flush(chunk, keys)
        finally:
            keys.close()

    def _take(self, row: ImportRow, chunk: Chunk, keys: ContactKeys) -> None:
        """Put the row's person (found, or new in this chunk) and what it brings in."""
        contact_ref = keys.find(row)
        if contact_ref is None:
            now = self.now
            chunk.new_contacts.append(
                [
                    *(row.name, row.company, row.email, row.phone, row.notes, now, now),
                    *(row.name_key, row.company_key, row.phone_key, "\n".join(row.also)),
                ]
            )
            contact_ref = -len(chunk.new_contacts)
            keys.add(row, contact_ref)
        elif contact_ref < 0:
            _merge_into(chunk.new_contacts[-contact_ref - 1], row)
            keys.add(row, contact_ref)
        else:
            keys.add(row, contact_ref)
            contact = Contact.get_by_id(contact_ref)
            also = _more_reach(contact.also_reach, row, contact.email, contact.phone)
            fill_in_contact(
                contact,
                self.now,
                company=row.company,
                email=row.email,
                phone=row.phone,
                phone_key=row.phone_key,
                notes=row.notes,
            )
            if also != contact.also_reach:
                contact.also_reach = also
                contact.save()
        if row.lead is not None:
            chunk.leads.append((contact_ref, row.lead))
        if row.category is not None:
            chunk.partners.append((contact_ref, row.category))
        if row.purchase is not None:
            chunk.purchases.append((contact_ref, row.purchase))

    def _flush(self, chunk: Chunk, keys: ContactKeys) -> None:
        ids = bulk_insert_ids(Contact, CONTACT_FIELDS, chunk.new_contacts)
        keys.settle(ids)

        def resolved(ref: int) -> int:
            return ids[-ref - 1] if ref < 0 else ref

        leads = []
        for contact_ref, lead in chunk.leads:
            self.position += 1
            leads.append(self._lead_record(lead, resolved(contact_ref)))
        if leads:
            self._insert_leads(leads)
        self._insert_partners([(resolved(ref), category) for ref, category in chunk.partners])
        bulk_insert(
            Purchase,
            PURCHASE_FIELDS,
            [
                [resolved(ref), day, what, cents, 0, cents, "", self.now]
                for ref, (day, cents, what) in chunk.purchases
            ],
        )

    def _insert_partners(self, rows: list[tuple[int, str]]) -> None:
        """Make each contact a partner, unless they are one already (or twice in the file)."""
        if not rows:
            return
        ids = {contact_id for contact_id, _ in rows}
        already = {
            contact_id
            for (contact_id,) in Partner.select(Partner.contact)
            .where(Partner.contact.in_(list(ids)))
            .tuples()
        }
        new: dict[int, str] = {}
        for contact_id, category in rows:
            if contact_id not in already and contact_id not in new:
                new[contact_id] = category
        bulk_insert(
            Partner,
            (Partner.contact, Partner.category, Partner.created_at, Partner.updated_at),
            [[contact_id, category, self.now, self.now] for contact_id, category in new.items()],
        )

    def _lead_record(self, lead: dict, contact_id: int) -> dict[Field, Any]:
        """A lead as its fields' values: a closed one closed when the file says (or when
        it came in), an open one due as the file says."""
        stage = self.settings.stage(lead["stage"])
        created = lead["created"] or self.now
        closed = (lead["closed"] or created) if stage.closes else None
        entered = closed or created
        return {
            Lead.title: lead["title"],
            Lead.contact: contact_id,
            Lead.stage: stage.id,
            Lead.source: lead["source"],
            Lead.value_cents: lead["value_cents"],
            Lead.next_action: lead["next_action"],
            Lead.due_date: lead["due"] if not stage.closes else None,
            Lead.position: self.position,
            Lead.stage_entered_at: entered,
            Lead.last_touch_at: entered,
            Lead.created_at: created,
            Lead.updated_at: self.now,
            Lead.closed_at: closed,
            Lead.lost_reason: lead["lost_reason"] if stage.closes == "lost" else "",
            Lead.title_key: folded(lead["title"]),
        }

    def _insert_leads(self, records: list[dict[Field, Any]]) -> None:
        ids = bulk_insert_ids(Lead, LEAD_FIELDS, in_order(records, LEAD_FIELDS))
        # Each lead's history: it came in at the first stage, and moved on to where it is.
        first_stage = self.settings.first_stage.id
        history = []
        for lead_id, record in zip(ids, records, strict=True):
            stage, entered = record[Lead.stage], record[Lead.stage_entered_at]
            created = record[Lead.created_at]
            history.append((lead_id, None, first_stage, created, None))
            if stage != first_stage:
                history.append((lead_id, first_stage, stage, entered, stay_hours(created, entered)))
        bulk_insert(StageChange, HISTORY_FIELDS, history)
        # A won deal is its customer's purchase at the deal's value, as winning on the board.
        won = {stage.id for stage in self.settings.stages if stage.closes == "won"}
        purchases = [
            self._won_purchase(lead_id, record)
            for lead_id, record in zip(ids, records, strict=True)
            if record[Lead.stage] in won and record[Lead.value_cents] > 0
        ]
        bulk_insert(Purchase, WON_FIELDS, in_order(purchases, WON_FIELDS))

    def _won_purchase(self, lead_id: int, record: dict[Field, Any]) -> dict[Field, Any]:
        value = record[Lead.value_cents]
        return {
            Purchase.lead: lead_id,
            Purchase.contact: record[Lead.contact],
            Purchase.purchased_on: to_local(record[Lead.closed_at]).date(),
            Purchase.what: record[Lead.title],
            Purchase.list_cents: value,
            Purchase.discount_cents: 0,
            Purchase.amount_cents: value,
            Purchase.rule: "",
            Purchase.created_at: self.now,
        }


def _merge_into(cells: list, row: ImportRow) -> None:
    """A row of a person met earlier in the same chunk fills in what the first left
    empty, as a second import would (never overwriting), and adds its other reach."""
    given = {
        "company": row.company,
        "email": row.email,
        "phone": row.phone,
        "notes": row.notes,
        "company_key": row.company_key,
        "phone_key": row.phone_key,
    }
    for name, index in MERGED.items():
        if given[name] and not cells[index]:
            cells[index] = given[name]
    cells[ALSO] = _more_reach(cells[ALSO], row, cells[MERGED["email"]], cells[MERGED["phone"]])


def _more_reach(also: str, row: ImportRow, email: str, phone: str) -> str:
    """A contact's other emails and phones with the row's added: each once, and none
    that is the contact's main email or phone."""
    known = [line for line in also.split("\n") if line]
    main = {email.casefold(), phone}
    for value in (row.email, row.phone, *row.also):
        if value and value.casefold() not in main and value not in known:
            known.append(value)
    return "\n".join(known)
