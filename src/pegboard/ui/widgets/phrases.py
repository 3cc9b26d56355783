"""A line of phrases ("44 follow-ups due, 0 new referrals, ...") that wraps between
phrases, never inside one, at whatever width the terminal gives it."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from pegboard.text import display_width


class Phrases(Widget):
    DEFAULT_CSS = "Phrases { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lead = ""
        self.phrases: list[str] = []

    def show(self, lead: str, phrases: list[str] | None = None) -> None:
        """`lead` then the phrases apart by commas (no phrases: `lead` alone)."""
        self.lead, self.phrases = lead, list(phrases or [])
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """All of it on one line."""
        return " ".join(self.lines(10**6))

    def lines(self, width: int) -> list[str]:
        width = max(width, 1)
        lines: list[str] = []
        current = self.lead
        for index, phrase in enumerate(self.phrases):
            piece = phrase + ("," if index < len(self.phrases) - 1 else "")
            joined = f"{current} {piece}" if current else piece
            if current and display_width(joined) > width:
                lines.append(current)
                current = piece
            else:
                current = joined
        lines.append(current)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n".join(self.lines(self.content_size.width)), no_wrap=True)
