"""Bars drawn with block characters: readable in any terminal, and in SVG screenshots."""

from __future__ import annotations

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int, style: str = "") -> Text:
    """A horizontal bar `width` cells long at `maximum`, in eighths of a cell."""
    if maximum <= 0 or value <= 0:
        return Text(" " * width)
    eighths = round(min(value, maximum) / maximum * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + (EIGHTHS[part] if part else "")
    return Text(body.ljust(width), style=style)


def progress(done: float, goal: float, width: int, marker: float | None = None) -> Text:
    """A goal bar: filled up to `done`, with a ┃ where an even pace would be (`marker`)."""
    cells = [" "] * width
    filled = 0 if goal <= 0 else min(width, round(done / goal * width))
    for index in range(filled):
        cells[index] = "█"
    for index in range(filled, width):
        cells[index] = "░"
    text = Text()
    pace = None
    if marker is not None and goal > 0:
        pace = min(width - 1, round(marker / goal * width))
    for index, cell in enumerate(cells):
        if index == pace:
            text.append("┃", style="bold yellow")
        else:
            text.append(cell, style="green" if cell == "█" else "dim")
    return text
