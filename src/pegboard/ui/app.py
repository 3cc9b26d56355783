"""The App: wires services into screens, applies theme and keymap. Nothing else."""

from __future__ import annotations

from textual.app import App

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.leads import LeadService
from pegboard.ui.screens.board import BoardScreen


class PegboardApp(App[None]):
    """pegboard: leads, partners and loyalty for a business that lives on referrals."""

    CSS_PATH = "app.tcss"
    TITLE = "pegboard"
    AUTO_FOCUS = None
    """Keys go to the screen itself (the board has no focusable cards); forms set their own."""

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, db_label: str = ""
    ) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock or Clock()
        self.db_label = db_label
        self.leads = LeadService(settings, self.clock)
        self.add_mode("board", lambda: BoardScreen(self.leads, self.settings, self.clock))

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"Unknown theme {self.settings.theme!r} in config.toml", severity="warning")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.switch_mode("board")
