"""The tables every screen uses: their text cells are text, never markup."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey

from pegboard.text import shown


class PlainTable(DataTable[CellType]):
    """A DataTable whose str cells show as they are.

    DataTable reads a str cell as Rich markup: a name typed as "Ann [/] Lee" stopped the
    app with a MarkupError, and "[b]" vanished into bold. Names, notes and CSV previews
    here are the owner's own text, so every str cell is escaped as it goes in (the
    formatting DataTable gives str cells, cropping and wrapping, stays)."""

    def add_row(self, *cells: CellType, **options) -> RowKey:
        return super().add_row(*(_plain(cell) for cell in cells), **options)

    def update_cell(self, row_key, column_key, value: CellType, **options) -> None:
        super().update_cell(row_key, column_key, _plain(value), **options)


def _plain(cell):
    """A str cell escaped (never markup) with its control characters shown; a Text cell
    made from the book's text (a name in bold) with its control characters shown too."""
    if isinstance(cell, str):
        return escape(shown(cell, lines=True))
    if isinstance(cell, Text) and shown(cell.plain, lines=True) != cell.plain:
        return Text(shown(cell.plain, lines=True), style=cell.style, justify=cell.justify)
    return cell


class TextTable(Table):
    """A Rich Table (for the panels of Insights and the detail screens) whose str cells
    show as they are: Rich reads them as markup too, so a lead's "[archived]" marker never
    showed and a note with "[/]" in it stopped the app."""

    def add_row(self, *renderables, **options) -> None:
        super().add_row(*(_plain(cell) for cell in renderables), **options)
