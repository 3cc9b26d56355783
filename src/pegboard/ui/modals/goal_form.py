"""The revenue goal, set in the app: what to win, and per month, quarter or year."""

from __future__ import annotations

from textual.app import ComposeResult

from pegboard.config.model import GOAL_PERIODS
from pegboard.services.lead_draft import parse_value
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import amount_field
from pegboard.ui.widgets.form_field import FormField


class GoalForm(FormScreen[tuple[int, str]]):
    """Returns (revenue to win in minor units, period); 0 means no goal."""

    TITLE_TEXT = "Revenue goal"
    HINT = "enter save · esc cancel · an amount of 0 clears the goal"

    def __init__(self, revenue_cents: int, period: str, currency: str) -> None:
        super().__init__()
        self.revenue_cents = revenue_cents
        self.period = period
        self.currency = currency

    def fields(self) -> ComposeResult:
        yield amount_field("Revenue", self.revenue_cents, self.currency, "what to win, e.g. 120000")
        yield FormField(
            "Per",
            self.period,
            check=lambda text: (
                None
                if text.strip().lower() in GOAL_PERIODS
                else f"one of: {', '.join(GOAL_PERIODS)}"
            ),
            suggestions=GOAL_PERIODS,
            id="period",
        )

    def result(self) -> tuple[int, str]:
        return parse_value(self.field("value").value, self.currency), self.field(
            "period"
        ).value.lower()
