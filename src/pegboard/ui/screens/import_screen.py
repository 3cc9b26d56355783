"""Import from inside the app: a path, a preview of the first rows and how each column
will be read, the plan (or every bad row), then the import with a progress bar."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, ProgressBar, Static
from textual.worker import get_current_worker

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.locales import DATE_ORDERS
from pegboard.services.importing import (
    CsvImport,
    ImportRefused,
    Mapping,
    Plan,
    Preview,
    import_book,
    preview_file,
)
from pegboard.store.models import db
from pegboard.text import shown
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable


class ImportScreen(Screen[None]):
    """Type or paste a path, enter to look, ctrl+s to import; esc goes back."""

    DEFAULT_CSS = """
    ImportScreen {
        & #import-path { margin: 1 1 0 1; }
        & #import-reading { height: auto; margin: 0 1; }
        & #import-reading Input { width: 1fr; }
        & #import-reading #import-map { width: 2fr; }
        & #import-body { height: 1fr; padding: 0 1; }
        & #import-mapping, & #import-plan { height: auto; margin-top: 1; }
        & #import-preview { height: auto; max-height: 12; margin-top: 1; }
        & #import-progress { margin-top: 1; display: none; }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "import_file", "Import", id="import.run"),
        Binding("escape", "close", "Back", id="import.close"),
    ]

    def __init__(self, settings: Settings, clock: Clock, backup) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.backup = backup
        """Called before writing: a copy of the database (None where there is no file)."""
        self.path: Path | None = None
        self.job: CsvImport | None = None
        self.rows_checked: int | None = None
        """Rows the last look found fine (None: nothing to import yet); the bar's total."""
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="a .csv or .vcf file, or a folder from pegboard export; enter to look",
            id="import-path",
        )
        with Horizontal(id="import-reading"):
            yield Input(placeholder="map Column=field, …", id="import-map")
            yield Input(placeholder="encoding", id="import-encoding")
            yield Input(placeholder="decimal . ,", id="import-decimal")
            yield Input(placeholder="dates dmy…", id="import-date-order")
        with VerticalScroll(id="import-body"):
            yield Static(id="import-mapping")
            yield PlainTable(id="import-preview", show_cursor=False)
            yield Static(id="import-plan")
            yield ProgressBar(id="import-progress", show_eta=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Import"
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted)
    def _look(self, event: Input.Submitted) -> None:
        """Enter in the path, or in how to read it: look (again) with what they say."""
        event.stop()
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            return
        self.path = Path(text).expanduser()
        self.rows_checked = None
        try:
            mapping = self._reading()
            preview, self.job = preview_file(self.settings, self.clock, self.path, mapping=mapping)
        except ImportRefused as refused:
            self._say(str(refused), "red")
            self.query_one("#import-mapping", Static).update("")
            self.query_one(DataTable).clear(columns=True)
            return
        self._show_preview(preview)
        self._say("Checking every row…", "dim")
        self._check()

    def _reading(self) -> Mapping:
        """How the owner said to read the file, as the command line's --map, --encoding,
        --decimal and --date-order would."""

        def typed(name: str) -> str:
            return self.query_one(f"#import-{name}", Input).value.strip()

        columns = [item.strip() for item in typed("map").split(",") if item.strip()]
        mapping = Mapping.parse(columns, self.settings)
        mapping.encoding = typed("encoding") or None
        decimal, order = typed("decimal"), typed("date-order").lower()
        if decimal and decimal not in (".", ","):
            raise ImportRefused(f"decimal: type . or , (not {decimal!r})")
        if order and order not in DATE_ORDERS:
            raise ImportRefused(f"dates: type dmy, mdy or ymd (not {order!r})")
        mapping.decimal, mapping.date_order = decimal or None, order or None
        return mapping

    def _show_preview(self, preview: Preview) -> None:
        mapping = Text(f"Reads as {preview.kind}. ", style="bold")
        for index, raw_header in enumerate(preview.header):
            header = shown(raw_header)
            target = preview.fields.get(index)
            if target:
                mapping.append(f"{header} → {target}", style="green")
            elif preview.fields or self.job is not None:
                mapping.append(f"{header} (not imported)", style="dim")
            else:
                mapping.append(header)
            mapping.append("  ")
        self.query_one("#import-mapping", Static).update(mapping)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(*preview.header)
        for row in preview.rows:
            table.add_row(*(row + [""] * (len(preview.header) - len(row)))[: len(preview.header)])

    def _say(self, text: str | Text, style: str = "") -> None:
        self.query_one("#import-plan", Static).update(
            text if isinstance(text, Text) else Text(text, style=style)
        )

    @work(thread=True, exclusive=True, group="import")
    def _check(self) -> None:
        """The dry run: the plan, or every bad row."""
        with db.connection_context():
            try:
                if self.job is None:
                    result: Plan | dict[str, int] = import_book(
                        self.path, dry_run=True, settings=self.settings
                    )
                else:
                    result = self.job.run(dry_run=True)
            except ImportRefused as refused:
                result = refused
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_check, result)

    def _show_check(self, result) -> None:
        if isinstance(result, ImportRefused):
            text = Text()
            text.append(f"{result}\n", style="bold red")
            for problem in result.problems[:30]:
                text.append(f"  {problem}\n", style="red")
            if len(result.problems) > 30:
                text.append(f"  … and {len(result.problems) - 30} more\n", style="red")
            self._say(text)
            return
        if isinstance(result, dict):
            self.rows_checked = sum(result.values())
            tables = ", ".join(f"{count} {name}" for name, count in result.items())
            self._say(Text(f"Would import {tables}. ctrl+s imports.", style="bold"))
            return
        self.rows_checked = result.rows
        lines = result.lines()
        text = Text()
        text.append(f"Would import {lines[0]}.\n", style="bold")
        for line in lines[1:]:
            text.append(line + "\n")
        text.append("ctrl+s imports (after a backup); nothing is written until then.", style="dim")
        self._say(text)

    def action_import_file(self) -> None:
        if self.busy:
            return
        if self.rows_checked is None:
            self.notify("Type a path and press enter first: the file is checked before importing")
            return
        self.busy = True
        progress = self.query_one(ProgressBar)
        progress.display = True
        progress.update(total=max(1, self.rows_checked), progress=0)
        self._say("Importing…", "bold")
        self._run_import()

    @work(thread=True, exclusive=True, group="import")
    def _run_import(self) -> None:
        def progress(rows: int) -> None:
            self.app.call_from_thread(self.query_one(ProgressBar).update, progress=rows)

        with db.connection_context():
            try:
                if self.job is None:
                    import_book(self.path, before_write=self.backup, settings=self.settings)
                    outcome: str | Exception = "the export folder"
                else:
                    self.job.progress = progress
                    plan = self.job.run(before_write=self.backup)
                    outcome = plan.lines(done=True)[0]
            except (ServiceError, OSError) as error:  # a refusal, a full disk, no backup
                outcome = error
        self.app.call_from_thread(self._done, outcome)

    def _done(self, outcome) -> None:
        self.busy = False
        bar = self.query_one(ProgressBar)
        if isinstance(outcome, Exception):
            bar.display = False
            self._say(f"Nothing imported: {outcome}", "bold red")
            return
        bar.update(progress=bar.total)
        self.rows_checked = None
        self._say(Text(f"Imported {outcome}.", style="bold green"))
        self.notify(f"Imported {outcome}", timeout=5)

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)
