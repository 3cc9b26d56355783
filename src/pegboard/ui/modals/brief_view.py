"""A partner's brief, ready to send: c copies it, s saves it as Markdown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pegboard.text import shown


class BriefView(ModalScreen[None]):
    DEFAULT_CSS = """
    BriefView {
        align: center middle;
        background: $background;
        & > VerticalScroll {
            width: 90; max-width: 100%; height: auto; max-height: 100%;
            border: thick $success; background: $surface; padding: 1 2;
        }
        & #brief-hint { color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS = [
        Binding("c", "copy", "Copy", id="brief.copy"),
        Binding("s", "save", "Save", id="brief.save"),
        Binding("escape,q", "close", "Close", id="brief.close"),
    ]

    def __init__(self, partner: str, text: str, markdown: str, folder: Path, today: date) -> None:
        """`text` is shown and copied; `markdown` is saved, in `folder`."""
        super().__init__()
        self.partner = partner
        self.text = text
        self.markdown = markdown
        self.folder = folder
        self.today = today

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(shown(self.text, lines=True), id="brief-text", markup=False)
            yield Static("c copy · s save as Markdown · esc close", id="brief-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(f"The brief for {self.partner} is on the clipboard", timeout=3)

    def action_save(self) -> None:
        from pegboard.files import write_private_file
        from pegboard.paths import ensure_private_dir

        name = "".join(ch if ch.isalnum() else "-" for ch in self.partner.lower()).strip("-")
        path = self.folder / f"brief-{name or 'partner'}-{self.today.isoformat()}.md"
        try:
            ensure_private_dir(self.folder)
            write_private_file(path, self.markdown + "\n")
        except OSError as error:
            self.notify(f"Could not save the brief: {error.strerror}", severity="error", timeout=6)
            return
        self.notify(f"Saved to {path}", timeout=6)

    def action_close(self) -> None:
        self.dismiss(None)
