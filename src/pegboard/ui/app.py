"""The App: wires services into screens, applies theme and keymap. Nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import AwaitMount

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ConfigError, PegboardError
from pegboard.services.changes import ChangeWatcher, DataStamp, data_stamp, tables_stamp
from pegboard.text import shown
from pegboard.ui.app_keys import apply_keymap, help_rows, pegboard_commands
from pegboard.ui.garbage import FIRST_SETTLE, SETTLED_AFTER, GarbageSettler
from pegboard.ui.messages import DataWritten, OpenRecord
from pegboard.ui.palette import RecordsProvider
from pegboard.ui.quick_log_host import QuickLogHost
from pegboard.ui.textual_private import mode_is_built

if TYPE_CHECKING:
    from pegboard.wiring import Services

# Screens are imported where they are first shown, not here: a start pays only for the
# screen it opens (the whole set costs about a tenth of a second to import). The services
# likewise, when first used: Today's first paint needs none of them (their modules took
# about 20 ms of every start), and its data is read just after.


SCREENS = Binding.Group("Screens", compact=True)
"""The footer's one entry for the five screen keys."""

INSIGHTS_WARM_UP = 2.0
"""Seconds after start before Insights' report is worked out in the background."""

OTHER_WRITERS_POLL = 1.0
"""Seconds between checks for writes by another process (one cheap PRAGMA)."""


class PegboardApp(QuickLogHost, App[None]):
    """pegboard: leads, partners and loyalty for a business that lives on referrals."""

    CSS_PATH = ["app.tcss", "screens/board.tcss", "screens/partners.tcss", "screens/insights.tcss"]
    """Every screen's styles, read once at start: a screen with a CSS_PATH of its own makes
    Textual restyle the whole app (the board's cards included) the first time it opens."""
    TITLE = "pegboard"
    COMMANDS = App.COMMANDS | {RecordsProvider}
    AUTO_FOCUS = None
    """Keys go to the screen itself (the board has no focusable cards); forms set their own."""

    BINDINGS = [
        # One footer entry for the five screens ("12345 Screens"; ? names each): spelled
        # out they took half the footer, and r, the phone-call key, fell off its end on
        # every screen but Insights at 120 columns.
        Binding("1", "switch_mode('today')", "Today", id="app.today", group=SCREENS),
        Binding("2", "switch_mode('board')", "Board", id="app.board", group=SCREENS),
        Binding("3", "switch_mode('partners')", "Partners", id="app.partners", group=SCREENS),
        Binding("4", "switch_mode('loyalty')", "Loyalty", id="app.loyalty", group=SCREENS),
        Binding("5", "switch_mode('insights')", "Insights", id="app.insights", group=SCREENS),
        # A priority binding runs as the key arrives, before Textual forwards the keys
        # typed after it, which then reach the form's first field: "r" and a name typed
        # at once (or pasted) lose nothing. (Keys an Input takes drop it, as for any
        # binding, so r is text in a field.)
        Binding("r", "quick_log", "Log referral", priority=True, id="app.quick-log"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        db_label: str = "",
        config_path=None,
        start_mode: str = "today",
        after_first_paint: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        """Every service, made by the composition root (`pegboard.wiring`)."""
        self.after_first_paint = after_first_paint
        """Work for a thread once the first screen is up (the daily backup); it returns a
        warning to show, or None."""
        self.config_path = config_path
        """Where settings changed in the app are written (default: the user config file)."""
        self.start_mode = start_mode
        self.db_label = db_label
        self.garbage: GarbageSettler | None = None
        """Settles Python's collector at quiet moments (not in tests: see on_mount)."""
        self.add_mode("today", self._today_screen)
        self.add_mode("board", self._board_screen)
        self.add_mode("partners", self._partners_screen)
        self.add_mode("loyalty", self._loyalty_screen)
        self.add_mode("insights", self._insights_screen)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def _today_screen(self) -> Screen:
        from pegboard.ui.screens.today import TodayScreen

        return TodayScreen(self.services, self.settings, self.clock)

    def _board_screen(self) -> Screen:
        from pegboard.ui.screens.board import BoardScreen

        return BoardScreen(self.services.leads, self.settings, self.clock)

    def _partners_screen(self) -> Screen:
        from pegboard.ui.screens.partners import PartnersScreen

        return PartnersScreen(self.services.partners, self.settings, self.clock)

    def _loyalty_screen(self) -> Screen:
        from pegboard.ui.screens.loyalty import LoyaltyScreen

        return LoyaltyScreen(self.services.loyalty, self.settings, self.clock)

    def _insights_screen(self) -> Screen:
        from pegboard.ui.screens.insights import InsightsScreen

        return InsightsScreen(self.services.insights, self.settings)

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"Unknown theme {self.settings.theme!r} in config.toml", severity="warning")
        self.watcher = ChangeWatcher()
        self.set_interval(OTHER_WRITERS_POLL, self._refresh_if_changed_elsewhere)
        self.apply_keymap()
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.switch_mode(self.start_mode)
        if self.after_first_paint is not None:
            self.call_after_refresh(self._run_after_first_paint)
        # Built while the owner reads the first screen, so that r opens it at once.
        self.set_timer(0.3, lambda: self.quick_log)
        self.set_timer(0.5, self._load_reach_checks)
        if not self.is_headless:
            # Tests (headless) ask for it themselves, so that it never runs behind them.
            self.set_timer(INSIGHTS_WARM_UP, self.prepare_insights)
            # Not in tests: their apps' objects would stay frozen after they end.
            self.garbage = GarbageSettler(self)
            self.set_timer(FIRST_SETTLE, self.garbage.settle)
            self.set_timer(SETTLED_AFTER, self.garbage.settle)

    async def on_event(self, event: events.Event) -> None:
        if self.garbage is not None and isinstance(event, events.Key | events.MouseDown):
            self.garbage.input_seen()
        await super().on_event(event)

    @work(thread=True, group="warm-up")
    def _load_reach_checks(self) -> None:
        """The email and phone checks' tables (25 ms and 20 ms to load, the region's
        phone metadata included) loaded aside, so that the first address or number
        typed in the quick log does not stall a keystroke."""
        import email_validator  # noqa: F401

        from pegboard.phones import phone_problem

        phone_problem("555 010 0177", self.settings.phone_region)

    @work(thread=True, group="after-first-paint")
    def _run_after_first_paint(self) -> None:
        warning = self.after_first_paint()
        if warning:
            self.call_from_thread(self.notify, warning, severity="warning", timeout=10)

    def prepare_insights(self) -> None:
        """Work out Insights' default report in the background, so that the screen has
        figures to show the moment it opens (and current ones, if nothing was written)."""
        from pegboard.services.insight_figures import DEFAULT_PERIOD

        # The stamp is the UI thread's: a worker's connection counts its changes apart.
        self._work_out_insights(DEFAULT_PERIOD, self.data_stamp())

    @work(thread=True, exclusive=True, group="insights-warm-up")
    def _work_out_insights(self, period: str, stamp: DataStamp | None) -> None:
        self.services.insights.report(period, stamp)

    def _refresh_if_changed_elsewhere(self) -> None:
        """Another window or a script wrote: show the current screen's data afresh."""
        if self.watcher.changed():
            self.reload_screen()

    def reload_screen(self, *, shown_again: bool = False) -> None:
        """Tell the current screen the book was written: one that shows data reads it
        afresh (`ShowsData`); `shown_again` after a dialog that wrote has closed."""
        try:
            screen = self.screen
        except ScreenStackError:
            # The app is closing and its screens are gone; a poll can still fire then.
            return
        screen.post_message(DataWritten(shown_again=shown_again))

    def data_stamp(self) -> DataStamp | None:
        """The stamp of what a screen would load now (see `services.changes.data_stamp`)."""
        return data_stamp(self.settings, self.clock.today())

    def tables_stamp(self, tables: tuple[str, ...]) -> DataStamp | None:
        """The stamp of a listing that reads only `tables` (`services.changes`)."""
        return tables_stamp(tables, self.settings, self.clock.today())

    def data_changed_since(self, stamp: DataStamp | None) -> bool:
        """Whether a screen that loaded its data at `stamp` might now show other data:
        coming back to a screen, only then is it worth reloading (at 100,000 leads the
        board takes 60 ms, Today and Insights half a second)."""
        now = self.data_stamp()
        return stamp is None or now is None or now != stamp

    def reload_after_closing(self) -> None:
        """After a pushed screen that wrote (the quick log, an import) has closed."""
        self.reload_screen(shown_again=True)

    def apply_keymap(self) -> None:
        """Remap bindings by id from [keymap]; an unknown id is reported and skipped."""
        apply_keymap(self)

    def _remember_theme(self, theme) -> None:
        """A theme picked in the palette is written to config.toml for the next start."""
        if theme.name != self.settings.theme:
            self.save_setting(theme=theme.name)
            self.notify(f"Theme {theme.name}: kept for the next start", timeout=3)

    def save_setting(self, **changes) -> None:
        """Apply a change made in the app and write just it to config.toml (the rest
        of the owner's file, comments included, is left as it was)."""
        from pegboard.config.editor import edit_settings
        from pegboard.paths import config_file

        settings = replace(self.settings, **changes)
        try:
            edit_settings(self.config_path or config_file(), settings, changes)
        except ConfigError as error:
            self.notify(f"Not saved: {error}", severity="error", timeout=10)
            return
        self.apply_settings(settings)

    def on_open_record(self, message: OpenRecord) -> None:
        """Open a lead, partner or customer where it lives (from the palette or Today)."""
        kind, record_id = message.kind, message.record_id
        from pegboard.services.lead_records import lead_detail
        from pegboard.ui.screens.customer_detail import CustomerDetailScreen
        from pegboard.ui.screens.lead_detail import LeadDetailScreen
        from pegboard.ui.screens.partner_detail import PartnerDetailScreen

        if kind == "lead":
            screen = LeadDetailScreen(
                lead_detail(record_id), self.settings, self.clock, self.services.leads
            )
        elif kind == "partner":
            screen = PartnerDetailScreen(
                record_id,
                self.services.partners,
                self.settings,
                self.clock,
                referral_id=message.referral_id,
            )
        else:
            screen = CustomerDetailScreen(
                record_id, self.services.loyalty, self.settings, self.clock
            )
        self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from pegboard_commands(self, screen)

    _hold_paint_on_switch = True

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's, but a mode whose screen is built already shows at the next frame.

        Textual holds every paint for 50 ms as it switches modes, so as not to show a
        screen still being built. Only a mode's first showing builds its screen; the
        others are whole, and show their last data at once."""
        self._hold_paint_on_switch = not mode_is_built(self, mode)
        try:
            return super().switch_mode(mode)
        finally:
            self._hold_paint_on_switch = True

    def delay_update(self, delay: float = 0.05) -> None:
        if self._hold_paint_on_switch:
            super().delay_update(delay)

    def action_command_palette(self) -> None:
        """Textual's palette, quicker to settle on each keystroke (see PromptPalette)."""
        from textual.command import CommandPalette

        from pegboard.ui.textual_private import PromptPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(PromptPalette(id="--command-palette"))

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every key's action, with one safety net: any refusal from pegboard's error tree
        (a full disk, a read-only file, a lost server, a record changed elsewhere) is told
        to the user in one notification, and the app goes on showing what it has."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except PegboardError as error:
            self.notify(str(error), severity="error", timeout=10)
            return True

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Messages here carry names and notes as the owner typed them, so none is read
        as markup (Textual reads them so by default, and screens' `notify` asks it to):
        archiving a partner named "Ann [/]" stopped the app as the message showed."""
        super().notify(
            shown(message, lines=True),
            title=title,
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Textual's hint for a reflexive ctrl+c, written without markup (see notify)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    def open_import(self) -> None:
        from pegboard.ui.screens.import_screen import ImportScreen

        self.push_screen(
            ImportScreen(self.settings, self.clock, self.backup_before_import),
            lambda _: self.reload_after_closing(),
        )

    def backup_before_import(self) -> None:
        """A copy of the database file into backups/ before an import writes (SQLite)."""
        from pegboard.store.backup import backup_before
        from pegboard.store.database import open_sqlite_file

        path = open_sqlite_file()
        if path is not None:
            backup_before(path, "import", self.clock.now().strftime("%Y%m%dT%H%M%SZ"))

    def open_archive(self) -> None:
        from pegboard.ui.screens.archive import ArchiveScreen

        self.push_screen(
            ArchiveScreen(self.services.archive, self.settings),
            lambda _: self.reload_after_closing(),
        )

    def open_duplicates(self) -> None:
        from pegboard.ui.screens.duplicates import DuplicatesScreen

        self.push_screen(
            DuplicatesScreen(self.clock, self.services.undo_log),
            lambda _: self.reload_after_closing(),
        )

    def open_loyalty_rules(self) -> None:
        from pegboard.ui.screens.loyalty_rules import LoyaltyRulesScreen

        self.push_screen(LoyaltyRulesScreen(self.settings.loyalty_rules, self.save_loyalty_rules))

    def save_loyalty_rules(self, rules) -> None:
        """Write the rules to config.toml (atomically) and use them at once."""
        self.save_setting(loyalty_rules=tuple(rules))

    def apply_settings(self, settings: Settings) -> None:
        self.services.replace_settings(settings)

    def help_rows(self, screen: Screen) -> list[tuple[str, str, str]]:
        """(where, keys, what) for every binding of `screen` and the app, keymap applied."""
        return help_rows(self, screen)

    def action_help(self) -> None:
        from pegboard.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        self.push_screen(HelpScreen(screen.sub_title or self.title, self.help_rows(screen)))
