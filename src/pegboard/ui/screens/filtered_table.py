"""What the partners and loyalty tables share: the cursor's record, reversing the sort, and a
`/` filter bar that narrows the table as typed."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable, Input

from pegboard.ui.screens.kept_screen import ModeScreen
from pegboard.ui.widgets.filter_bar import FilterBar, OpensFilterBar


class FilteredTableScreen(OpensFilterBar, ModeScreen):
    """A screen with one DataTable and a FilterBar; subclasses give `table` and `reload_data`.

    `text` holds the filter; each keystroke reloads the table through SQL.
    """

    text = ""
    rows: list = []
    """The records shown, in table order; each has an `id`."""
    descending = True

    @property
    def table(self) -> DataTable:
        raise NotImplementedError

    def reload_data(self, keep: int | None = None) -> None:
        raise NotImplementedError

    def current_row(self):
        """The record under the cursor, or None on an empty table."""
        index = self.table.cursor_row
        if not self.rows or index is None or index >= len(self.rows):
            return None
        return self.rows[index]

    def selected_id(self) -> int | None:
        row = self.current_row()
        return row.id if row is not None else None

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.reload_data()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear_filter(self) -> None:
        if not self.text and not self.query_one("#filter-bar").display:
            return
        with self.prevent(Input.Changed):
            self.query_one("#filter-input", Input).value = ""
        self.text = ""
        self.query_one("#filter-bar").display = False
        self.reload_data()
        self.table.focus()

    @on(Input.Changed, "#filter-input")
    def _filter_as_typed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.reload_data()

    @on(Input.Submitted, "#filter-input")
    def _keep_filter(self, event: Input.Submitted) -> None:
        if not self.text.strip():
            self.query_one("#filter-bar").display = False
        self.table.focus()
