"""What follows a lead into a closing stage and out of it again: the won lead's purchase
(the customer's purchase at the lead's value) and the outcome of the referral behind it."""

from __future__ import annotations

from datetime import datetime

from pegboard.clock import to_local
from pegboard.config import Settings, Stage
from pegboard.services.lead_steps import LeadChange
from pegboard.store.models import Lead, Purchase, Referral


def sync_purchase(
    settings: Settings,
    lead: Lead,
    origin: str,
    target: Stage,
    at: datetime,
    now: datetime,
    change: LeadChange,
) -> None:
    """A won lead is its customer's purchase at the lead's value; reopening takes it back."""
    from_purchases = Purchase.lead == lead.id
    if target.closes == "won":
        if (
            lead.value_cents > 0
            and not Purchase.select()
            .where(from_purchases & Purchase.archived_at.is_null())
            .exists()
        ):
            purchase = Purchase.create(
                contact=lead.contact_id,
                lead=lead,
                purchased_on=to_local(at).date(),
                what=lead.title,
                list_cents=lead.value_cents,
                amount_cents=lead.value_cents,
                created_at=now,
            )
            change.purchases_created.append(purchase.id)
        return
    was_won = next((s.closes for s in settings.stages if s.id == origin), None) == "won"
    if was_won:
        live = list(
            Purchase.select(Purchase.id).where(from_purchases & Purchase.archived_at.is_null())
        )
        if live:
            ids = [row.id for row in live]
            Purchase.update(archived_at=now).where(Purchase.id.in_(ids)).execute()
            change.purchases_archived.extend(ids)
            change.archived_at = now


def sync_referrals(settings: Settings, lead: Lead, now: datetime) -> list[tuple[int, str, int]]:
    """The referral behind a lead follows it: won -> converted at the lead's value,
    lost -> no fit, open again -> open. Returns what they were, for undo.

    A referral already so is not written: a move between two open stages leaves the
    referrals, and what reads them (Today's partner sections, Insights' partners),
    as they were."""
    received = (Referral.lead == lead.id) & (Referral.direction == "received")
    before = [
        (row.id, row.outcome, row.value_cents)
        for row in Referral.select(Referral.id, Referral.outcome, Referral.value_cents).where(
            received
        )
    ]
    closes = next((st.closes for st in settings.stages if st.id == lead.stage), None)
    outcome = {"won": "converted", "lost": "no_fit"}.get(closes or "", "open")
    value = lead.value_cents if outcome == "converted" else 0
    changed = [row_id for row_id, was, cents in before if (was, cents) != (outcome, value)]
    if changed:
        Referral.update(outcome=outcome, value_cents=value, updated_at=now).where(
            Referral.id.in_(changed)
        ).execute()
    return before


def sync_won_value(settings: Settings, lead: Lead, now: datetime) -> None:
    """An edit of a won lead's value is an edit of its purchase: the purchase follows
    (made when there was none, archived when the value goes to nothing)."""
    if next((s.closes for s in settings.stages if s.id == lead.stage), None) != "won":
        return
    live = (Purchase.lead == lead.id) & Purchase.archived_at.is_null()
    if lead.value_cents <= 0:
        Purchase.update(archived_at=now).where(live).execute()
        return
    changed = (
        Purchase.update(
            list_cents=lead.value_cents, discount_cents=0, amount_cents=lead.value_cents
        )
        .where(live)
        .execute()
    )
    if not changed:
        Purchase.create(
            contact=lead.contact_id,
            lead=lead,
            purchased_on=to_local(lead.closed_at or now).date(),
            what=lead.title,
            list_cents=lead.value_cents,
            amount_cents=lead.value_cents,
            created_at=now,
        )
