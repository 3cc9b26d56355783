"""Log a touch (call, email, meeting, message, note) and, optionally, the next follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult

from pegboard.clock import parse_date
from pegboard.services.leads import TOUCH_KINDS, LeadService
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import due_field
from pegboard.ui.widgets.form_field import FormField


@dataclass(frozen=True)
class TouchDraft:
    kind: str
    note: str
    next_action: str | None
    due_date: date | None


class TouchForm(FormScreen[TouchDraft]):
    TITLE_TEXT = "Log a touch"

    def __init__(self, lead_name: str, today: date, date_order: str = "mdy") -> None:
        super().__init__()
        self.today = today
        self.date_order = date_order
        self.TITLE_TEXT = f"Log a touch: {lead_name}"

    def on_mount(self) -> None:
        # The kind starts as "call", selected: a letter typed replaces it (`e`, then tab,
        # is email) instead of making "calle".
        self.field("kind").input.select_all()

    def fields(self) -> ComposeResult:
        yield FormField(
            "Kind *",
            "call",
            check=lambda text: (
                None if text.strip().lower() in TOUCH_KINDS else f"one of: {', '.join(TOUCH_KINDS)}"
            ),
            suggestions=TOUCH_KINDS,
            id="kind",
        )
        yield FormField("Note", "", placeholder="what was said", id="note")
        yield FormField(
            "Next action", "", placeholder="leave empty to keep the current one", id="next"
        )
        yield due_field(
            self.today, self.date_order, None, "next follow-up: 3d, fri, +1m, YYYY-MM-DD"
        )

    def result(self) -> TouchDraft:
        due = self.field("due").value
        return TouchDraft(
            kind=self.field("kind").value.lower(),
            note=self.field("note").value,
            next_action=self.field("next").value or None,
            due_date=parse_date(due, self.today, self.date_order) if due else None,
        )


def touch_form_for(leads: LeadService, lead_id: int, name: str, today: date) -> TouchForm:
    """The touch form that logs on `lead_id` as it saves (staying open if the write fails)."""

    def save(touch: TouchDraft) -> None:
        leads.log_touch(
            lead_id, touch.kind, touch.note, next_action=touch.next_action, due_date=touch.due_date
        )

    form = TouchForm(name, today, leads.settings.date_order)
    form.saving(save)
    return form
