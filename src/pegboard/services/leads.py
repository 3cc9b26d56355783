"""Leads: create, edit, move through the pipeline, archive, touch, and undo the last change."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import JOIN, fn

from pegboard.clock import Clock, to_local
from pegboard.config import Settings, Stage
from pegboard.errors import EditConflict, NotFound, ServiceError
from pegboard.money import parse_cents
from pegboard.services.contacts import check_email, check_phone, find_or_create_contact
from pegboard.services.writes import write_transaction
from pegboard.store.models import (
    Contact,
    Lead,
    Partner,
    Purchase,
    Referral,
    StageChange,
    Touch,
    db,
)

TOUCH_KINDS = ("call", "email", "meeting", "message", "note")
UNDO_DEPTH = 50
"""How many changes `u` can take back, most recent first."""


@dataclass(frozen=True)
class LeadDraft:
    """A lead as a form or the command line describes it, before it is saved."""

    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""
    value_cents: int = 0
    source: str = ""
    next_action: str = ""
    due_date: date | None = None


def draft_problems(draft: LeadDraft, settings: Settings) -> dict[str, str]:
    """Field name -> what is wrong with it; empty when the draft can be saved."""
    problems: dict[str, str] = {}
    if not draft.name.strip():
        problems["name"] = "a lead needs a contact name"
    if message := check_email(draft.email):
        problems["email"] = message
    if message := check_phone(draft.phone):
        problems["phone"] = message
    if draft.source and draft.source not in settings.sources:
        problems["source"] = f"not a configured source ({', '.join(settings.sources)})"
    if draft.value_cents < 0:
        problems["value"] = "the value cannot be negative"
    return problems


def parse_value(text: str) -> int:
    """A lead value as typed: empty means 0."""
    return parse_cents(text) if text.strip() else 0


@dataclass
class _UndoEntry:
    description: str
    snapshots: list[dict[str, Any]]
    stage_change_ids: list[int] = field(default_factory=list)
    lead_id: int = 0
    referrals: list[tuple[int, str, int]] = field(default_factory=list)
    """(id, outcome, value_cents) of the lead's referrals before the change."""
    purchases_created: list[int] = field(default_factory=list)
    purchases_archived: list[int] = field(default_factory=list)


_RESTORED = (
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


def stay_hours(entered: datetime, left: datetime) -> int:
    """How long a lead stayed in a stage, in whole hours (a stage change records it)."""
    return max(0, round((left - entered).total_seconds() / 3600))


@dataclass(frozen=True)
class MoveResult:
    lead_id: int
    from_stage: str
    to_stage: str


class LeadService:
    """Every change to a lead goes through here, each in one transaction."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self._undo: list[_UndoEntry] = []

    # -- reading -------------------------------------------------------------

    def get(self, lead_id: int) -> Lead:
        lead = Lead.get_or_none(Lead.id == lead_id)
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        return lead

    def draft_of(self, lead_id: int) -> LeadDraft:
        """The lead as an edit form shows it."""
        lead = Lead.select(Lead, Contact).join(Contact).where(Lead.id == lead_id).get_or_none()
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        return LeadDraft(
            name=lead.contact.name,
            company=lead.contact.company,
            email=lead.contact.email,
            phone=lead.contact.phone,
            title=lead.title,
            value_cents=lead.value_cents,
            source=lead.source,
            next_action=lead.next_action,
            due_date=lead.due_date,
        )

    def neighbor_stage(self, stage_id: str, step: int) -> Stage | None:
        """The stage `step` places right (+) or left (-) of `stage_id`, if there is one."""
        ids = self.settings.stage_ids
        index = ids.index(stage_id) + step
        return self.settings.stages[index] if 0 <= index < len(ids) else None

    # -- writing -------------------------------------------------------------

    def create_lead(
        self,
        draft: LeadDraft,
        *,
        stage: str | None = None,
        at: datetime | None = None,
        referred_by: int | None = None,
    ) -> int:
        """Save a new lead at the top of its column (the first stage unless told)."""
        problems = draft_problems(draft, self.settings)
        if problems:
            name, message = next(iter(problems.items()))
            raise ServiceError(f"{name}: {message}")
        stage_id = stage or self.settings.first_stage.id
        self._check_stage(stage_id)
        now = self.clock.now()
        at = at or now
        with write_transaction():
            contact = find_or_create_contact(
                draft.name.strip(), now, draft.company, draft.email, draft.phone
            )
            closes = self.settings.stage(stage_id).closes
            lead = Lead.create(
                title=draft.title or draft.name.strip(),
                contact=contact,
                stage=stage_id,
                source=draft.source,
                value_cents=draft.value_cents,
                next_action=draft.next_action,
                due_date=draft.due_date,
                referred_by=referred_by,
                position=self._top_position(stage_id),
                stage_entered_at=at,
                last_touch_at=at,
                created_at=at,
                updated_at=now,
                closed_at=at if closes else None,
                qualified_at=at if self._counts_as_qualified(stage_id) else None,
            )
            StageChange.create(lead=lead, from_stage=None, to_stage=stage_id, changed_at=at)
        return lead.id

    def version_of(self, lead_id: int) -> int:
        """The lead's version now: an edit form keeps it to detect changes made meanwhile."""
        return self.get(lead_id).version

    def update_lead(
        self, lead_id: int, draft: LeadDraft, expected_version: int | None = None
    ) -> None:
        """Save an edit of the lead and its contact's details.

        With `expected_version`, the edit is refused (EditConflict) if the lead changed
        since then, in this window or another: the version is bumped by a conditional
        UPDATE first, so two processes cannot both pass the check.
        """
        problems = draft_problems(draft, self.settings)
        if problems:
            name, message = next(iter(problems.items()))
            raise ServiceError(f"{name}: {message}")
        now = self.clock.now()
        with write_transaction():
            if expected_version is not None:
                bumped = (
                    Lead.update(version=Lead.version + 1)
                    .where((Lead.id == lead_id) & (Lead.version == expected_version))
                    .execute()
                )
                if not bumped:
                    self.get(lead_id)
                    raise EditConflict(
                        "this lead was changed in another window since you opened it"
                    )
            lead = self.get(lead_id)
            contact = lead.contact
            contact.name = draft.name.strip()
            contact.company = draft.company
            contact.email = draft.email
            contact.phone = draft.phone
            contact.updated_at = now
            contact.save()
            lead.title = draft.title or contact.name
            lead.value_cents = draft.value_cents
            lead.source = draft.source
            lead.next_action = draft.next_action
            lead.due_date = draft.due_date
            if expected_version is None:
                lead.version += 1
            lead.updated_at = now
            lead.save()
            self._sync_referrals(lead, now)

    def move_lead(
        self,
        lead_id: int,
        stage_id: str,
        *,
        value_cents: int | None = None,
        lost_reason: str | None = None,
        qualification: list[str] | None = None,
        at: datetime | None = None,
    ) -> MoveResult:
        """Move a lead to another stage, at the top of that column.

        Moving into a 'lost' stage needs a reason; into 'won' may set the final
        value; moving back into an open stage reopens the lead.
        """
        self._check_stage(stage_id)
        target = self.settings.stage(stage_id)
        if target.closes == "lost" and not (lost_reason or "").strip():
            raise ServiceError("say why the lead was lost")
        if qualification is not None:
            unknown = [item for item in qualification if item not in self.settings.qualification]
            if unknown:
                raise ServiceError(f"not a qualification criterion: {unknown[0]!r}")
        now = self.clock.now()
        at = at or now
        with write_transaction():
            lead = self.get(lead_id)
            origin = lead.stage
            if origin == stage_id:
                raise ServiceError(f"the lead is already in {target.label}")
            entry = _UndoEntry(f"move to {target.label}", [self._snapshot(lead)], lead_id=lead_id)
            stay = stay_hours(lead.stage_entered_at, at)
            lead.stage = stage_id
            lead.position = self._top_position(stage_id)
            lead.stage_entered_at = at
            if lead.qualified_at is None and self._counts_as_qualified(stage_id):
                lead.qualified_at = at
            if target.closes:
                lead.closed_at = at
                lead.lost_reason = (lost_reason or "").strip() if target.closes == "lost" else ""
            else:
                lead.closed_at = None
                lead.lost_reason = ""
            if value_cents is not None:
                if value_cents < 0:
                    raise ServiceError("the value cannot be negative")
                lead.value_cents = value_cents
            if qualification is not None:
                lead.qualification = json.dumps(qualification)
            self._touch_row(lead, now)
            change = StageChange.create(
                lead=lead,
                from_stage=origin,
                to_stage=stage_id,
                changed_at=at,
                stay_hours=stay,
            )
            entry.stage_change_ids.append(change.id)
            entry.referrals = self._sync_referrals(lead, now)
            self._sync_purchase(lead, origin, target, at, now, entry)
            self._push(entry)
        return MoveResult(lead_id, origin, stage_id)

    def reorder(self, lead_id: int, step: int, among: Any = None) -> bool:
        """Swap the lead with its neighbour above (-1) or below (+1) in its column.

        `among` is an optional filter expression (from pegboard.services.board)
        so that the neighbour is the one the user sees. False at the column's end.
        """
        with write_transaction():
            lead = self.get(lead_id)
            live = (Lead.stage == lead.stage) & Lead.archived_at.is_null() & (Lead.id != lead.id)
            if step < 0:
                beyond = (Lead.position < lead.position) | (
                    (Lead.position == lead.position) & (Lead.id < lead.id)
                )
                order = (Lead.position.desc(), Lead.id.desc())
            else:
                beyond = (Lead.position > lead.position) | (
                    (Lead.position == lead.position) & (Lead.id > lead.id)
                )
                order = (Lead.position, Lead.id)
            query = Lead.select().join(Contact).switch(Lead)
            if among is not None:
                query = among.apply(query)
            neighbour = query.where(live & beyond).order_by(*order).first()
            if neighbour is None:
                return False
            entry = _UndoEntry(
                "reorder", [self._snapshot(lead), self._snapshot(neighbour)], lead_id=lead_id
            )
            now = self.clock.now()
            if lead.position == neighbour.position:
                lead.position = neighbour.position + (1 if step > 0 else -1)
            else:
                lead.position, neighbour.position = neighbour.position, lead.position
                self._touch_row(neighbour, now)
            self._touch_row(lead, now)
            self._push(entry)
        return True

    def archive(self, lead_id: int) -> None:
        """Take a lead off the board; nothing is deleted, and undo brings it back."""
        now = self.clock.now()
        with write_transaction():
            lead = self.get(lead_id)
            if lead.archived_at is not None:
                raise ServiceError("the lead is already archived")
            entry = _UndoEntry("archive", [self._snapshot(lead)], lead_id=lead_id)
            lead.archived_at = now
            self._touch_row(lead, now)
            self._push(entry)

    def undo(self) -> tuple[str, int] | None:
        """Take back the last move, reorder or archive: (what was undone, lead id), or None."""
        if not self._undo:
            return None
        entry = self._undo[-1]
        now = self.clock.now()
        with write_transaction():
            for snapshot in entry.snapshots:
                lead = Lead.get_or_none(Lead.id == snapshot["id"])
                if lead is None:
                    continue
                for name in _RESTORED:
                    setattr(lead, name, snapshot[name])
                self._touch_row(lead, now)
            if entry.stage_change_ids:
                StageChange.delete().where(StageChange.id.in_(entry.stage_change_ids)).execute()
            if entry.purchases_created:
                Purchase.delete().where(Purchase.id.in_(entry.purchases_created)).execute()
            if entry.purchases_archived:
                Purchase.update(archived_at=None).where(
                    Purchase.id.in_(entry.purchases_archived)
                ).execute()
            for referral_id, outcome, value_cents in entry.referrals:
                Referral.update(outcome=outcome, value_cents=value_cents, updated_at=now).where(
                    Referral.id == referral_id
                ).execute()
        self._undo.pop()  # only once it is undone: a failed write leaves it to try again
        return entry.description, entry.lead_id

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def log_touch(
        self,
        lead_id: int,
        kind: str,
        note: str = "",
        *,
        at: datetime | None = None,
        next_action: str | None = None,
        due_date: date | None = None,
        clear_due: bool = False,
    ) -> int:
        """Record a call, email, meeting, message or note on a lead (and its contact).

        A next action and due date typed with it replace the lead's follow-up.
        """
        if kind not in TOUCH_KINDS:
            raise ServiceError(f"a touch is one of {', '.join(TOUCH_KINDS)}, not {kind!r}")
        now = self.clock.now()
        at = at or now
        with write_transaction():
            lead = self.get(lead_id)
            touch = Touch.create(contact=lead.contact_id, lead=lead, kind=kind, note=note, at=at)
            if lead.last_touch_at is None or at > lead.last_touch_at:
                lead.last_touch_at = at
            if next_action is not None:
                lead.next_action = next_action
            if due_date is not None or clear_due:
                lead.due_date = due_date
            self._touch_row(lead, now)
        return touch.id

    # -- helpers -------------------------------------------------------------

    def _check_stage(self, stage_id: str) -> None:
        if stage_id not in self.settings.stage_ids:
            raise ServiceError(
                f"no stage {stage_id!r}; the stages are {', '.join(self.settings.stage_ids)}"
            )

    @staticmethod
    def _top_position(stage_id: str) -> int:
        lowest = (
            Lead.select(fn.MIN(Lead.position))
            .where((Lead.stage == stage_id) & Lead.archived_at.is_null())
            .scalar()
        )
        return 0 if lowest is None else lowest - 1

    def _sync_purchase(
        self, lead: Lead, origin: str, target: Stage, at: datetime, now: datetime, entry
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
                entry.purchases_created.append(purchase.id)
            return
        was_won = next((s.closes for s in self.settings.stages if s.id == origin), None) == "won"
        if was_won:
            live = list(
                Purchase.select(Purchase.id).where(from_purchases & Purchase.archived_at.is_null())
            )
            if live:
                ids = [row.id for row in live]
                Purchase.update(archived_at=now).where(Purchase.id.in_(ids)).execute()
                entry.purchases_archived.extend(ids)

    def _sync_referrals(self, lead: Lead, now: datetime) -> list[tuple[int, str, int]]:
        """The referral behind a lead follows it: won -> converted at the lead's value,
        lost -> no fit, open again -> open. Returns what they were, for undo."""
        received = (Referral.lead == lead.id) & (Referral.direction == "received")
        before = [
            (row.id, row.outcome, row.value_cents)
            for row in Referral.select(Referral.id, Referral.outcome, Referral.value_cents).where(
                received
            )
        ]
        if before:
            closes = next((st.closes for st in self.settings.stages if st.id == lead.stage), None)
            outcome = {"won": "converted", "lost": "no_fit"}.get(closes or "", "open")
            value = lead.value_cents if outcome == "converted" else 0
            Referral.update(outcome=outcome, value_cents=value, updated_at=now).where(
                received
            ).execute()
        return before

    @staticmethod
    def _touch_row(lead: Lead, now: datetime) -> None:
        lead.updated_at = now
        lead.version += 1
        lead.save()

    def _counts_as_qualified(self, stage_id: str) -> bool:
        """The qualified stage, any open stage after it, and the won stages."""
        stage = self.settings.stage(stage_id)
        if stage.closes:
            return stage.closes == "won"
        return stage in self.settings.qualified_stages

    @staticmethod
    def _snapshot(lead: Lead) -> dict[str, Any]:
        snapshot = {name: getattr(lead, name) for name in _RESTORED}
        snapshot["id"] = lead.id
        return snapshot

    def _push(self, entry: _UndoEntry) -> None:
        self._undo.append(entry)
        del self._undo[:-UNDO_DEPTH]


# -- records for scripts (the command line's --json) --------------------------


def join_contact_and_partner(query, partner_contact):
    """Join a Lead query to its contact and, if any, the referring partner's contact."""
    return (
        query.join(Contact, on=Lead.contact == Contact.id)
        .switch(Lead)
        .join(Partner, JOIN.LEFT_OUTER, on=Lead.referred_by == Partner.id)
        .join(partner_contact, JOIN.LEFT_OUTER, on=Partner.contact == partner_contact.id)
    )


def lead_records(stage: str | None = None, include_archived: bool = False) -> list[dict[str, Any]]:
    """Leads as plain dicts, one query, for `pegboard leads --json`."""
    partner_contact = Contact.alias("partner_contact")
    query = join_contact_and_partner(
        Lead.select(
            Lead.id,
            Lead.title,
            Contact.name.alias("contact_name"),
            Contact.company,
            Contact.email,
            Contact.phone,
            Lead.stage,
            Lead.source,
            partner_contact.name.alias("partner"),
            Lead.value_cents,
            Lead.next_action,
            Lead.due_date,
            Lead.created_at,
            Lead.updated_at,
            Lead.closed_at,
            Lead.lost_reason,
            Lead.archived_at,
        ),
        partner_contact,
    ).order_by(Lead.id)
    if stage:
        query = query.where(Lead.stage == stage)
    if not include_archived:
        query = query.where(Lead.archived_at.is_null())
    # Raw rows: peewee's per-row model building was ~4 s of a 6 s run at 100k leads.
    keys = (
        "id",
        "title",
        "contact",
        "company",
        "email",
        "phone",
        "stage",
        "source",
        "partner",
        "value_cents",
        "next_action",
        "due",
        "created_at",
        "updated_at",
        "closed_at",
        "lost_reason",
        "archived",
    )
    records = []
    for values in db.execute(query).fetchall():
        record = dict(zip(keys, values, strict=True))
        due = record["due"]
        record["due"] = due.isoformat() if isinstance(due, date) else due
        for key in ("created_at", "updated_at", "closed_at"):
            record[key] = _iso_utc(record[key])
        record["archived"] = record["archived"] is not None
        records.append(record)
    return records


def _iso_utc(raw: Any) -> str | None:
    """A stored UTC instant as ISO 8601 with its offset, whether the driver gave text or a
    datetime (SQLite gives 'YYYY-MM-DD HH:MM:SS[.ffffff]')."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.replace(" ", "T", 1) + "+00:00"
    return _iso(Lead.created_at.python_value(raw))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class LeadDetail:
    """Everything the lead's detail screen shows: fields, touches, stage history."""

    id: int
    title: str
    name: str
    company: str
    email: str
    phone: str
    stage: str
    source: str
    partner: str | None
    value_cents: int
    next_action: str
    due_date: date | None
    qualification: list[str]
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    last_touch_at: datetime | None
    closed_at: datetime | None
    lost_reason: str
    archived: bool
    touches: list[tuple[datetime, str, str]]
    history: list[tuple[datetime, str | None, str]]


def lead_detail(lead_id: int) -> LeadDetail:
    lead = Lead.select(Lead, Contact).join(Contact).where(Lead.id == lead_id).get_or_none()
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    partner = None
    if lead.referred_by_id:
        partner = (
            Contact.select(Contact.name)
            .join(Partner, on=Partner.contact == Contact.id)
            .where(Partner.id == lead.referred_by_id)
            .scalar()
        )
    touches = [
        (touch.at, touch.kind, touch.note)
        for touch in Touch.select().where(Touch.lead == lead_id).order_by(Touch.at.desc())
    ]
    history = [
        (change.changed_at, change.from_stage, change.to_stage)
        for change in StageChange.select()
        .where(StageChange.lead == lead_id)
        .order_by(StageChange.changed_at, StageChange.id)
    ]
    return LeadDetail(
        id=lead.id,
        title=lead.title,
        name=lead.contact.name,
        company=lead.contact.company,
        email=lead.contact.email,
        phone=lead.contact.phone,
        stage=lead.stage,
        source=lead.source,
        partner=partner,
        value_cents=lead.value_cents,
        next_action=lead.next_action,
        due_date=lead.due_date,
        qualification=json.loads(lead.qualification or "[]"),
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        stage_entered_at=lead.stage_entered_at,
        last_touch_at=lead.last_touch_at,
        closed_at=lead.closed_at,
        lost_reason=lead.lost_reason,
        archived=lead.archived_at is not None,
        touches=touches,
        history=history,
    )
