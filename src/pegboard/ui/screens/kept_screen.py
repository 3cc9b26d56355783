"""Screens that are built once and shown again and again: the five mode screens, and the
quick log the app keeps for the next call."""

from __future__ import annotations

import contextlib

from textual._context import NoActiveAppError
from textual.events import ScreenResume
from textual.screen import Screen


class RestyleOnlyIfStale:
    """For a Screen shown many times: skip Textual's full restyle as it shows again.

    Textual restyles every widget of a screen as it resumes. For a screen shown before,
    that is work for nothing when the stylesheet has not changed since: its widgets
    restyle themselves as their own classes change, shown or not, and a new theme or
    stylesheet bumps the app's CSS count, which this checks (and Textual answers with a
    full restyle of its own). On the board at 100,000 leads the restyle was about 50 ms
    of every switch; on the quick log, most of opening it again.

    Textual calls the handler of each class in the MRO, so this runs before Screen's own
    `_on_screen_resume` (and after a subclass's `on_screen_resume`): it only tells it
    whether to restyle. Put it before the Screen class in the bases.
    """

    _resumed_before = False

    def _on_screen_resume(self, event: ScreenResume) -> None:
        current = self.app._css_update_count
        if self._resumed_before and self._css_update_count == current:
            event.refresh_styles = False
        self._resumed_before = True
        # Styled now, by Screen's handler if it was not: Textual records this only for the
        # screens in the stack as the stylesheet changes, so a kept screen shown as a
        # modal (the quick log) stayed "stale" and was restyled at every showing (about
        # 15 ms of opening it).
        self._css_update_count = current


class ModeScreen(RestyleOnlyIfStale, Screen):
    """A screen of its own mode (Today, Board, Partners, Loyalty, Insights)."""

    def __init__(self) -> None:
        super().__init__()
        # Textual marks a new screen's styles as out of date, and as it first switches
        # to the screen it re-parses the whole stylesheet, twice (about 30 ms of the
        # start, and of each screen's first showing). A new screen is styled as it
        # mounts, from the stylesheet as it is then: it is up to date.
        with contextlib.suppress(NoActiveAppError):
            self._css_update_count = self.app._css_update_count
