"""Leads: create, edit, move through the pipeline, archive and touch; each change can be undone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import fn

from pegboard.clock import Clock
from pegboard.config import Settings, Stage
from pegboard.errors import EditConflict, NotFound, ServiceError
from pegboard.services.contacts import contact_of_draft, set_phone
from pegboard.services.lead_closing import sync_purchase, sync_referrals, sync_won_value
from pegboard.services.lead_draft import TOUCH_KINDS, LeadDraft, draft_problems
from pegboard.services.lead_records import lead_with_contact
from pegboard.services.lead_steps import (
    FOLLOW_UP,
    LeadChange,
    contact_name,
    due_date_step,
    lead_fields,
    touch_row,
    touch_step,
)
from pegboard.services.undo import UndoLog
from pegboard.services.writes import write_transaction
from pegboard.store.models import Contact, Lead, StageChange, Touch


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

    def __init__(
        self, settings: Settings, clock: Clock | None = None, undo_log: UndoLog | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.undo_log = undo_log if undo_log is not None else UndoLog()

    # -- reading -------------------------------------------------------------

    def get(self, lead_id: int) -> Lead:
        lead = Lead.get_or_none(Lead.id == lead_id)
        if lead is None:
            raise NotFound(f"no lead with id {lead_id}")
        return lead

    def draft_of(self, lead_id: int) -> LeadDraft:
        """The lead as an edit form shows it."""
        lead = lead_with_contact(lead_id)
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
        lost_reason: str = "",
    ) -> int:
        """Save a new lead at the top of its column (the first stage unless told).

        The stage's rules hold as for a move: a lost lead needs its reason, and a won
        one with a value is its customer's purchase."""
        problems = draft_problems(draft, self.settings)
        if problems:
            name, message = next(iter(problems.items()))
            raise ServiceError(f"{name}: {message}")
        stage_id = stage or self.settings.first_stage.id
        target = self._check_move(stage_id, None, lost_reason, None)
        now = self.clock.now()
        at = at or now
        with write_transaction():
            contact = contact_of_draft(draft, now, self.settings.phone_region)
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
                lost_reason=lost_reason.strip() if closes == "lost" else "",
                qualified_at=at if self._counts_as_qualified(stage_id) else None,
            )
            StageChange.create(lead=lead, from_stage=None, to_stage=stage_id, changed_at=at)
            if closes == "won":
                change = LeadChange("add", lead.id, contact.name)
                sync_purchase(self.settings, lead, stage_id, target, at, now, change)
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
            set_phone(contact, draft.phone, self.settings.phone_region)
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
            sync_referrals(self.settings, lead, now)
            sync_won_value(self.settings, lead, now)

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
        target = self._check_move(stage_id, value_cents, lost_reason, qualification)
        now = self.clock.now()
        at = at or now
        with write_transaction():
            lead = self.get(lead_id)
            origin = lead.stage
            if lead.archived_at is not None:
                raise ServiceError("the lead is archived: bring it back before moving it")
            if origin == stage_id:
                raise ServiceError(f"the lead is already in {target.label}")
            change = LeadChange(f"move to {target.label}", lead_id, contact_name(lead))
            change.keep(lead)
            stay = stay_hours(lead.stage_entered_at, at)
            self._enter_stage(lead, target, at, lost_reason)
            if value_cents is not None:
                lead.value_cents = value_cents
            if qualification is not None:
                lead.qualification = json.dumps(qualification)
            touch_row(lead, now)
            recorded = StageChange.create(
                lead=lead, from_stage=origin, to_stage=stage_id, changed_at=at, stay_hours=stay
            )
            change.stage_change_ids.append(recorded.id)
            change.referrals = sync_referrals(self.settings, lead, now)
            sync_purchase(self.settings, lead, origin, target, at, now, change)
            step = change.step(self.clock.now)
        self.undo_log.push(step)
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
            change = LeadChange("reorder", lead_id, contact_name(lead))
            change.keep(lead)
            change.keep(neighbour)
            now = self.clock.now()
            if lead.position == neighbour.position:
                lead.position = neighbour.position + (1 if step > 0 else -1)
            else:
                lead.position, neighbour.position = neighbour.position, lead.position
                touch_row(neighbour, now)
            touch_row(lead, now)
            undo_step = change.step(self.clock.now)
        self.undo_log.push(undo_step)
        return True

    def set_qualification(self, lead_id: int, ticked: list[str]) -> None:
        """Tick and untick the qualification checklist, in any stage; undo puts it back."""
        unknown = [item for item in ticked if item not in self.settings.qualification]
        if unknown:
            raise ServiceError(f"not on the checklist: {', '.join(unknown)}")
        now = self.clock.now()
        with write_transaction():
            lead = self.get(lead_id)
            change = LeadChange("checklist", lead_id, contact_name(lead))
            change.keep(lead)
            lead.qualification = json.dumps(
                [item for item in self.settings.qualification if item in ticked]
            )
            touch_row(lead, now)
            step = change.step(self.clock.now)
        self.undo_log.push(step)

    def archive(self, lead_id: int) -> None:
        """Take a lead off the board; nothing is deleted, and undo brings it back."""
        now = self.clock.now()
        with write_transaction():
            lead = self.get(lead_id)
            if lead.archived_at is not None:
                raise ServiceError("the lead is already archived")
            change = LeadChange("archive", lead_id, contact_name(lead))
            change.keep(lead)
            lead.archived_at = now
            touch_row(lead, now)
            step = change.step(self.clock.now)
        self.undo_log.push(step)

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
            before = lead_fields(lead, FOLLOW_UP)
            touch = Touch.create(contact=lead.contact_id, lead=lead, kind=kind, note=note, at=at)
            if lead.last_touch_at is None or at > lead.last_touch_at:
                lead.last_touch_at = at
            if next_action is not None:
                lead.next_action = next_action
            if due_date is not None or clear_due:
                lead.due_date = due_date
            touch_row(lead, now)
            step = touch_step(f"{kind} logged", lead, before, touch.id, self.clock.now)
        self.undo_log.push(step)
        return touch.id

    def put_off(self, lead_id: int, until: date) -> None:
        """Move the lead's follow-up to another day (Today's snooze of a due row)."""
        with write_transaction():
            lead = self.get(lead_id)
            before = lead.due_date
            lead.due_date = until
            touch_row(lead, self.clock.now())
            step = due_date_step(lead, before, self.clock.now)
        self.undo_log.push(step)

    # -- helpers -------------------------------------------------------------

    def _check_move(
        self,
        stage_id: str,
        value_cents: int | None,
        lost_reason: str | None,
        qualification: list[str] | None,
    ) -> Stage:
        """The stage a move goes to, once what comes with the move is known to be fine."""
        self._check_stage(stage_id)
        target = self.settings.stage(stage_id)
        if target.closes == "lost" and not (lost_reason or "").strip():
            raise ServiceError("say why the lead was lost")
        if value_cents is not None and value_cents < 0:
            raise ServiceError("the value cannot be negative")
        if qualification is not None:
            unknown = [item for item in qualification if item not in self.settings.qualification]
            if unknown:
                raise ServiceError(f"not a qualification criterion: {unknown[0]!r}")
        return target

    def _enter_stage(
        self, lead: Lead, target: Stage, at: datetime, lost_reason: str | None
    ) -> None:
        """Put the lead on top of `target`'s column, closing or reopening it as fits."""
        lead.stage = target.id
        lead.position = self._top_position(target.id)
        lead.stage_entered_at = at
        if lead.qualified_at is None and self._counts_as_qualified(target.id):
            lead.qualified_at = at
        if target.closes:
            lead.closed_at = at
            lead.lost_reason = (lost_reason or "").strip() if target.closes == "lost" else ""
        else:
            lead.closed_at = None
            lead.lost_reason = ""

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

    def _counts_as_qualified(self, stage_id: str) -> bool:
        """The qualified stage, any open stage after it, and the won stages."""
        stage = self.settings.stage(stage_id)
        if stage.closes:
            return stage.closes == "won"
        return stage in self.settings.qualified_stages
