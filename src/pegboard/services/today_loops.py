"""Today's loops to close: closed business a partner sent and I have not thanked them
for, and referrals I gave long ago with no outcome yet; and the partners' names the
sections' rows show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.today_rows import TriageRow, TriageSection
from pegboard.store.models import Contact, Partner, Referral


class ClosingLoops:
    """Mixed into TriageSections, which gives `settings`, `clock` and `_not_snoozed`."""

    settings: Settings
    clock: Clock

    def _loops(self, limit: int) -> TriageSection:
        """Loops: closed business not thanked; referrals I gave with no outcome yet."""
        now = self.clock.now()
        unthanked_loop, silent_loop = self._loop_conditions(now)
        unthanked = self._first_loops(unthanked_loop, Referral.value_cents, limit)
        silent = self._first_loops(silent_loop, Referral.at, limit)
        partner_names = self._partner_names(r.partner_id for r in unthanked + silent)
        rows = [
            TriageRow(
                "thank",
                referral.id,
                partner_names.get(referral.partner_id, "?"),
                f"thank them: {referral.contact.name} became business",
                partner_id=referral.partner_id,
            )
            for referral in unthanked
        ]
        rows += [
            TriageRow(
                "ask_given",
                referral.id,
                partner_names.get(referral.partner_id, "?"),
                f"how did {referral.contact.name} go? sent {(now - referral.at).days}d ago",
                partner_id=referral.partner_id,
            )
            for referral in silent
        ]
        # Counted from the loop index alone.
        count = sum(
            Referral.select(Referral.id).where(loop).count()
            for loop in (unthanked_loop, silent_loop)
        )
        return TriageSection("loop", "Loops to close", count, rows)

    def _first_loops(self, loop, shown, limit: int) -> list[Referral]:
        """The oldest `limit` referrals of a loop, with `shown` and the person's name: their
        ids first, off the loop index alone, then their rows (joined first, every old
        referral given with no outcome was read and sorted: 7 ms at 100,000 leads)."""
        person = Contact.alias("person")
        first = (
            Referral.select(Referral.id).where(loop).order_by(Referral.at, Referral.id).limit(limit)
        )
        return list(
            Referral.select(Referral.id, Referral.partner, shown, person.name)
            .join(person, on=Referral.contact == person.id)
            .where(Referral.id.in_(first))
            .order_by(Referral.at, Referral.id)
        )

    def _loop_conditions(self, now: datetime):
        """(business received and not thanked, referrals given long ago with no outcome),
        each of a person (the rows join them): from the loop index alone, since the
        foreign key keeps a contact that is set pointing at one."""
        of_a_person = Referral.contact.is_null(False)
        unthanked = (
            (Referral.direction == "received")
            & (Referral.outcome == "converted")
            & Referral.thanked_at.is_null()
            & Referral.archived_at.is_null()
            & self._not_snoozed("thank", Referral.id)
            & of_a_person
        )
        asked_before = now - timedelta(days=self.settings.ask_given_after_days)
        silent = (
            (Referral.direction == "given")
            & (Referral.outcome == "open")
            & (Referral.at < asked_before)
            & Referral.archived_at.is_null()
            & self._not_snoozed("ask_given", Referral.id)
            & of_a_person
        )
        return unthanked, silent

    def _partner_names(self, partner_ids: Iterable[int | None]) -> dict[int, str]:
        """The names of the partners the rows shown name, looked up by key: all 2,000
        partners' took 10 ms at 100,000 leads, and as a join SQLite read every contact's.
        Always one query, rows or none, so that a section's queries stay the same number."""
        wanted = {partner_id for partner_id in partner_ids if partner_id is not None}
        name = Contact.select(Contact.name).where(Contact.id == Partner.contact)
        return dict(Partner.select(Partner.id, name).where(Partner.id.in_(wanted)).tuples())
