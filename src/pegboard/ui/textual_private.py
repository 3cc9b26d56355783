"""Every use of a Textual private API, in one place, each with why.

Checked against Textual 8.2.8 (pyproject pins the 8.2 series). A Textual upgrade is
checked here first: if one of these names moves, this module is the one to mend, and
the tests that drive the screens it serves (footer, mode switch, keymap, restyle)
fail at once rather than quietly slowing down.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from textual._context import NoActiveAppError
from textual.app import App
from textual.command import CommandPalette, DiscoveryHit, Hit
from textual.dom import DOMNode
from textual.events import ScreenResume
from textual.notifications import Notification, Notify
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.widgets._toast import ToastRack

__all__ = [
    "FooterKey",
    "NoActiveAppError",
    "PromptPalette",
    "RestyleOnlyIfStale",
    "css_update_count",
    "footer_bindings_ready",
    "keymap",
    "mark_footer_bindings_ready",
    "mode_is_built",
    "replace_notice",
    "set_css_update_count",
]
# FooterKey: the footer's key widget, which KeyFooter builds in its own style (public
# Footer offers no way to make one). NoActiveAppError: what `node.app` raises on a
# screen made before the app runs (ModeScreen asks for the app's CSS count as it is made).


def css_update_count(node: DOMNode) -> int:
    """How many times the stylesheet was updated, as the app or a screen last saw it:
    a kept screen compares the two to skip a full restyle when nothing changed."""
    return node._css_update_count


def set_css_update_count(node: DOMNode, count: int) -> None:
    """Record that `node` (a screen) is styled as of stylesheet update `count`."""
    node._css_update_count = count


def mode_is_built(app: App, mode: str) -> bool:
    """Whether `mode`'s screen has been made already (its stack exists): only a first
    showing needs Textual's hold on painting."""
    return mode in app._screen_stacks


def keymap(app: App) -> dict[str, str]:
    """The keymap set with `App.set_keymap` (binding id -> keys), for the help screen,
    which lists the keys as the owner remapped them."""
    return app._keymap


def footer_bindings_ready(footer: Footer) -> bool:
    """Whether the footer has been told its screen's bindings (it draws nothing before)."""
    return footer._bindings_ready


def mark_footer_bindings_ready(footer: Footer) -> None:
    footer._bindings_ready = True


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


class PromptPalette(CommandPalette):
    """Textual's command palette, done with a keystroke as soon as its providers are.

    Textual's palette waits for hits in slices of 0.1 s and looks whether its providers
    have finished only between slices, so every keystroke's list settled up to 0.1 s
    after the last hit came in (about 100 ms a keystroke, whatever the providers took).
    This waits for the next hit or for the providers to finish, whichever comes first;
    the rest is Textual's own `_search_for`.
    """

    async def _search_for(self, search_value: str) -> AsyncGenerator[DiscoveryHit | Hit, bool]:
        commands: asyncio.Queue[DiscoveryHit | Hit] = asyncio.Queue()
        searches = [
            asyncio.create_task(self._consume(provider._search(search_value), commands))
            for provider in self._providers
        ]
        self._start_busy_countdown()
        aborted = False
        next_hit: asyncio.Task | None = None
        try:
            while not aborted:
                running = [search for search in searches if not search.done()]
                if not running and commands.empty():
                    break
                if next_hit is None:
                    next_hit = asyncio.create_task(commands.get())
                done, _ = await asyncio.wait(
                    [next_hit, *running], return_when=asyncio.FIRST_COMPLETED
                )
                if next_hit in done:
                    hit, next_hit = next_hit.result(), None
                    commands.task_done()
                    aborted = yield hit
        except asyncio.CancelledError:
            aborted = True
        finally:
            if next_hit is not None:
                next_hit.cancel()
        for search in searches:
            if search.done() and not search.cancelled() and search.exception() is not None:
                self.log.error(search.exception())
        if not aborted:
            self._stop_busy_countdown()
        if aborted:
            for search in searches:
                search.cancel()


def replace_notice(app: App, previous: Notification | None, message: str, timeout: float):
    """Show `message` as a toast in place of `previous` (the last notice of the same kind,
    if it still shows), and return it for the next call. Each toast is a widget mounted
    in the rack: a run of board moves stacked one a move, and mounting and laying out a
    growing stack held a move's paint back by 30-45 ms. Textual removes one notice
    only through the private `_unnotify`, and its toast's holder (ToastRack.show takes
    the toast out of it, not the holder: a long run of moves left hundreds of empty
    holders in the rack, and each move laid them all out again) only by its id."""
    if previous is not None and previous in app._notifications:
        app._unnotify(previous, refresh=False)
        for holder in app.screen.query(f"#{ToastRack._toast_id(previous)}"):
            holder.remove()
    notice = Notification(message, "", "information", timeout)
    app.post_message(Notify(notice))
    return notice
