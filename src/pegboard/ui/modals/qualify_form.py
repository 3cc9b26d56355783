"""The qualification checklist, shown whenever a lead is moved into the qualified stage."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from pegboard.ui.widgets.checklist import Checklist


class QualifyForm(ModalScreen[list[str] | None]):
    """Tick the criteria the lead meets; returns the ticked ones in checklist order."""

    DEFAULT_CSS = """
    QualifyForm {
        align: center middle;
        & > #form {
            width: 70; max-width: 100%; height: auto; max-height: 100%;
            padding: 1 2 0 2; border: thick $success; background: $surface;
        }
        & #form-title { text-style: bold; }
        & #form-hint { color: $text-muted; margin: 1 0; }
        & SelectionList { height: auto; max-height: 12; border: none; background: $surface; }
    }
    """

    AUTO_FOCUS = "SelectionList"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="qualify.cancel"),
        Binding("enter,ctrl+s", "save", "Save", priority=True, id="qualify.save"),
    ]

    def __init__(
        self,
        lead_name: str,
        criteria: Sequence[str],
        ticked: Sequence[str],
        *,
        moving: bool = True,
    ) -> None:
        """`moving`: shown as the lead moves into the qualified stage (else ticked in
        any stage, from the board or the lead's page)."""
        super().__init__()
        self.moving = moving
        self.lead_name = lead_name
        self.criteria = list(criteria)
        self.ticked = set(ticked)

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            title = f"Qualify: {self.lead_name}" if self.moving else f"Checklist: {self.lead_name}"
            yield Static(title, id="form-title", markup=False)
            yield Static("Qualified means it meets our written definition:", classes="muted")
            yield Checklist(
                *((item, item, item in self.ticked) for item in self.criteria),
                id="criteria",
            )
            yield Static("space tick/untick · enter save · esc cancel", id="form-hint")

    def action_save(self) -> None:
        selected = set(self.query_one("#criteria", SelectionList).selected)
        self.dismiss([item for item in self.criteria if item in selected])

    def action_cancel(self) -> None:
        self.dismiss(None)
