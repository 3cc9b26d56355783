"""Cells of a CSV a spreadsheet will open: the guard that keeps a cell from running as a
formula (CSV injection), and taking it off again on the way back in."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these runs as a formula in a spreadsheet (CSV injection)."""
QUOTE = "'"


def text_cell(value: str) -> str:
    """Neutralise a text cell for a spreadsheet: a leading ' makes =1+1 plain text. A
    value that already starts with ' gets one more, so an import can take exactly one off."""
    if value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def plain_cell(value: str) -> str:
    """The inverse of text_cell, for reading pegboard's own export back."""
    return value[1:] if value.startswith(QUOTE) else value


def unguarded_cell(value: str) -> str:
    """A cell of any CSV with text_cell's guard taken off where it stands: the one ' before
    a formula start or another ', as pegboard's export (and spreadsheets) write it. A
    plain "'Twas" is left as it is."""
    if value.startswith(QUOTE) and value[1:2] and value[1] in (*FORMULA_STARTS, QUOTE):
        return value[1:]
    return value
