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
