"""Referral partners and the referrals exchanged with them, both ways.

A received referral becomes a warm lead on the board at once (first stage,
source = referral, follow-up due today); a given one records who I sent. The
partners table, with its give/get balance and "owed" marker, is one aggregate
query however many partners and referrals there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, Case, fn

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import EditConflict, NotFound, ServiceError
from pegboard.services.contacts import check_email, check_phone, find_or_create_contact
from pegboard.services.leads import LeadDraft, LeadService
from pegboard.services.threads import on_own_connection
from pegboard.services.writes import write_transaction
from pegboard.store.fields import UTCDateTimeField
from pegboard.store.models import Contact, Lead, Partner, Referral
from pegboard.store.paging import rows_and_count

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


@dataclass(frozen=True)
class PartnerMatch:
    id: int
    name: str
    company: str
    category: str


@dataclass(frozen=True)
class PartnerRow:
    """One line of the partners table."""

    id: int
    name: str
    company: str
    category: str
    received: int
    given: int
    closed_value_cents: int
    last_exchange: datetime | None
    unthanked: int
    owed: bool

    @property
    def balance(self) -> int:
        return self.received - self.given


@dataclass(frozen=True)
class Exchange:
    """One referral as the partner's detail lists it."""

    id: int
    at: datetime
    direction: str
    person: str
    outcome: str
    value_cents: int
    thanked_at: datetime | None
    warmth: int | None
    note: str
    lead_id: int | None
    lead_stage: str | None


@dataclass(frozen=True)
class PartnerDetail:
    id: int
    name: str
    company: str
    email: str
    phone: str
    category: str
    since: date | None
    notes: str
    archived: bool
    exchanges: list[Exchange]


PARTNER_SORTS = ("name", "category", "received", "given", "balance", "closed", "last")
"""The columns the partners table can be sorted by."""


def split_reach(text: str) -> tuple[str, str]:
    """'ann@x.com' -> (email, ''), '+1 555 0100' -> ('', phone)."""
    text = text.strip()
    return (text, "") if "@" in text else ("", text)


def reach_problem(text: str) -> str | None:
    email, phone = split_reach(text)
    return check_email(email) if email else check_phone(phone)


def fuzzy_score(query: str, candidate: str) -> int:
    """How well a few typed letters match a name: higher is better, 0 is no match.

    A prefix beats the start of a later word, which beats a substring, which
    beats the letters in order with gaps ("dk" finds "Dana Keller").
    """
    query, candidate = query.lower().strip(), candidate.lower()
    if not query:
        return 1
    if candidate.startswith(query):
        return 400 - len(candidate)
    if any(word.startswith(query) for word in candidate.split()):
        return 300 - len(candidate)
    if query in candidate:
        return 200 - len(candidate)
    position = 0
    for letter in query:
        position = candidate.find(letter, position) + 1
        if position == 0:
            return 0
    return 100 - len(candidate)


def rank_partners(partners: list[PartnerMatch], text: str, limit: int = 6) -> list[PartnerMatch]:
    """The partners a few typed letters fit, best first (a company match counts half)."""
    scored = []
    for partner in partners:
        score = fuzzy_score(text, partner.name)
        if partner.company:
            score = max(score, fuzzy_score(text, partner.company) // 2)
        if score > 0:
            scored.append((-score, partner.name.lower(), partner))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [partner for _, _, partner in scored[:limit]]


class PartnerService:
    """Partners and referrals; every write is one transaction."""

    def __init__(self, settings: Settings, clock: Clock, leads: LeadService) -> None:
        self.settings = settings
        self.clock = clock
        self.leads = leads
        self._archived: list[int] = []
        self._archived_referrals: list[int] = []

    # -- partners ------------------------------------------------------------

    def create_partner(self, draft: PartnerDraft) -> int:
        self._check_partner(draft)
        now = self.clock.now()
        with write_transaction():
            contact = find_or_create_contact(
                draft.name.strip(), now, draft.company, draft.email, draft.phone
            )
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
            contact.phone = draft.phone.strip()
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
        self._archived.append(partner_id)

    def undo_archive(self) -> int | None:
        """Bring back the last archived partner; their id, or None if there is none."""
        return self._unarchive_last(self._archived, Partner)

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
        """The live partner with exactly this name (any case)."""
        row = (
            Partner.select(Partner.id, Contact.name, Contact.company, Partner.category)
            .join(Contact)
            .where(Partner.archived_at.is_null() & (fn.LOWER(Contact.name) == name.strip().lower()))
            .tuples()
            .first()
        )
        return PartnerMatch(*row) if row else None

    # -- referrals -----------------------------------------------------------

    def log_referral(self, draft: ReferralDraft, at: datetime | None = None) -> LoggedReferral:
        """Record a referral; a received one becomes a warm lead due today."""
        if draft.direction not in DIRECTIONS:
            raise ServiceError("a referral is received or given")
        if not draft.person.strip():
            raise ServiceError("who was referred? the person needs a name")
        if problem := reach_problem(draft.reach):
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
                contact_id = find_or_create_contact(
                    draft.person.strip(), now, email=email, phone=phone
                ).id
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
        self._archived_referrals.append(referral_id)

    def undo_archive_referral(self) -> int | None:
        """Bring back the last archived referral; its id, or None if there is none."""
        return self._unarchive_last(self._archived_referrals, Referral)

    def _unarchive_last(self, archived: list[int], model) -> int | None:
        """Un-archive the newest id of `archived`; it leaves the list only once written,
        so an undo that fails (a full disk) can be tried again."""
        if not archived:
            return None
        record_id = archived[-1]
        with write_transaction():
            model.update(archived_at=None, updated_at=self.clock.now()).where(
                model.id == record_id
            ).execute()
        archived.pop()
        return record_id

    def mark_thanked(self, referral_id: int, thanked: bool = True) -> None:
        with write_transaction():
            referral = self._referral(referral_id)
            now = self.clock.now()
            referral.thanked_at = now if thanked else None
            referral.updated_at = now
            referral.save()

    # -- reading -------------------------------------------------------------

    def partner_rows(
        self, sort: str = "balance", descending: bool = True, text: str = ""
    ) -> list[PartnerRow]:
        """The partners table in one aggregate query, sorted and filtered in SQL."""
        query, _ = self._partner_query(sort, descending, text)
        return self._partner_rows(query.tuples())

    def partner_page(
        self, sort: str, descending: bool, text: str, offset: int, limit: int
    ) -> tuple[list[PartnerRow], int]:
        """`limit` rows of the partners table from `offset`, and how many there are: the
        table reads a page at a time (2,000 partners took most of a second to draw)."""
        query, _ = self._partner_query(sort, descending, text)
        rows, total = rows_and_count(query, limit, offset)
        return self._partner_rows(rows), total

    def first_owed_partners(
        self, limit: int, exclude: frozenset[int] = frozenset()
    ) -> tuple[list[PartnerRow], int]:
        """The first `limit` partners I owe (by balance), and how many I owe, from one
        aggregate query, of which only those rows are read into Python (building all
        2,000 partners' rows was half the cost)."""
        query, owed = self._partner_query("balance", True, "")
        query = query.having(owed)
        if exclude:
            query = query.where(Partner.id.not_in(list(exclude)))
        rows, total = rows_and_count(query, limit)
        return self._partner_rows(rows), total

    def _partner_query(self, sort: str, descending: bool, text: str):
        """The partners with their tallies, and the condition that I owe one (for HAVING):
        more received than given by over the threshold, or business not yet thanked."""
        if sort not in PARTNER_SORTS:
            raise ServiceError(f"sort by one of {', '.join(PARTNER_SORTS)}")
        received_q = Referral.direction == "received"
        converted = received_q & (Referral.outcome == "converted")
        received = fn.COALESCE(fn.SUM(Case(None, [(received_q, 1)], 0)), 0)
        given = fn.COALESCE(fn.SUM(Case(None, [(Referral.direction == "given", 1)], 0)), 0)
        closed = fn.COALESCE(fn.SUM(Case(None, [(converted, Referral.value_cents)], 0)), 0)
        unthanked = fn.COALESCE(
            fn.SUM(Case(None, [(converted & Referral.thanked_at.is_null(), 1)], 0)), 0
        )
        last = fn.MAX(Referral.at)
        keys: dict[str, Any] = {
            "name": fn.LOWER(Contact.name),
            "category": fn.LOWER(Partner.category),
            "received": received,
            "given": given,
            "balance": received - given,
            "closed": closed,
            "last": last,
        }
        order = keys[sort].desc() if descending else keys[sort].asc()
        query = (
            Partner.select(
                Partner.id,
                Contact.name,
                Contact.company,
                Partner.category,
                received,
                given,
                closed,
                last,
                unthanked,
            )
            .join(Contact, on=Partner.contact == Contact.id)
            .switch(Partner)
            .join(
                Referral,
                JOIN.LEFT_OUTER,
                on=(Referral.partner == Partner.id) & Referral.archived_at.is_null(),
            )
            .where(Partner.archived_at.is_null())
            .group_by(Partner.id, Contact.name, Contact.company, Partner.category)
            .order_by(order, fn.LOWER(Contact.name))
        )
        if text.strip():
            term = text.strip()
            query = query.where(
                Contact.name.contains(term)
                | Contact.company.contains(term)
                | Partner.category.contains(term)
            )
        owed = ((received - given) > self.settings.owe_when_balance_over) | (unthanked > 0)
        return query, owed

    def _partner_rows(self, tuples: Iterable[tuple]) -> list[PartnerRow]:
        """PartnerRows from the rows of _partner_query (as tuples)."""
        to_time = UTCDateTimeField().python_value
        threshold = self.settings.owe_when_balance_over
        rows = []
        for pid, name, company, category, got, gave, value, latest, open_thanks in tuples:
            rows.append(
                PartnerRow(
                    id=pid,
                    name=name,
                    company=company,
                    category=category,
                    received=int(got),
                    given=int(gave),
                    closed_value_cents=int(value),
                    last_exchange=to_time(latest) if latest else None,
                    unthanked=int(open_thanks),
                    owed=(got - gave) > threshold or open_thanks > 0,
                )
            )
        return rows

    def partner_detail(self, partner_id: int) -> PartnerDetail:
        partner = self._partner(partner_id)
        contact = partner.contact
        person = Contact.alias("person")
        rows = (
            Referral.select(
                Referral, person.name.alias("person_name"), Lead.stage.alias("lead_stage")
            )
            .join(person, JOIN.LEFT_OUTER, on=Referral.contact == person.id)
            .switch(Referral)
            .join(Lead, JOIN.LEFT_OUTER, on=Referral.lead == Lead.id)
            .where((Referral.partner == partner_id) & Referral.archived_at.is_null())
            .order_by(Referral.at.desc(), Referral.id.desc())
            .objects()
        )
        exchanges = [
            Exchange(
                id=row.id,
                at=row.at,
                direction=row.direction,
                person=row.person_name or "",
                outcome=row.outcome,
                value_cents=row.value_cents,
                thanked_at=row.thanked_at,
                warmth=row.warmth,
                note=row.note,
                lead_id=row.lead_id,
                lead_stage=row.lead_stage,
            )
            for row in rows
        ]
        return PartnerDetail(
            id=partner.id,
            name=contact.name,
            company=contact.company,
            email=contact.email,
            phone=contact.phone,
            category=partner.category,
            since=partner.since,
            notes=partner.notes,
            archived=partner.archived_at is not None,
            exchanges=exchanges,
        )

    # -- helpers -------------------------------------------------------------

    @staticmethod
    def _check_partner(draft: PartnerDraft) -> None:
        if not draft.name.strip():
            raise ServiceError("a partner needs a name")
        if problem := check_email(draft.email.strip()):
            raise ServiceError(f"email: {problem}")
        if problem := check_phone(draft.phone.strip()):
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


def partner_records(rows: list[PartnerRow]) -> list[dict[str, Any]]:
    """Partners table rows as JSON-ready dicts, for `pegboard partners --json`."""
    return [
        {
            "id": row.id,
            "name": row.name,
            "company": row.company,
            "category": row.category,
            "received": row.received,
            "given": row.given,
            "balance": row.balance,
            "closed_value_cents": row.closed_value_cents,
            "last_exchange": row.last_exchange.isoformat() if row.last_exchange else None,
            "owed": row.owed,
            "unthanked": row.unthanked,
        }
        for row in rows
    ]
