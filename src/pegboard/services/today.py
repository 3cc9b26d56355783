"""Today: everything that needs the owner this morning, in one list, cleared by keyboard.

The sections are read in `pegboard.services.today_sections`. A row left for later is
snoozed (a follow-up's due date moves; other rows get a Snooze row), and done means
what fits the row: a touch logged, a partner thanked, a customer asked. Each service
writes its own tables, and every change can be undone as one step.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.leads import LeadService
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.partners import PartnerService
from pegboard.services.today_rows import TriageRow, TriageSection
from pegboard.services.today_sections import TriageSections
from pegboard.services.undo import Step, UndoLog, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Lead, Referral, Snooze


class TodayService(TriageSections):
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        leads: LeadService,
        partners: PartnerService,
        loyalty: LoyaltyService,
        undo_log: UndoLog | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.leads = leads
        self.partners = partners
        self.loyalty = loyalty
        self.undo_log = leads.undo_log if undo_log is None else undo_log
        self._kept = {}

    # -- acting --------------------------------------------------------------

    def done(self, row: TriageRow) -> str:
        """Do what 'done' means for the row; returns what was done, for the notice.

        Each service writes its own tables; the steps they put on the undo log become
        one step, so `u` takes the whole of it back."""
        kind, record_id = _record_of(row)
        with self.undo_log.group("done", kind, record_id, row.title) as group, write_transaction():
            group.description = self._do(row)
        return group.description

    def _do(self, row: TriageRow) -> str:
        if row.kind in ("due", "new_referral"):
            # The follow-up is done (a new referral's was the first call): clear it.
            first_call = row.kind == "new_referral"
            action = Lead.select(Lead.next_action).where(Lead.id == row.lead_id).scalar()
            self.leads.log_touch(
                row.lead_id,
                "call" if first_call else "note",
                "Called the referral" if first_call else f"Done: {action or 'follow-up'}",
                next_action="",
                clear_due=True,
            )
            return "contacted" if first_call else "follow-up done"
        if row.kind == "stale":
            self.leads.log_touch(row.lead_id, "call", "Checked in from Today")
            return "touch logged"
        if row.kind == "thank":
            self.partners.mark_thanked(row.ref_id)
            return "thanked"
        if row.kind == "owed_partner":
            for referral_id in self._unthanked_referrals(row.ref_id):
                self.partners.mark_thanked(referral_id)
            self._set_aside(row, self.clock.today() + timedelta(days=7))
            return "thanked and set aside for a week"
        if row.kind == "customer":
            self.loyalty.mark_asked(row.ref_id)
            return "asked"
        if row.kind == "discount_ending":
            self.loyalty.mark_asked(row.ref_id)
            self._set_aside(row, self.clock.today() + timedelta(days=30))
            return "invited back"
        if row.kind == "meet":
            self.partners.log_meeting(row.ref_id, note="One to one (from Today)")
            return "one-to-one logged"
        if row.kind == "ask_given":
            return self._put_off(row, self.settings.ask_given_after_days, note="asked")
        raise ValueError(f"unknown row kind {row.kind!r}")

    @staticmethod
    def _unthanked_referrals(partner_id: int) -> list[int]:
        """The partner's converted referrals to me not yet thanked for."""
        return [
            r.id
            for r in Referral.select(Referral.id).where(
                (Referral.partner == partner_id)
                & (Referral.direction == "received")
                & (Referral.outcome == "converted")
                & Referral.thanked_at.is_null()
            )
        ]

    def snooze(self, row: TriageRow, days: int, note: str = "snoozed") -> str:
        """Put a row off for `days`: a follow-up moves its due date, other rows hide till then."""
        kind, record_id = _record_of(row)
        with self.undo_log.group(note, kind, record_id, row.title), write_transaction():
            return self._put_off(row, days, note)

    def _put_off(self, row: TriageRow, days: int, note: str) -> str:
        until = self.clock.today() + timedelta(days=days)
        if row.kind == "due":
            self.leads.put_off(row.lead_id, until)
        else:
            self._set_aside(row, until)
        return f"{note} until {until.isoformat()}"

    def _set_aside(self, row: TriageRow, until: date) -> None:
        """Hide the row from Today until `until` (Today's own table, so its own step)."""
        snooze = Snooze.create(
            kind=row.kind, ref_id=row.ref_id, until=until, created_at=self.clock.now()
        )

        def reverse() -> None:
            expect_unchanged(Snooze, snooze.id, {"until": until})
            Snooze.delete().where(Snooze.id == snooze.id).execute()

        self.undo_log.push(Step("set aside", "today", snooze.id, row.title, reverse))


def _record_of(row: TriageRow) -> tuple[str, int]:
    """What a Today row is about, as an undo step names it."""
    if row.lead_id is not None:
        return "lead", row.lead_id
    kinds = {
        "thank": "referral",
        "owed_partner": "partner",
        "meet": "partner",
        "customer": "customer",
    }
    return kinds.get(row.kind, "today"), row.ref_id


def today_records(sections: list[TriageSection]) -> dict[str, Any]:
    """Today as JSON-ready data for `pegboard today --json`."""
    return {
        section.key: {
            "title": section.title,
            "count": section.count,
            "rows": [
                {
                    "kind": row.kind,
                    "id": row.ref_id,
                    "title": row.title,
                    "detail": row.detail,
                    "lead_id": row.lead_id,
                    "partner_id": row.partner_id,
                    "contact_id": row.contact_id,
                }
                for row in section.rows
            ],
        }
        for section in sections
    }
