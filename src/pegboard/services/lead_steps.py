"""How a change to leads is taken back: the undo steps `LeadService` puts on the log.

A move reaches past the lead itself: it records a stage change, may make or archive the
won lead's purchase and sets the outcome of the referral behind the lead. `LeadChange`
gathers all of that as the move is made; its step checks that each of those rows is as
the move left it before putting any of them back (see `pegboard.services.undo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pegboard.services.undo import Step, expect_unchanged
from pegboard.store.models import Contact, Lead, Purchase, Referral, StageChange, Touch

RESTORED = (
    "stage",
    "position",
    "stage_entered_at",
    "closed_at",
    "lost_reason",
    "value_cents",
    "archived_at",
    "qualification",
    "qualified_at",
)
"""The lead fields that a move, reorder or archive changes, and undo puts back."""


def lead_fields(lead: Lead, names: tuple[str, ...] = RESTORED) -> dict[str, Any]:
    return {name: getattr(lead, name) for name in names}


def contact_name(lead: Lead) -> str:
    return Contact.select(Contact.name).where(Contact.id == lead.contact_id).scalar() or ""


def touch_row(lead: Lead, now: datetime) -> None:
    """Save the lead as changed now: a form open on it sees it changed (see `version`)."""
    lead.updated_at = now
    lead.version += 1
    lead.save()


@dataclass
class LeadChange:
    """What one move, reorder or archive changed, gathered while it is written."""

    description: str
    lead_id: int
    subject: str
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Lead id -> its RESTORED fields before the change (the lead and any neighbour)."""
    stage_change_ids: list[int] = field(default_factory=list)
    referrals: list[tuple[int, str, int]] = field(default_factory=list)
    """(id, outcome, value_cents) of the lead's referrals before the change."""
    purchases_created: list[int] = field(default_factory=list)
    purchases_archived: list[int] = field(default_factory=list)
    archived_at: datetime | None = None
    """When the change archived `purchases_archived`."""
    changed: list[Lead] = field(default_factory=list)
    """The leads themselves, as the change saves them."""

    def keep(self, lead: Lead) -> None:
        """Remember the lead's fields as they are before the change (and the lead, whose
        fields the change then sets and saves)."""
        self.before[lead.id] = lead_fields(lead)
        self.changed.append(lead)

    def step(self, clock_now: Callable[[], datetime]) -> Step:
        """The step, made once the change is written: it expects what the change left
        (the saved leads' fields, not read back; the referrals the move set, read)."""
        after = {lead.id: lead_fields(lead) for lead in self.changed}
        referrals_after = {}
        if self.referrals:
            referrals_after = {
                row.id: {"outcome": row.outcome, "value_cents": row.value_cents}
                for row in Referral.select().where(Referral.id.in_([r[0] for r in self.referrals]))
            }

        def reverse() -> None:
            for lead_id, fields in after.items():
                expect_unchanged(Lead, lead_id, fields)
            for referral_id, fields in referrals_after.items():
                expect_unchanged(Referral, referral_id, fields)
            for purchase_id in self.purchases_created:
                expect_unchanged(Purchase, purchase_id, {"archived_at": None})
            for purchase_id in self.purchases_archived:
                expect_unchanged(Purchase, purchase_id, {"archived_at": self.archived_at})
            self._put_back(clock_now())

        return Step(self.description, "lead", self.lead_id, self.subject, reverse)

    def _put_back(self, now: datetime) -> None:
        for lead in Lead.select().where(Lead.id.in_(list(self.before))):
            for name, value in self.before[lead.id].items():
                setattr(lead, name, value)
            touch_row(lead, now)
        if self.stage_change_ids:
            StageChange.delete().where(StageChange.id.in_(self.stage_change_ids)).execute()
        if self.purchases_created:
            Purchase.delete().where(Purchase.id.in_(self.purchases_created)).execute()
        if self.purchases_archived:
            Purchase.update(archived_at=None).where(
                Purchase.id.in_(self.purchases_archived)
            ).execute()
        for referral_id, outcome, value_cents in self.referrals:
            Referral.update(outcome=outcome, value_cents=value_cents, updated_at=now).where(
                Referral.id == referral_id
            ).execute()


FOLLOW_UP = ("next_action", "due_date", "last_touch_at")
"""The lead fields a logged touch may change, and its undo puts back."""


def touch_step(
    description: str,
    lead: Lead,
    before: dict[str, Any],
    touch_id: int,
    clock_now: Callable[[], datetime],
) -> Step:
    """Taking back a logged touch: the touch goes, the follow-up is as it was."""
    after = lead_fields(lead, FOLLOW_UP)

    def reverse() -> None:
        expect_unchanged(Lead, lead.id, after)
        expect_unchanged(Touch, touch_id, {"lead": lead.id})
        Touch.delete().where(Touch.id == touch_id).execute()
        _put_fields_back(lead.id, before, clock_now())

    return Step(description, "lead", lead.id, contact_name(lead), reverse)


def due_date_step(lead: Lead, before: date | None, clock_now: Callable[[], datetime]) -> Step:
    """Taking back a follow-up put off to another day."""
    after = {"due_date": lead.due_date}

    def reverse() -> None:
        expect_unchanged(Lead, lead.id, after)
        _put_fields_back(lead.id, {"due_date": before}, clock_now())

    return Step("put off", "lead", lead.id, contact_name(lead), reverse)


def _put_fields_back(lead_id: int, fields: dict[str, Any], now: datetime) -> None:
    Lead.update(**fields, updated_at=now, version=Lead.version + 1).where(
        Lead.id == lead_id
    ).execute()
