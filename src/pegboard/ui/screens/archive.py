"""The archive: every archived lead, partner and purchase, newest first; `b` brings one
back. Opened from the command palette ("Archived…")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pegboard.clock import to_local
from pegboard.config import Settings
from pegboard.errors import DomainError
from pegboard.money import format_cents
from pegboard.services.archive import ArchivedRecord, ArchiveService
from pegboard.ui.messages import ShowsData
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable


class ArchiveScreen(UndoesSteps, ShowsData, Screen[None]):
    reads_as_it_resumes = True

    DEFAULT_CSS = """
    ArchiveScreen {
        & #archive-title { padding: 0 2; height: 1; }
        & #archived { height: 1fr; margin: 0 1; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="archive.close"),
        Binding("b,enter", "bring_back", "Bring back", id="archive.bring-back"),
        Binding("u", "undo", "Undo", id="archive.undo"),
    ]

    def __init__(self, archive: ArchiveService, settings: Settings) -> None:
        super().__init__()
        self.archive = archive
        self.undo_log = archive.undo_log
        self.settings = settings
        self.records: list[ArchivedRecord] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="archive-title")
        yield PlainTable(id="archived", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Archive"
        table = self.query_one(DataTable)
        for label in ("Archived", "Kind", "Who", "What", "Amount"):
            table.add_column(label)
        table.focus()
        self.reload_data()

    def reload_data(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self.records = self.archive.records()
        table.clear()
        currency = self.settings.currency
        for record in self.records:
            amount = (
                "" if record.amount_cents is None else format_cents(record.amount_cents, currency)
            )
            table.add_row(
                f"{to_local(record.archived_at):%Y-%m-%d}",
                record.kind,
                record.name,
                record.what,
                amount,
            )
        if self.records:
            table.move_cursor(row=min(keep, len(self.records) - 1))
        count = len(self.records)
        self.query_one("#archive-title", Static).update(
            f"{count} archived · b brings one back" if count else "Nothing is archived"
        )

    def action_bring_back(self) -> None:
        table = self.query_one(DataTable)
        if not self.records:
            self.notify("Nothing is archived", timeout=2)
            return
        record = self.records[table.cursor_row]
        try:
            self.archive.bring_back(record.kind, record.id)
        except DomainError as error:
            self.notify(str(error), severity="warning", timeout=6)
            return
        self.notify(f"Brought back {record.kind} {record.name} · u to undo", timeout=4)
        self.reload_data()

    def action_close(self) -> None:
        self.dismiss(None)
