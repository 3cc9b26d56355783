"""The one-line filter box a screen shows under its content while `/` filtering."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label


class FilterBar(Horizontal):
    """A label and an input; hidden until the screen shows it."""

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
