"""The help screen: every binding of the screen underneath and the global ones, from BINDINGS."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pegboard.ui.widgets.plain_table import TextTable

MOUSE = (
    "Mouse: a click selects a card or a row, a double click opens a card, the wheel "
    "walks a column or a list, a click on a table's column label sorts by it (again: "
    "the other way)."
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background;
        & > VerticalScroll {
            width: 80; max-width: 100%; height: auto; max-height: 100%;
            border: thick $primary; background: $surface; padding: 1 2;
        }
    }
    """

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:
        """rows: (where, keys, what) for each binding."""
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = TextTable(box=None, padding=(0, 2), show_header=True, header_style="bold")
        table.add_column("Keys", style="bold yellow", no_wrap=True)
        table.add_column("Does")
        table.add_column("Where", style="dim")
        for where, keys, what in self.rows:
            table.add_row(keys, what, where)
        with VerticalScroll():
            yield Static(f"Keys · {self.title_text}", classes="help-title")
            yield Static(table, id="help-table")
            yield Static(MOUSE, classes="muted", id="help-mouse")
            yield Static("esc or ? closes", classes="muted")

    def on_mount(self) -> None:
        # Focused, so that the arrows, PageDown and End scroll a long list at once.
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
