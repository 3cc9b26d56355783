"""Referral partners and the referrals exchanged with them, both ways.

A received referral becomes a warm lead on the board at once (first stage,
source = referral, follow-up due today); a given one records who I sent. The
partners table, with its give/get balance and "owed" marker, is one aggregate
query however many partners and referrals there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import EditConflict, NotFound, ServiceError
from pegboard.phones import phone_problem
from pegboard.services.contacts import (
    check_email,
    contact_of_draft,
    set_phone,
)
from pegboard.services.partner_match import PartnerMatch, rank_partners, reach_problem, split_reach
from pegboard.services.partner_reads import PartnerReads
from pegboard.services.partner_views import (
    PartnerDetail,
    partner_detail,
)
from pegboard.services.threads import on_own_connection
from pegboard.services.undo import Step, UndoLog, expect_unchanged
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Lead, Partner, Referral
from pegboard.text import folded

if TYPE_CHECKING:
    from pegboard.services.leads import LeadService

DIRECTIONS = ("received", "given")
OUTCOMES = ("open", "converted", "no_fit")
OUTCOME_LABELS = {"open": "open", "converted": "converted", "no_fit": "no fit"}
WARMTH_LABELS = {
    1: "name only",
    2: "number passed on",
    3: "they expect a call",
    4: "told them you would call",
    5: "introduced in person",
}
"""How warm the introduction was (not the chance to close)."""


@dataclass(frozen=True)
class PartnerDraft:
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    category: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ReferralDraft:
    """A referral as the quick log or the command line describes it."""

    direction: str
    person: str
    partner_id: int | None = None
    new_partner: str = ""
    """A partner name to create on the spot, when partner_id is None."""
    reach: str = ""
    """How to reach the person: a phone number or an email address."""
    note: str = ""
    warmth: int | None = None


@dataclass(frozen=True)
class LoggedReferral:
    referral_id: int
    partner_id: int
    lead_id: int | None
    partner_created: bool


class PartnerService(PartnerReads):
    """Partners and referrals; every write is one transaction."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        leads: LeadService,
        undo_log: UndoLog | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.leads = leads
        self.undo_log = leads.undo_log if undo_log is None else undo_log

    # -- partners ------------------------------------------------------------

    def create_partner(self, draft: PartnerDraft) -> int:
        self._check_partner(draft)
        now = self.clock.now()
        with write_transaction():
            contact = contact_of_draft(draft, now, self.settings.phone_region)
            existing = Partner.get_or_none(Partner.contact == contact)
            if existing is not None:
                if existing.archived_at is None:
                    raise ServiceError(f"{contact.name} is already a partner")
                existing.archived_at = None
                existing.updated_at = now
                existing.save()
                return existing.id
            partner = Partner.create(
                contact=contact,
                category=draft.category.strip(),
                since=self.clock.today(),
                notes=draft.notes,
                created_at=now,
                updated_at=now,
            )
        return partner.id

    def version_of(self, partner_id: int) -> PartnerDraft:
        """What an edit form keeps to tell whether the partner changed meanwhile (in this
        window or another, the contact's details included): the values it opened with.
        Comparing values, not times, also catches two edits within one clock tick."""
        return self.draft_of(partner_id)

    def update_partner(
        self, partner_id: int, draft: PartnerDraft, expected_version: PartnerDraft | None = None
    ) -> None:
        """Save an edit; with `expected_version` (from version_of) it is refused with
        EditConflict when the partner changed since the form opened."""
        self._check_partner(draft)
        now = self.clock.now()
        with write_transaction():
            partner = self._partner(partner_id)
            if expected_version is not None and self.version_of(partner_id) != expected_version:
                raise EditConflict(
                    f"{partner.contact.name} was changed in another window since you opened it"
                )
            contact = partner.contact
            contact.name = draft.name.strip()
            contact.company = draft.company.strip()
            contact.email = draft.email.strip()
            set_phone(contact, draft.phone.strip(), self.settings.phone_region)
            contact.updated_at = now
            contact.save()
            partner.category = draft.category.strip()
            partner.notes = draft.notes
            partner.updated_at = now
            partner.save()

    def draft_of(self, partner_id: int) -> PartnerDraft:
        partner = self._partner(partner_id)
        contact = partner.contact
        return PartnerDraft(
            contact.name,
            contact.company,
            contact.email,
            contact.phone,
            partner.category,
            partner.notes,
        )

    def archive_partner(self, partner_id: int) -> None:
        """Take a partner off the table; their referrals stay, and undo brings them back."""
        with write_transaction():
            partner = self._partner(partner_id)
            if partner.archived_at is not None:
                raise ServiceError("the partner is already archived")
            partner.archived_at = self.clock.now()
            partner.save()
        step = self._unarchive_step("archive", Partner, partner, "partner", partner.contact.name)
        self.undo_log.push(step)

    def all_partners(self) -> list[PartnerMatch]:
        """Every live partner, in one query: the quick log ranks these as the user types."""
        rows = (
            Partner.select(Partner.id, Contact.name, Contact.company, Partner.category)
            .join(Contact)
            .where(Partner.archived_at.is_null())
            .tuples()
        )
        return [PartnerMatch(*row) for row in rows]

    def all_partners_in_thread(self) -> list[PartnerMatch]:
        """all_partners() on a connection of its own, for a worker thread."""
        return on_own_connection(self.all_partners)

    def match_partners(self, text: str, limit: int = 6) -> list[PartnerMatch]:
        """Partners whose name (or company) a few typed letters fit, best first."""
        return rank_partners(self.all_partners(), text, limit)

    def find_partner(self, name: str) -> PartnerMatch | None:
        """The live partner with exactly this name (any case, any accents: `bjorn akesson`
        finds Björn Åkesson)."""
        row = (
            Partner.select(Partner.id, Contact.name, Contact.company, Partner.category)
            .join(Contact)
            .where(Partner.archived_at.is_null() & (Contact.name_key == folded(name.strip())))
            .tuples()
            .first()
        )
        return PartnerMatch(*row) if row else None

    # -- referrals -----------------------------------------------------------

    def log_referral(self, draft: ReferralDraft, at: datetime | None = None) -> LoggedReferral:
        """Record a referral; a received one becomes a warm lead due today."""
        from pegboard.services.lead_draft import LeadDraft  # not needed to read the table

        if draft.direction not in DIRECTIONS:
            raise ServiceError("a referral is received or given")
        if not draft.person.strip():
            raise ServiceError("who was referred? the person needs a name")
        if problem := reach_problem(draft.reach, self.settings.phone_region):
            raise ServiceError(f"phone or email: {problem}")
        if draft.warmth is not None and not 1 <= draft.warmth <= 5:
            raise ServiceError("warmth is 1 to 5")
        if draft.partner_id is None and not draft.new_partner.strip():
            raise ServiceError("which partner? pick one or type a new name")
        now = self.clock.now()
        at = at or now
        email, phone = split_reach(draft.reach)
        with write_transaction():
            created = False
            if draft.partner_id is not None:
                partner_id = self._partner(draft.partner_id).id
            else:
                existing = self.find_partner(draft.new_partner)
                if existing:
                    partner_id = existing.id
                else:
                    partner_id = self.create_partner(PartnerDraft(name=draft.new_partner.strip()))
                    created = True
            lead_id = None
            if draft.direction == "received":
                lead_id = self.leads.create_lead(
                    LeadDraft(
                        name=draft.person.strip(),
                        email=email,
                        phone=phone,
                        source=self.settings.referral_source,
                        next_action="Call the referral",
                        due_date=self.clock.today(),
                    ),
                    at=at,
                    referred_by=partner_id,
                )
                contact_id = Lead.get_by_id(lead_id).contact_id
            else:
                person = LeadDraft(name=draft.person, email=email, phone=phone)
                contact_id = contact_of_draft(person, now, self.settings.phone_region).id
            referral = Referral.create(
                partner=partner_id,
                direction=draft.direction,
                contact=contact_id,
                lead=lead_id,
                note=draft.note.strip(),
                at=at,
                warmth=draft.warmth,
                created_at=now,
                updated_at=now,
            )
        return LoggedReferral(referral.id, partner_id, lead_id, created)

    def set_outcome(self, referral_id: int, outcome: str, value_cents: int | None = None) -> None:
        """Open, converted (with the value of the business) or no fit."""
        if outcome not in OUTCOMES:
            raise ServiceError(f"an outcome is one of {', '.join(OUTCOMES)}")
        if value_cents is not None and value_cents < 0:
            raise ServiceError("the value cannot be negative")
        with write_transaction():
            referral = self._referral(referral_id)
            referral.outcome = outcome
            if value_cents is not None:
                referral.value_cents = value_cents
            elif outcome != "converted":
                referral.value_cents = 0
            referral.updated_at = self.clock.now()
            referral.save()

    def archive_referral(self, referral_id: int) -> None:
        """Take a referral out of the counts (logged by mistake); undo brings it back."""
        with write_transaction():
            referral = self._referral(referral_id)
            if referral.archived_at is not None:
                raise ServiceError("the referral is already archived")
            referral.archived_at = self.clock.now()
            referral.save()
            person = _person_of(referral)
        step = self._unarchive_step("archive referral", Referral, referral, "referral", person)
        self.undo_log.push(step)

    def _unarchive_step(self, description: str, model, row, kind: str, subject: str) -> Step:
        """The step that brings back a partner or referral archived as `row`."""
        archived_at = row.archived_at

        def reverse() -> None:
            expect_unchanged(model, row.id, {"archived_at": archived_at})
            model.update(archived_at=None, updated_at=self.clock.now()).where(
                model.id == row.id
            ).execute()

        return Step(description, kind, row.id, subject, reverse)

    def mark_thanked(self, referral_id: int, thanked: bool = True) -> None:
        """Record (or take back) that the partner was thanked for this referral."""
        with write_transaction():
            referral = self._referral(referral_id)
            before = referral.thanked_at
            now = self.clock.now()
            referral.thanked_at = now if thanked else None
            referral.updated_at = now
            referral.save()
            after = referral.thanked_at
            person = _person_of(referral)

        def reverse() -> None:
            expect_unchanged(Referral, referral_id, {"thanked_at": after})
            Referral.update(thanked_at=before, updated_at=self.clock.now()).where(
                Referral.id == referral_id
            ).execute()

        description = "thanked" if thanked else "not thanked"
        self.undo_log.push(Step(description, "referral", referral_id, person, reverse))

    # -- reading (see pegboard.services.partner_views) -------------------------

    def log_meeting(self, partner_id: int, at: datetime | None = None, note: str = "") -> int:
        """A one-to-one with the partner (services.meetings)."""
        from pegboard.services.meetings import log_meeting

        return log_meeting(self.clock, self.undo_log, partner_id, at, note)

    def partner_detail(self, partner_id: int) -> PartnerDetail:
        return partner_detail(self._partner(partner_id))

    def _check_partner(self, draft: PartnerDraft) -> None:
        if not draft.name.strip():
            raise ServiceError("a partner needs a name")
        if problem := check_email(draft.email.strip()):
            raise ServiceError(f"email: {problem}")
        if problem := phone_problem(draft.phone, self.settings.phone_region):
            raise ServiceError(f"phone: {problem}")

    @staticmethod
    def _partner(partner_id: int) -> Partner:
        partner = (
            Partner.select(Partner, Contact)
            .join(Contact)
            .where(Partner.id == partner_id)
            .get_or_none()
        )
        if partner is None:
            raise NotFound(f"no partner with id {partner_id}")
        return partner

    @staticmethod
    def _referral(referral_id: int) -> Referral:
        referral = Referral.get_or_none(Referral.id == referral_id)
        if referral is None:
            raise NotFound(f"no referral with id {referral_id}")
        return referral


def _person_of(referral: Referral) -> str:
    """The name of the person a referral was about."""
    return Contact.select(Contact.name).where(Contact.id == referral.contact_id).scalar() or ""
