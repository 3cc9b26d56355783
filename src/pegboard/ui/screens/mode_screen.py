"""The base of the five screens the number keys switch between."""

from __future__ import annotations

from textual.events import ScreenResume
from textual.screen import Screen


class ModeScreen(Screen):
    """A screen of its own mode (Today, Board, Partners, Loyalty, Insights): Textual's
    Screen, without restyling its whole DOM each time the owner switches back to it.

    Textual restyles every widget of a screen as it resumes. For a screen coming back
    from another mode that is work for nothing when the stylesheet has not changed since
    the screen was last styled: its widgets restyle themselves as their own classes
    change, suspended or not, and a new theme or stylesheet bumps the app's CSS count,
    which Textual then answers with a full restyle anyway. On the board at 100,000 leads
    the restyle was about 50 ms of every switch.

    Textual calls the handler of each class in the MRO, so this runs before Screen's own
    `_on_screen_resume` (and after a subclass's `on_screen_resume`): it only tells it
    whether to restyle.
    """

    _resumed_before = False

    def _on_screen_resume(self, event: ScreenResume) -> None:
        if self._resumed_before and self._css_update_count == self.app._css_update_count:
            event.refresh_styles = False
        self._resumed_before = True
