"""What the board's keys do to the lead under the cursor: move, close, reorder, add,
edit, touch, archive, open. The board (`board.py`) draws the columns and walks them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pegboard.errors import ServiceError
from pegboard.money import format_cents
from pegboard.services.lead_records import lead_detail
from pegboard.ui.modals.close_forms import LostForm, WonForm
from pegboard.ui.modals.form_screen import guarded_edit
from pegboard.ui.modals.lead_form import LeadForm
from pegboard.ui.modals.qualify_form import QualifyForm
from pegboard.ui.modals.touch_form import TouchDraft, touch_form_for
from pegboard.ui.screens.lead_detail import LeadDetailScreen
from pegboard.ui.textual_private import replace_notice

if TYPE_CHECKING:
    from textual.notifications import Notification

    from pegboard.clock import Clock
    from pegboard.config import Settings, Stage
    from pegboard.services.board import BoardFilter, Card
    from pegboard.services.leads import LeadDraft, LeadService
    from pegboard.services.undo import Step


class BoardLeadActions:
    """The lead actions of BoardScreen, which gives them its attributes and `follow`."""

    leads: LeadService
    settings: Settings
    clock: Clock
    board_filter: BoardFilter
    move_notice: Notification | None = None
    """The last move's notice, which the next move's takes the place of."""

    def _card_or_warn(self) -> Card | None:
        card = self.selected_card()
        if card is None:
            self.notify("No lead here: move to a card first", severity="warning", timeout=3)
        return card

    def _attempt(
        self,
        action,
        lead_id: int | None = None,
        stage_ids: set[str] | None = None,
        place: tuple[str, int] | None = None,
    ) -> bool:
        """Run a service call; show a refusal as a notice instead of crashing."""
        try:
            action()
        except ServiceError as error:
            self.notify(str(error), severity="error", timeout=5)
            return False
        if lead_id is not None:
            self.follow(lead_id, stage_ids, place=place)
        return True

    def action_move(self, step: int) -> None:
        card = self._card_or_warn()
        if card is None:
            return
        target = self.leads.neighbor_stage(self.stage.id, step)
        if target is None:
            self.notify(
                f"{self.stage.label} is the {'last' if step > 0 else 'first'} stage", timeout=2
            )
            return
        self.move_to(card, target)

    def action_close(self, outcome: str) -> None:
        card = self._card_or_warn()
        if card is None:
            return
        target = self.settings.closing_stage(outcome)
        if target.id == self.stage.id:
            self.notify(f"Already {target.label.lower()}", timeout=2)
            return
        self.move_to(card, target)

    def move_to(self, card: Card, target: Stage) -> None:
        """Move a card, asking first what the target stage needs to know."""
        moved = {self.stage.id, target.id}

        def move(**details) -> None:
            # A moved lead goes to the top of its new column, where it was shown before
            # (a filter picks leads, not stages).
            if self._attempt(
                lambda: self.leads.move_lead(card.id, target.id, **details),
                card.id,
                moved,
                place=(target.id, 0),
            ):
                notice = moved_notice(card.name, target, details, self.settings)
                # After the columns are painted: a toast lays the whole screen out
                # again (about 20 ms), which held the moved card back when it came first.
                self.call_after_refresh(self._notice_move, notice)

        ask_then_move(self.app, self.leads, self.settings, (card.id, card.name), target, move)

    def _notice_move(self, notice: str) -> None:
        self.move_notice = replace_notice(self.app, self.move_notice, notice, timeout=3)

    def action_reorder(self, step: int) -> None:
        card = self._card_or_warn()
        if card is None:
            return
        among = None if self.board_filter.is_empty else self.board_filter
        if self.leads.reorder(card.id, step, among):
            # Swapped with the neighbour shown next to it: one place up or down, and the
            # column holds the same leads.
            place = (self.stage.id, self.cursors[self.stage.id].cursor + step)
            self.follow(card.id, {self.stage.id}, place=place, recount=False)

    def action_new_lead(self) -> None:
        form = LeadForm(self.settings, self.clock.today()).saving(self.leads.create_lead)

        def saved(draft: LeadDraft | None) -> None:
            if draft is not None:
                self.notify(f"Added {draft.name}", timeout=2)
                self.follow(form.saved)

        self.app.push_screen(form, saved)

    def action_edit_lead(self) -> None:
        card = self._card_or_warn()
        if card is None:
            return
        save = guarded_edit(
            lambda draft, version: self.leads.update_lead(card.id, draft, expected_version=version),
            lambda: self.leads.version_of(card.id),
        )

        def saved(edited: LeadDraft | None) -> None:
            if edited is not None:
                self.follow(card.id)

        form = LeadForm(self.settings, self.clock.today(), self.leads.draft_of(card.id))
        self.app.push_screen(form.saving(save), saved)

    def action_log_touch(self) -> None:
        card = self._card_or_warn()
        if card is None:
            return

        def saved(touch: TouchDraft | None) -> None:
            if touch is not None:
                self.notify(f"Logged a {touch.kind} with {card.name}", timeout=2)
                self.follow(card.id)

        form = touch_form_for(self.leads, card.id, card.name, self.clock.today())
        self.app.push_screen(form, saved)

    def action_archive(self) -> None:
        card = self._card_or_warn()
        if card is None:
            return
        if self._attempt(lambda: self.leads.archive(card.id)):
            self.notify(f"Archived {card.name} · u to undo", timeout=4)
            self.refresh_board()

    def after_undo(self, step: Step | None) -> None:
        if step is not None and step.kind == "lead":
            self.follow(step.record_id)
        else:
            self.refresh_board()

    def action_checklist(self) -> None:
        card = self._card_or_warn()
        if card is not None:
            lead = (card.id, card.name)
            tick_checklist(self.app, self.leads, self.settings, lead, lambda: self.follow(card.id))

    def action_open_lead(self) -> None:
        card = self._card_or_warn()
        if card is not None:
            self.app.push_screen(
                LeadDetailScreen(lead_detail(card.id), self.settings, self.clock, self.leads),
                lambda _: self.follow(card.id),
            )


def ask_then_move(app, leads, settings: Settings, lead: tuple[int, str], target: Stage, move):
    """Ask what `target` needs to know (the won value, the lost reason, the qualified
    checklist), then `move(**details)`; nothing when the owner cancels."""
    lead_id, name = lead
    if target.closes == "won":
        app.push_screen(
            WonForm(name, leads.get(lead_id).value_cents, settings.currency),
            lambda value: value is not None and move(value_cents=value),
        )
    elif target.closes == "lost":
        app.push_screen(
            LostForm(name), lambda reason: reason is not None and move(lost_reason=reason)
        )
    elif target.id == settings.qualified_stage:
        ticked = json.loads(leads.get(lead_id).qualification or "[]")
        app.push_screen(
            QualifyForm(name, settings.qualification, ticked),
            lambda ticks: ticks is not None and move(qualification=ticks),
        )
    else:
        move()


def tick_checklist(app, leads, settings: Settings, lead: tuple[int, str], after) -> None:
    """The qualification checklist of a lead in any stage (space): ticked with space,
    kept with enter, then `after()`."""
    lead_id, name = lead
    if not settings.qualification:
        app.notify("No qualification checklist is set up", timeout=3)
        return

    def save(ticks: list[str] | None) -> None:
        if ticks is None:
            return
        leads.set_qualification(lead_id, ticks)
        count = f"{len(ticks)} of {len(settings.qualification)}"
        app.notify(f"{name}: {count} ticked · u to undo", timeout=3)
        after()

    ticked = json.loads(leads.get(lead_id).qualification or "[]")
    app.push_screen(QualifyForm(name, settings.qualification, ticked, moving=False), save)


def moved_notice(name: str, target: Stage, details: dict, settings: Settings) -> str:
    """What a move did, in words: `Ann Lee won · $2,400 · u to undo`."""
    if target.closes == "won":
        value = details.get("value_cents")
        worth = f" · {format_cents(value, settings.currency)}" if value else ""
        return f"{name} won{worth} · u to undo"
    if target.closes == "lost":
        return f"{name} lost ({details.get('lost_reason', '')}) · u to undo"
    return f"{name} moved to {target.label} · u to undo"
