"""Today's one list of sections: the cursor stops at either end instead of wrapping
round, the top shows the first section's heading, and [ and ] jump a section."""

from __future__ import annotations

from textual.widgets import OptionList

SECTION_PREFIX = "section:"
"""A section heading's option id begins so (the heading itself is not selectable)."""


class TriageList(OptionList):
    def _enabled(self) -> list[int]:
        return [index for index, option in enumerate(self.options) if not option.disabled]

    def action_cursor_up(self) -> None:
        enabled = self._enabled()
        if enabled and self.highlighted == enabled[0]:
            self.scroll_home(animate=False)  # at the top: show its heading, do not wrap
            return
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        enabled = self._enabled()
        if enabled and self.highlighted == enabled[-1]:
            return
        super().action_cursor_down()

    def action_first(self) -> None:
        super().action_first()
        self.scroll_home(animate=False)

    def jump_section(self, step: int) -> None:
        """The first row of the next (step 1) or this or the previous (step -1) section."""
        headings = [
            index
            for index, option in enumerate(self.options)
            if (option.id or "").startswith(SECTION_PREFIX)
        ]
        here = self.highlighted if self.highlighted is not None else -1
        if step > 0:
            targets = [index for index in headings if index > here]
        else:
            current = max((index for index in headings if index < here), default=None)
            targets = [index for index in headings if current is not None and index < current]
        if not targets:
            return
        heading = targets[0] if step > 0 else targets[-1]
        first_row = next((index for index in self._enabled() if index > heading), None)
        if first_row is not None:
            self.highlighted = first_row
            self.scroll_to_highlight(top=True)
            self.scroll_relative(y=-1, animate=False)  # the section's heading in view too
