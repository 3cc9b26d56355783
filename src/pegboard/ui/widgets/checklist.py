"""A checklist whose ticked and unticked boxes differ in shape, not colour alone:
Textual's SelectionList draws every box as ▐X▌, told apart by colour only."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "☑", "☐"
BOX_CELLS = 3
"""The cells SelectionList gives its box (▐X▌); the glyph takes their place."""


class Checklist(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        """The option's line with ☑ or ☐ where the box was (the same cells, so a click
        there still toggles it)."""
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset[1] + y)
        except OptionDoesNotExist:
            return line
        ticked = option.value in self.selected
        after = list(line.crop(BOX_CELLS))
        base = after[0].style if after and after[0].style else Style()
        mark = Style(color="green", bold=True) if ticked else Style(dim=True)
        box = Segment(f" {TICKED if ticked else UNTICKED} ", base + mark)
        return Strip([box, *after])
