"""Closing a lead: won asks the final value, lost asks the reason."""

from __future__ import annotations

from textual.app import ComposeResult

from pegboard.services.lead_draft import parse_value
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import amount_field
from pegboard.ui.widgets.form_field import FormField

COMMON_LOST_REASONS = (
    "Went with a competitor",
    "No budget",
    "Went quiet",
    "Not a fit",
    "Timing",
)


class WonForm(FormScreen[int]):
    """Returns the won value in cents."""

    def __init__(self, lead_name: str, value_cents: int, currency: str) -> None:
        super().__init__()
        self.value_cents = value_cents
        self.currency = currency
        self.TITLE_TEXT = f"Won: {lead_name}"

    def fields(self) -> ComposeResult:
        yield amount_field(
            "Final value", self.value_cents, self.currency, "what the deal closed at"
        )

    def result(self) -> int:
        return parse_value(self.field("value").value, self.currency)


class LostForm(FormScreen[str]):
    """Returns why the lead was lost (required)."""

    def __init__(self, lead_name: str) -> None:
        super().__init__()
        self.TITLE_TEXT = f"Lost: {lead_name}"

    def fields(self) -> ComposeResult:
        yield FormField(
            "Reason *",
            "",
            check=lambda text: None if text.strip() else "say why it was lost",
            placeholder="e.g. " + COMMON_LOST_REASONS[0],
            suggestions=COMMON_LOST_REASONS,
            id="reason",
        )

    def result(self) -> str:
        return self.field("reason").value
