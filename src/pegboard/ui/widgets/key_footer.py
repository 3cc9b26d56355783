"""The footer every screen shows: Textual's Footer, made cheap to show again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from pegboard.ui.textual_private import (
    FooterKey,
    footer_bindings_ready,
    mark_footer_bindings_ready,
)

MOST_FIT_PASSES = 20
FIT_RETRY_SECONDS = 0.05
FOOTER_SLACK = 2
"""Cells kept free at the footer's end: the palette key's separator and rounding."""


class KeyFooter(Footer):
    """Textual's `Footer`, recomposed only when the keys it shows have changed.

    Textual's footer rebuilds all its keys (about 70 widgets on the board) each time its
    screen's bindings are announced: on every screen switch, every modal closed and every
    focus change, even when the keys are the very ones it shows. At 100,000 leads that
    rebuild was most of going back to the board. This footer keeps what it last drew and
    skips the rebuild when nothing in it would change.

    Each key is also created in the footer's own style: Textual creates a `FooterKey`
    compact and then binds it to the footer's `compact`, so every key restyled itself
    twice as it mounted.
    """

    _shown: tuple | None = None
    """The keys drawn by the last compose, as `_keys_to_show` describes them."""

    def _keys_to_show(self) -> tuple:
        """What compose would draw now, as a value to compare."""
        return (
            self.show_command_palette,
            tuple(
                (binding.key, binding.action, binding.description, enabled, tooltip, binding.group)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show
            ),
        )

    FIRST_ACTIONS = ("quick_log",)
    """Keys shown first, in the same place on every screen: r, the phone-call key, came
    after the screen's own keys and fell off the end of the board's footer."""

    def compose(self) -> ComposeResult:
        first = []
        if footer_bindings_ready(self):
            self._shown = self._keys_to_show()
            first = [
                (binding, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show and binding.action in self.FIRST_ACTIONS
            ]
        for binding, enabled, tooltip in first:
            yield self._styled(
                FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip,
                )
            )
        # Textual's keys, streamed (a grouped key must be yielded inside its group's
        # `with`), less the ones already shown first.
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if first and widget.action in self.FIRST_ACTIONS:
                    continue
                self._styled(widget)
            yield widget

    _passes = 0
    """Fits tried again in a row, waiting for keys to be laid out."""
    _widths: dict[int, int] = {}
    """Each key's width as laid out (by id), measured once after it was composed."""

    def on_mount(self) -> None:
        self._widths = {}
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        await super().recompose()
        self._widths = {}
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the keys (and groups of keys, as `12345 Screens`), in order, that fit
        whole beside the palette's; one that would be cut (`u Un`) is left out, with
        every one after it."""
        items = [item for item in self.children if not item.has_class("-command-palette")]
        for item in items:
            if item.display and item.outer_size.width:
                self._widths.setdefault(id(item), item.outer_size.width)
        kept = [item for item in self.children if self._always_shown(item)]
        kept_width = sum(self._widths.get(id(i), i.outer_size.width) for i in kept)
        room = self.size.width - kept_width - FOOTER_SLACK
        items = [item for item in items if item not in kept]
        used = 0
        unmeasured = False
        for item in items:
            width = self._widths.get(id(item))
            if width is None:
                unmeasured = True  # not laid out yet: measured on the next pass
                continue
            used += width
            item.display = used <= room
        if unmeasured and self._passes < MOST_FIT_PASSES:
            self._passes += 1
            self.set_timer(FIT_RETRY_SECONDS, self._fit)  # the new keys are laid out soon
        elif not unmeasured:
            self._passes = 0

    @staticmethod
    def _always_shown(item) -> bool:
        """The palette's key and `? Help`, which say where every other key is."""
        return item.has_class("-command-palette") or (
            isinstance(item, FooterKey) and item.action in ("help", "app.help")
        )

    def _styled(self, key: FooterKey) -> FooterKey:
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)
        return key

    def bindings_changed(self, screen: Screen) -> None:
        mark_footer_bindings_ready(self)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys_to_show() != self._shown:
            await self.recompose()
