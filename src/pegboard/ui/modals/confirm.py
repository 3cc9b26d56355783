"""A yes/no question, answered with y or n (enter means yes, esc means no)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    DEFAULT_CSS = """
    Confirm {
        align: center middle;
        & > Vertical {
            width: 56; height: auto; padding: 1 2; border: thick $warning; background: $surface;
        }
        & .hint { color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield Static("y / enter: yes · n / esc: no", classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
