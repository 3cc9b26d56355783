"""What the partners and loyalty tables share: the cursor's record, reversing the sort, a
`/` filter bar that narrows the table as typed, and reading the rows a page at a time."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.widgets import DataTable, Input
from textual.worker import get_current_worker

from pegboard.services.changes import DataStamp
from pegboard.services.threads import on_own_connection
from pegboard.ui.messages import ShowsData
from pegboard.ui.screens.kept_screen import ModeScreen
from pegboard.ui.widgets.filter_bar import FilterBar, OpensFilterBar

SORT_ARROWS = {True: " ▼", False: " ▲"}
"""Put after the label of the column the table is sorted by: descending, ascending."""
PAGE_ROWS = 100
"""Rows read and drawn at a time, a few screenfuls. At 100,000 leads the loyalty table
has 20,000 customers: reading and drawing them all at once took 6 s."""


class FilteredTableScreen(ShowsData, OpensFilterBar, ModeScreen):
    reads_as_it_resumes = True

    """A screen with one DataTable and a FilterBar; subclasses give `LISTING`, `COLUMNS`,
    `table`, `read_page` and `add_table_row`.

    `text` holds the filter; each keystroke reloads the table through SQL. The table
    holds the rows read so far: the first page, then one more each time the cursor
    comes near the last row read.
    """

    LISTING = ""
    """What the table lists, for the sub-title."""
    COLUMNS: tuple[tuple[str, str], ...] = ()
    """(key, label) of each column, in order."""
    NARROW_LABELS: dict[str, str] = {}
    """Under NARROW_BELOW columns: the columns kept (key -> a shorter label); the others,
    the least useful, are left out, so that no figure or date is cut."""
    NARROW_BELOW = 110
    narrow = False
    sort = ""
    """The key of the column the table is sorted by."""
    SORTS: tuple[str, ...] = ()
    """The keys of the columns the table can be sorted by, in the order `s` walks them."""
    ASCENDING: frozenset[str] = frozenset({"name"})
    """The sorts that start A to Z (the others start with the largest or latest)."""
    text = ""
    rows: list = []
    """The records read so far, in table order; each has an `id`."""
    total = 0
    """How many records the table would show if all were read."""
    descending = True
    loaded_at: DataStamp | None = None
    """The data stamp the rows were read at (see `PegboardApp.data_stamp`)."""
    READS: tuple[str, ...] = ()
    """The tables the listing reads: coming back after writes to none of them (a stage
    move, for the partners), the rows are not read again. Empty: after any write."""
    loaded_tables: DataStamp | None = None
    """The stamp of READS the rows were read at (see `PegboardApp.tables_stamp`)."""
    _reading = 0
    """Counts the table's reads from the top: a page read ahead for an older one is dropped."""

    @property
    def table(self) -> DataTable:
        raise NotImplementedError

    def read_page(self, offset: int, limit: int) -> tuple[list, int]:
        """`limit` records from `offset` in the table's order, and how many there are."""
        raise NotImplementedError

    def add_table_row(self, row) -> None:
        raise NotImplementedError

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """The columns shown at this width: all, or the narrow ones with their labels."""
        if not self.narrow:
            return self.COLUMNS
        return tuple(
            (key, self.NARROW_LABELS[key]) for key, _ in self.COLUMNS if key in self.NARROW_LABELS
        )

    def on_mount(self) -> None:
        self.sub_title = self.LISTING
        self.narrow = self.app.size.width < self.NARROW_BELOW
        self._add_columns()
        self.table.focus()

    def _add_columns(self) -> None:
        table = self.table
        for key, label in self.columns:
            table.add_column(label, key=key)
            # DataTable sizes a column by what it holds when added and by its cells, not
            # by a label changed later: without room for the sort's arrow, "Balance ▼"
            # showed as "Balance" and hid which way the table was sorted.
            table.columns[key].content_width += len(SORT_ARROWS[True])

    def on_resize(self) -> None:
        narrow = self.size.width < self.NARROW_BELOW
        if narrow != self.narrow:
            self.narrow = narrow
            keep = self.selected_id()
            self.table.clear(columns=True)
            self._add_columns()
            self.reload_data(keep)

    def add_cells(self, cells: dict, key: str) -> None:
        """A row from its cells by column key, in the order of the columns shown."""
        self.table.add_row(*(cells[column] for column, _ in self.columns), key=key)

    def label_columns(self) -> None:
        """Column labels (the sort's arrow) and the sub-title (how many records)."""
        arrow = SORT_ARROWS[self.descending]
        for key, label in self.columns:
            self.table.columns[key].label = Text(label + (arrow if key == self.sort else ""))
        self.table.refresh()
        self.sub_title = f"{self.LISTING} · {self.total:,}"

    def on_screen_resume(self) -> None:
        """Each time the screen shows (the first time too): read the rows again if
        something was written since they were read."""
        if self.app.data_changed_since(self.loaded_at) and self._reads_changed():
            self.reload_data()

    def _reads_changed(self) -> bool:
        if not self.READS:
            return True
        now = self.app.tables_stamp(self.READS)
        return now is None or now != self.loaded_tables

    def reload_data(self, keep: int | None = None) -> None:
        """Read the table again, with the cursor on record `keep` (or the one it is on).
        The rows read reach a little past the cursor's, so that the cursor stays put
        after an action on a record far down."""
        wanted = max(PAGE_ROWS, (self.table.cursor_row or 0) + PAGE_ROWS // 2)
        self._read_rows(keep if keep is not None else self.selected_id(), wanted)

    def start_over(self) -> None:
        """The order or the filter changed: read the first page only; the cursor stays on
        its record if that is in it."""
        self._read_rows(self.selected_id(), PAGE_ROWS)

    def _read_rows(self, current: int | None, wanted: int) -> None:
        table = self.table
        self._reading += 1
        self.loaded_at = self.app.data_stamp()
        self.loaded_tables = self.app.tables_stamp(self.READS) if self.READS else None
        self.rows, self.total = self.read_page(0, wanted)
        table.clear()
        for row in self.rows:
            self.add_table_row(row)
        self.label_columns()
        ids = [row.id for row in self.rows]
        if current in ids:
            table.move_cursor(row=ids.index(current))

    @on(DataTable.RowHighlighted)
    def _read_ahead(self, event: DataTable.RowHighlighted) -> None:
        """Read the next page when the cursor comes within half a page of the last row
        read. In a worker: the page's query aggregates every record again (about 0.1 s
        for the loyalty table at 100,000 leads), and the cursor moves meanwhile."""
        if len(self.rows) >= self.total or event.cursor_row < len(self.rows) - PAGE_ROWS // 2:
            return
        self._read_next_page(len(self.rows), self._reading)

    @work(thread=True, exclusive=True, group="read-ahead")
    def _read_next_page(self, offset: int, reading: int) -> None:
        more, total = on_own_connection(lambda: self.read_page(offset, PAGE_ROWS))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._append_page, offset, reading, more, total)

    def _append_page(self, offset: int, reading: int, more: list, total: int) -> None:
        if reading != self._reading or offset != len(self.rows):
            return  # the table was read again meanwhile: this page belongs to the old one
        if total:
            self.total = total
        self.rows.extend(more)
        for row in more:
            self.add_table_row(row)

    def current_row(self):
        """The record under the cursor, or None on an empty table."""
        index = self.table.cursor_row
        if not self.rows or index is None or index >= len(self.rows):
            return None
        return self.rows[index]

    def selected_id(self) -> int | None:
        row = self.current_row()
        return row.id if row is not None else None

    def sort_by(self, key: str) -> None:
        self.sort = key
        self.descending = key not in self.ASCENDING
        self.start_over()

    def action_sort(self) -> None:
        """The next sort (s) among the columns shown, wrapping round."""
        shown = {key for key, _ in self.columns}
        sorts = [key for key in self.SORTS if key in shown or key == self.sort]
        self.sort_by(sorts[(sorts.index(self.sort) + 1) % len(sorts)])

    @on(DataTable.HeaderSelected)
    def _sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        """A click on a column's label sorts by it; on the sorted one, reverses it."""
        event.stop()
        key = event.column_key.value or ""
        if key == self.sort:
            self.action_reverse()
        elif key in self.SORTS:
            self.sort_by(key)
        else:
            self.notify(f"The table does not sort by {event.label.plain}", timeout=2)

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.start_over()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear_filter(self) -> None:
        if not self.text and not self.query_one("#filter-bar").display:
            return
        with self.prevent(Input.Changed):
            self.query_one("#filter-input", Input).value = ""
        self.text = ""
        self.query_one("#filter-bar").display = False
        self.start_over()
        self.table.focus()

    @on(Input.Changed, "#filter-input")
    def _filter_as_typed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.start_over()

    @on(Input.Submitted, "#filter-input")
    def _keep_filter(self, event: Input.Submitted) -> None:
        if not self.text.strip():
            self.query_one("#filter-bar").display = False
        self.table.focus()
