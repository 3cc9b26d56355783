"""Received or given: a one-line, two-way switch for the quick log."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Static


class DirectionToggle(Static, can_focus=True):
    """Shows ◉ received ○ given; space or an arrow flips it."""

    DEFAULT_CSS = """
    DirectionToggle {
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $boost;
        &:focus { background: $primary 25%; }
    }
    """

    BINDINGS = [
        Binding("space,left,right", "flip", "Received/given", show=False, id="direction.flip"),
    ]

    direction: reactive[str] = reactive("received")
    """'received' (they sent someone to me) or 'given' (I sent someone to them)."""

    def __init__(self, direction: str = "received", id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(DirectionToggle.direction, direction)

    def render(self) -> Text:
        text = Text()
        for option, label in (("received", "received from them"), ("given", "given to them")):
            chosen = option == self.direction
            text.append(("◉ " if chosen else "○ ") + label, style="bold" if chosen else "dim")
            text.append("   ")
        return text

    def action_flip(self) -> None:
        self.direction = "given" if self.direction == "received" else "received"
