"""A one-to-one with a partner: when (today unless told) and what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult

from pegboard.clock import parse_date
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import date_reading, problem_of
from pegboard.ui.widgets.form_field import FormField


@dataclass(frozen=True)
class MeetingDraft:
    on: date
    note: str


class MeetingForm(FormScreen[MeetingDraft]):
    HINT = "enter save · esc cancel · when: today, yesterday or a date such as 2026-11-20"

    def __init__(self, partner: str, today: date, date_order: str) -> None:
        super().__init__()
        self.TITLE_TEXT = f"One to one: {partner}"
        self.today = today
        self.date_order = date_order

    def fields(self) -> ComposeResult:
        yield FormField(
            "Note", placeholder="what you talked about, who they want to meet", id="note"
        )
        yield FormField(
            "When",
            "today",
            check=lambda text: problem_of(self._day, text),
            reading=lambda text: date_reading(text, self.today, self.date_order),
            id="when",
        )

    def _day(self, text: str) -> date:
        if text.strip().lower() == "yesterday":
            return self.today - timedelta(days=1)
        day = parse_date(text, self.today, self.date_order)
        if day > self.today:
            raise ValueError("a one-to-one is logged once it took place, not before")
        return day

    def result(self) -> MeetingDraft:
        return MeetingDraft(self._day(self.field("when").value), self.field("note").value)


def log_one_to_one(screen, partners, partner: tuple[int, str], after) -> None:
    """The form, then the one-to-one written (t on the partners table and page)."""
    from pegboard.services.meetings import meeting_time

    partner_id, name = partner
    clock, settings = partners.clock, partners.settings
    form = MeetingForm(name, clock.today(), settings.date_order).saving(
        lambda draft: partners.log_meeting(partner_id, meeting_time(draft.on, clock), draft.note)
    )

    def saved(draft: MeetingDraft | None) -> None:
        if draft is not None:
            screen.notify(f"One to one with {name} on {draft.on:%a %d %b} · u to undo", timeout=3)
            after()

    screen.app.push_screen(form, saved)
