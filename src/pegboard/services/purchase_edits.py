"""Putting right a purchase recorded with the wrong amount, item or date: it is priced
again (the discount it earns on that day, not counting itself), and undo puts the
purchase back as it was."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pegboard.errors import NotFound, ServiceError
from pegboard.services.loyalty_rules import PurchaseQuote
from pegboard.services.undo import Step, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Purchase

if TYPE_CHECKING:
    from pegboard.services.loyalty import LoyaltyService

EDITED = ("purchased_on", "what", "list_cents", "discount_cents", "amount_cents", "rule")
"""A purchase's fields an edit sets (and its undo puts back)."""


def edit_purchase(
    loyalty: LoyaltyService, purchase_id: int, list_cents: int, what: str, on: date
) -> PurchaseQuote:
    with write_transaction():
        purchase = Purchase.get_or_none(
            (Purchase.id == purchase_id) & Purchase.archived_at.is_null()
        )
        if purchase is None:
            raise NotFound("no such purchase (archived already?)")
        if purchase.lead_id is not None:
            raise ServiceError("this purchase is a won lead's: change its value on the board")
        before = {name: getattr(purchase, name) for name in EDITED}
        quote = loyalty.quote(purchase.contact_id, list_cents, on, excluding=purchase_id)
        after = {
            "purchased_on": on,
            "what": what.strip(),
            "list_cents": quote.list_cents,
            "discount_cents": quote.discount_cents,
            "amount_cents": quote.charged_cents,
            "rule": quote.rule,
        }
        Purchase.update(**after).where(Purchase.id == purchase_id).execute()
        customer = Contact.get_by_id(purchase.contact_id)

    def reverse() -> None:
        expect_unchanged(Purchase, purchase_id, after)
        Purchase.update(**before).where(Purchase.id == purchase_id).execute()

    loyalty.undo_log.push(Step("purchase edited", "customer", customer.id, customer.name, reverse))
    return quote
