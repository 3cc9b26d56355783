"""The one-line filter box a screen shows under its content while `/` filtering."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    """A label and an input; hidden until the screen shows it.

    A screen binds `/` to `open` with `priority=True`. Textual runs priority bindings
    as a key arrives, before it forwards the keys queued behind it, so in "/anne" typed
    in a burst or pasted the letters reach the filter box. Through a normal binding `/`
    runs only after the screen has handled it, and by then the letters have been
    forwarded to the screen too, as its own keys (on the board, a archives and n opens
    a form). While the box has the focus, `/` is text: `OpensFilterBar` refuses the
    action then. (Textual drops the bindings of keys an Input takes, but it does not
    know that the key "slash" types "/".)
    """

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        display: none;
        background: $panel;
        & > Label { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
        & > Input { height: 1; border: none; padding: 0; background: $panel; }
        & > Input:focus { border: none; }
    }
    """

    def __init__(self, placeholder: str) -> None:
        super().__init__(id="filter-bar")
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Label("Filter ", id="filter-label")
        yield Input(placeholder=self.placeholder, id="filter-input")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    def open(self) -> None:
        """Show the bar and move the focus into it at once, not after the keys already
        queued (`Input.focus` waits until they have been handled)."""
        self.display = True
        self.screen.set_focus(self.input)

    @property
    def typing(self) -> bool:
        """Whether keys go to the filter box now."""
        return self.input.has_focus


class OpensFilterBar:
    """For a screen with a FilterBar and a priority `/` binding to its `filter` action:
    `/` opens the bar, and is text while the bar has the keys."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not self.query_one(FilterBar).typing
        return True
