"""The archive: what was taken off the board, the partners table or a customer's history,
seen and brought back at any time (undo only lasts the session).

Nothing in pegboard is deleted by the owner: an archived lead, partner or purchase keeps
its row with `archived_at`; bringing it back clears that, and is a step `u` can take
back like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SQL

from pegboard.clock import Clock
from pegboard.errors import NotFound, ServiceError
from pegboard.services.undo import Step, UndoLog, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Lead, Partner, Purchase

KINDS = ("lead", "partner", "purchase")


@dataclass(frozen=True)
class ArchivedRecord:
    kind: str
    """'lead', 'partner' or 'purchase'."""
    id: int
    name: str
    """Whose it is: the lead's or purchase's contact, the partner."""
    what: str
    """The lead's title, the partner's category, the purchase's item."""
    amount_cents: int | None
    archived_at: datetime


class ArchiveService:
    def __init__(self, clock: Clock, undo_log: UndoLog) -> None:
        self.clock = clock
        self.undo_log = undo_log

    def records(self, limit: int = 500) -> list[ArchivedRecord]:
        """Archived leads, partners and purchases, the most recently archived first."""
        found = []
        for kind in KINDS:
            model, query = _archived(kind)
            rows = query.order_by(model.archived_at.desc()).limit(limit).tuples()
            found += [ArchivedRecord(kind, *row) for row in rows]
        found.sort(key=lambda record: record.archived_at, reverse=True)
        return found[:limit]

    def bring_back(self, kind: str, record_id: int) -> ArchivedRecord:
        """Take a record out of the archive; what it was, for the notice."""
        if kind not in KINDS:
            raise ServiceError(f"bring back a lead, partner or purchase, not {kind!r}")
        model, query = _archived(kind)
        now = self.clock.now()
        with write_transaction():
            row = query.where(model.id == record_id).tuples().first()
            if row is None:
                raise NotFound(f"no archived {kind} with id {record_id}")
            if kind == "purchase":
                _check_purchase(record_id)
            changes = {model.archived_at: None}
            if kind != "purchase":
                changes[model.updated_at] = now
            if kind == "lead":
                changes[Lead.version] = Lead.version + 1
            model.update(changes).where(model.id == record_id).execute()
        record = ArchivedRecord(kind, *row)

        def reverse() -> None:
            expect_unchanged(model, record_id, {"archived_at": None})
            model.update({model.archived_at: self.clock.now()}).where(
                model.id == record_id
            ).execute()

        self.undo_log.push(Step("bring back", kind, record_id, record.name, reverse))
        return record


def _archived(kind: str):
    """(the model, a query of its archived rows as ArchivedRecord's fields after kind)."""
    if kind == "lead":
        columns = (Lead.id, Contact.name, Lead.title, Lead.value_cents, Lead.archived_at)
        model = Lead
    elif kind == "partner":
        columns = (Partner.id, Contact.name, Partner.category, SQL("NULL"), Partner.archived_at)
        model = Partner
    else:
        columns = (
            Purchase.id,
            Contact.name,
            Purchase.what,
            Purchase.amount_cents,
            Purchase.archived_at,
        )
        model = Purchase
    query = (
        model.select(*columns)
        .join(Contact, on=model.contact == Contact.id)
        .where(model.archived_at.is_null(False))
    )
    return model, query


def _check_purchase(purchase_id: int) -> None:
    """A won lead's purchase follows its lead: it comes back by winning the lead again."""
    from_a_lead = (
        Purchase.select()
        .where((Purchase.id == purchase_id) & Purchase.lead.is_null(False))
        .exists()
    )
    if from_a_lead:
        raise ServiceError(
            "this purchase came with winning its lead: it comes back when the lead is won again"
        )
