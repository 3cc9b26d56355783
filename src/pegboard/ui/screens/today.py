"""Today, the home screen: everything that needs the owner this morning, cleared by keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Header, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import PegboardError
from pegboard.services.changes import DataStamp
from pegboard.text import shown
from pegboard.ui.messages import OpenRecord, ShowsData
from pegboard.ui.screens.kept_screen import ModeScreen
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.phrases import Phrases
from pegboard.ui.widgets.triage_list import SECTION_PREFIX, TriageList

if TYPE_CHECKING:
    from pegboard.services.today import TodayService
    from pegboard.services.today_rows import TriageRow, TriageSection
    from pegboard.ui.modals.touch_form import TouchDraft
    from pegboard.wiring import Services


def row_key(row: TriageRow) -> str:
    """A row's option id, by which the screen finds the row under the cursor."""
    return f"{row.kind}:{row.ref_id}"


def section_options_for(section: TriageSection) -> list[Option]:
    """A section's heading, its rows (each with its `row_key` as id) and what it leaves out."""
    heading = Content.styled(f"{section.title} ({section.count})", "bold")
    options = [Option(heading, id=f"{SECTION_PREFIX}{section.key}", disabled=True)]
    for row in section.rows:
        # No-break spaces: SVG screenshots collapse plain ones at a style change.
        label = Content.assemble(
            "  ",
            (shown(row.title), "bold red" if row.overdue_days else "bold"),
            (f"\u00a0\u00a0{shown(row.detail)}", "dim"),
        )
        options.append(Option(label, id=row_key(row)))
    if section.count > len(section.rows):
        more = section.count - len(section.rows)
        options.append(Option(Content.styled(f"  … {more} more", "dim"), disabled=True))
    return options


class TodayScreen(UndoesSteps, ShowsData, ModeScreen):
    """Sections with counts (empty ones hidden), one cursor through every row."""

    reads_as_it_resumes = True

    DEFAULT_CSS = """
    TodayScreen {
        & #today-summary { padding: 1 2 0 2; text-style: bold; height: auto; }
        & #today-list { height: 1fr; border: none; margin: 1 1 0 1; }
    }
    """

    BINDINGS = [
        Binding("enter", "open", "Open", id="today.open"),
        Binding("d", "done", "Done", id="today.done"),
        Binding("s", "snooze(1)", "Snooze +1d", id="today.snooze-day"),
        Binding("S", "snooze(7)", "Snooze +1w", id="today.snooze-week"),
        Binding("t", "touch", "Touch", id="today.touch"),
        Binding("u", "undo", "Undo", id="today.undo"),
        Binding("]", "section(1)", "Next section", show=False, id="today.next-section"),
        Binding("[", "section(-1)", "Previous section", show=False, id="today.previous-section"),
    ]

    def __init__(self, services: Services, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.services = services
        """The services; Today's is made only when first asked for (see `today`)."""
        self.settings = settings
        self.clock = clock
        self.rows: dict[str, TriageRow] = {}
        self.loaded_at: DataStamp | None = None
        """The data stamp the sections were last loaded at (see `PegboardApp.data_stamp`)."""
        self._section_options: dict[str, tuple[TriageSection, list[Option]]] = {}
        """The options last drawn for each section, with the section they show: the service
        hands back the same section object while its tables are unwritten, and its options
        are then reused (OptionList measures each new option: about a third of the list's
        redraw after a stage move)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Phrases(id="today-summary")
        yield TriageList(id="today-list")
        yield KeyFooter()

    @property
    def undo_log(self):
        return self.services.undo_log

    @property
    def today(self) -> TodayService:
        """The Today service, made when first asked for: just after the first paint
        when the app opens on Today (see reload_data)."""
        return self.services.today

    def on_mount(self) -> None:
        self.sub_title = "Today"
        self.query_one(OptionList).focus()

    from_the_top = False
    """Whether the list starts again from its first row as it shows next: when the
    owner comes back from another screen (a record opened from Today keeps the place)."""

    def on_screen_suspend(self) -> None:
        self.from_the_top = self not in self.app.screen_stack

    def on_screen_resume(self) -> None:
        """Each time the screen shows (the first time too: Textual resumes it after mount),
        unless nothing was written since the sections were loaded."""
        if self.app.data_changed_since(self.loaded_at):
            self.reload_data()
        elif self.from_the_top:
            self.from_the_top = False
            self.query_one(TriageList).action_first()

    def reload_data(self) -> None:
        """Load the sections in a worker; the list shows them when they arrive."""
        self.loaded_at = self.app.data_stamp()
        if self.rows and self._shown_at_once():
            return
        if not self.rows:
            self.query_one("#today-summary", Phrases).show("Loading today…")
        # After the screen has painted: the worker's queries would otherwise hold up the
        # first frame (the six sections keep both cores busy for a moment at 100k leads).
        # The service is asked for here, on the main thread: it is made (and its modules
        # imported) the first time, which a start leaves until after its first paint.
        self.call_after_refresh(lambda: self._load(self.today))

    def _shown_at_once(self) -> bool:
        """After a write that leaves a few sections to work out (a stage move: about 5 ms
        at 100,000 leads), they are worked out here, before the screen paints, which
        then shows them in its first frame, not the last ones for a frame (and the
        worker's thread and connection cost as much as the sections)."""
        try:
            sections = self.today.sections_if_few()
        except PegboardError:  # the worker tries again, and says what went wrong
            return False
        if sections is None:
            return False
        self.show_sections(sections)
        return True

    @work(thread=True, exclusive=True, group="today")
    def _load(self, today: TodayService) -> None:
        try:
            sections = today.sections()  # on reader connections of its own
        except PegboardError as error:  # a lost server, a file gone: said, not a crash
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_sections, sections)

    def show_sections(self, sections: list[TriageSection]) -> None:
        listing = self.query_one(OptionList)
        keep = listing.highlighted
        keep_id = None
        if keep is not None and keep < listing.option_count:
            keep_id = listing.get_option_at_index(keep).id
        # Wrapped between phrases, never inside "15 leads going stale".
        self.query_one("#today-summary", Phrases).show(
            f"{self.clock.today():%A %d %B}:", self.today.summary(sections).split(", ")
        )
        listing.clear_options()
        self.rows = {}
        options: list[Option] = []
        drawn: dict[str, tuple[TriageSection, list[Option]]] = {}
        for section in sections:
            if not section.count:
                continue
            kept = self._section_options.get(section.key)
            section_options = (
                kept[1] if kept and kept[0] is section else section_options_for(section)
            )
            drawn[section.key] = (section, section_options)
            options += section_options
            self.rows.update((row_key(row), row) for row in section.rows)
        self._section_options = drawn
        if not self.rows:
            options.append(
                Option(Content.styled("Nothing needs you today.", "green"), disabled=True)
            )
        listing.add_options(options)
        selectable = [i for i, option in enumerate(options) if not option.disabled]
        same = [i for i, option in enumerate(options) if keep_id and option.id == keep_id]
        if self.from_the_top:
            self.from_the_top = False
            listing.action_first()
        elif same:
            listing.highlighted = same[0]
        elif selectable:
            target = keep if keep is not None and keep in selectable else None
            if target is None:
                after = [i for i in selectable if keep is not None and i >= keep]
                target = after[0] if after else selectable[-1] if keep else selectable[0]
            listing.highlighted = target

    def selected(self) -> TriageRow | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return self.rows.get(option.id or "")

    def _drop_selected(self) -> None:
        """Take the row off the list at once; the reload that follows settles the counts."""
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None:
            return
        option = listing.get_option_at_index(index)
        self.rows.pop(option.id or "", None)
        listing.remove_option_at_index(index)
        following = [
            i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled
        ]
        if following:
            listing.highlighted = next((i for i in following if i >= index), following[-1])
        self.reload_data()

    def action_done(self) -> None:
        row = self.selected()
        if row is not None:
            self.notify(f"{row.title}: {self.today.done(row)} · u to undo", timeout=3)
            self._drop_selected()

    def action_snooze(self, days: int) -> None:
        row = self.selected()
        if row is not None:
            self.notify(f"{row.title}: {self.today.snooze(row, days)}", timeout=3)
            self._drop_selected()

    def action_touch(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.lead_id is None:
            self.notify("Open the record (enter) to act on it; t logs a touch on a lead", timeout=3)
            return

        def saved(touch: TouchDraft | None) -> None:
            if touch is not None:
                self.reload_data()

        from pegboard.ui.modals.touch_form import touch_form_for

        form = touch_form_for(self.today.leads, row.lead_id, row.title, self.clock.today())
        self.app.push_screen(form, saved)

    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.lead_id is not None:
            self.post_message(OpenRecord("lead", row.lead_id))
        elif row.partner_id is not None:
            referral = row.ref_id if row.kind in ("thank", "ask_given") else None
            self.post_message(OpenRecord("partner", row.partner_id, referral))
        else:
            self.post_message(OpenRecord("customer", row.contact_id))

    def action_section(self, step: int) -> None:
        self.query_one(TriageList).jump_section(step)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()
