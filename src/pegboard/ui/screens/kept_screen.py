"""Screens that are built once and shown again and again: the five mode screens, and the
quick log the app keeps for the next call."""

from __future__ import annotations

import contextlib

from textual.screen import Screen

from pegboard.ui.textual_private import (
    NoActiveAppError,
    RestyleOnlyIfStale,
    css_update_count,
    set_css_update_count,
)


class ModeScreen(RestyleOnlyIfStale, Screen):
    """A screen of its own mode (Today, Board, Partners, Loyalty, Insights)."""

    def __init__(self) -> None:
        super().__init__()
        # Textual marks a new screen's styles as out of date, and as it first switches
        # to the screen it re-parses the whole stylesheet, twice (about 30 ms of the
        # start, and of each screen's first showing). A new screen is styled as it
        # mounts, from the stylesheet as it is then: it is up to date.
        with contextlib.suppress(NoActiveAppError):
            set_css_update_count(self, css_update_count(self.app))
