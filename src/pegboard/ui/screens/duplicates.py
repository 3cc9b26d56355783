"""Likely duplicate contacts, side by side: each pair's name, company, email and phone
with why they look like one person; m merges the right one into the left (x swaps which
is kept first), u takes a merge back. Opened from the command palette."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pegboard.clock import Clock
from pegboard.services.merge import DuplicatePair, likely_duplicates, merge_contacts, people
from pegboard.services.undo import UndoLog
from pegboard.ui.messages import ShowsData
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable


def person(fields: tuple[str, str, str, str]) -> Text:
    """A contact in one cell: name, then company, email and phone, dim."""
    name, *rest = fields
    text = Text(name, style="bold")
    for part in rest:
        if part:
            text.append(f"  {part}", style="dim")
    return text


class DuplicatesScreen(UndoesSteps, ShowsData, Screen[None]):
    reads_as_it_resumes = True

    DEFAULT_CSS = """
    DuplicatesScreen {
        & #duplicates-title { padding: 0 2; height: 1; }
        & #pairs { height: 1fr; margin: 0 1; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="duplicates.close"),
        Binding("m,enter", "merge", "Merge right into left", id="duplicates.merge"),
        Binding("x", "swap", "Keep the other", id="duplicates.swap"),
        Binding("u", "undo", "Undo", id="duplicates.undo"),
    ]

    def __init__(self, clock: Clock, undo_log: UndoLog) -> None:
        super().__init__()
        self.clock = clock
        self.undo_log = undo_log
        self.pairs: list[DuplicatePair] = []
        self.swapped: set[tuple[int, int]] = set()
        """The pairs whose newer contact is to be kept (x)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="duplicates-title")
        yield PlainTable(id="pairs", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Duplicates"
        table = self.query_one(DataTable)
        for label in ("Keep", "Merge into it", "Why"):
            table.add_column(label)
        table.focus()
        self.reload_data()

    def _sides(self, pair: DuplicatePair) -> tuple[int, int]:
        if (pair.keep_id, pair.other_id) in self.swapped:
            return pair.other_id, pair.keep_id
        return pair.keep_id, pair.other_id

    def reload_data(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.pairs = likely_duplicates()
        ids = {cid for pair in self.pairs for cid in (pair.keep_id, pair.other_id)}
        contacts = people(list(ids))
        table.clear()
        for pair in self.pairs:
            keep, other = self._sides(pair)
            table.add_row(person(contacts[keep]), person(contacts[other]), "; ".join(pair.why))
        if self.pairs:
            table.move_cursor(row=min(row or 0, len(self.pairs) - 1))
        count = len(self.pairs)
        self.query_one("#duplicates-title", Static).update(
            f"{count} likely duplicate pairs · m merges, x keeps the other"
            if count
            else "No likely duplicates"
        )

    def _pair(self) -> DuplicatePair | None:
        row = self.query_one(DataTable).cursor_row
        if not self.pairs or row is None or row >= len(self.pairs):
            self.notify("No duplicates here", timeout=2)
            return None
        return self.pairs[row]

    def action_swap(self) -> None:
        pair = self._pair()
        if pair is not None:
            self.swapped ^= {(pair.keep_id, pair.other_id)}
            self.reload_data()

    def action_merge(self) -> None:
        pair = self._pair()
        if pair is None:
            return
        keep, other = self._sides(pair)
        merge_contacts(self.clock, self.undo_log, keep, other)
        kept = pair.keep_name if keep == pair.keep_id else pair.other_name
        gone = pair.other_name if keep == pair.keep_id else pair.keep_name
        self.notify(f"Merged {gone} into {kept} · u to undo", timeout=4)
        self.reload_data()

    def action_close(self) -> None:
        self.dismiss(None)
