"""The board: one column per stage, a cursor walked by keyboard, and every lead action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Header, Input
from textual.worker import get_current_worker

from pegboard.clock import Clock
from pegboard.config import Settings, Stage
from pegboard.services.board import (
    NO_FILTER,
    BoardFilter,
    BoardPage,
    Card,
    ColumnSummary,
    PageReads,
    column_cards,
    column_summaries,
    rank_of,
)
from pegboard.services.changes import DataStamp
from pegboard.services.leads import LeadService
from pegboard.ui.messages import LeadAdded, ShowsData
from pegboard.ui.screens.board_actions import BoardLeadActions
from pegboard.ui.screens.kept_screen import ModeScreen
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.board_column import BoardColumn, LeadCard, cards_that_fit
from pegboard.ui.widgets.filter_bar import FilterBar, OpensFilterBar
from pegboard.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    pass

BOARD_CHROME_ROWS = 2
"""Screen rows that are not the board: header and footer."""


@dataclass
class ColumnCursor:
    """Where the cursor is in one column, and the first card shown."""

    cursor: int = 0
    top: int = 0


NARROW_COLUMN = 20
"""Below this many columns a stage, the closed stages fold (see `BoardScreen.narrow`)."""


class BoardScreen(BoardLeadActions, UndoesSteps, ShowsData, OpensFilterBar, ModeScreen):
    """Leads as cards in stage columns."""

    BINDINGS = [
        Binding("left,h", "column(-1)", "Left", show=False, id="board.left"),
        Binding("right,l", "column(1)", "Right", show=False, id="board.right"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="board.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="board.down"),
        Binding("pageup", "cursor(-10)", "Page up", show=False, id="board.page-up"),
        Binding("pagedown", "cursor(10)", "Page down", show=False, id="board.page-down"),
        Binding("home,g", "cursor_to(0)", "First card", show=False, id="board.first"),
        Binding("end,G", "cursor_to(-1)", "Last card", show=False, id="board.last"),
        Binding("H,shift+left", "move(-1)", "◀ Stage", id="board.move-left"),
        Binding("L,shift+right", "move(1)", "Stage ▶", id="board.move-right"),
        Binding("shift+up,K", "reorder(-1)", "Up in column", show=False, id="board.reorder-up"),
        Binding(
            "shift+down,J", "reorder(1)", "Down in column", show=False, id="board.reorder-down"
        ),
        Binding("n", "new_lead", "New", id="board.new-lead"),
        Binding("e", "edit_lead", "Edit", id="board.edit-lead"),
        Binding("t", "log_touch", "Touch", id="board.log-touch"),
        Binding("w", "close('won')", "Won", id="board.won"),
        Binding("x", "close('lost')", "Lost", id="board.lost"),
        Binding("space", "checklist", "Checklist", show=False, id="board.checklist"),
        Binding("a", "archive", "Archive", id="board.archive"),
        Binding("u", "undo", "Undo", id="board.undo"),
        Binding("enter", "open_lead", "Open", id="board.open-lead"),
        Binding("slash", "filter", "Filter", priority=True, id="board.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="board.clear-filter"),
    ]

    def __init__(self, leads: LeadService, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.leads = leads
        self.undo_log = leads.undo_log
        self.settings = settings
        self.clock = clock
        self.board_filter: BoardFilter = NO_FILTER
        self.active = 0
        """Index of the column with the cursor."""
        self.cursors = {stage.id: ColumnCursor() for stage in settings.stages}
        self.summaries: dict[str, ColumnSummary] = {}
        self.capacity = 1
        self.page_reads = PageReads()
        """The filter's reads: a keystroke's read stops the previous one's."""
        self.loaded_at: DataStamp | None = None
        """The data stamp the columns were last loaded at (see `PegboardApp.data_stamp`)."""

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        self.capacity = cards_that_fit(self.app.size.height - BOARD_CHROME_ROWS)
        with Horizontal(id="board"):
            for stage in self.settings.stages:
                yield BoardColumn(stage.id, self.capacity)
        yield FilterBar("text, source:referral, partner:name — enter keeps, esc clears")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Board"
        self.refresh_board()

    def on_screen_resume(self) -> None:
        """Coming back to the board: reload only if something was written meanwhile."""
        if self.summaries and self.app.data_changed_since(self.loaded_at):
            self.refresh_board()

    reads_as_it_resumes = True

    def reload_data(self) -> None:
        self.refresh_board()

    def on_lead_added(self, message: LeadAdded) -> None:
        """A lead added to one stage from over the board (the quick log): redraw that
        column alone, so that the board has nothing to reload as it shows again."""
        message.stop()
        self.refresh_board({message.stage_id})

    async def on_resize(self, event: Resize) -> None:
        narrow = self._is_narrow()
        if narrow != self.narrow:
            self.narrow = narrow
            for stage in self.settings.stages:
                if stage.id in self.summaries:
                    self.draw_column(stage.id)
        await self.fit_cards()

    narrow = False
    """Whether the board is too narrow for every stage's cards to show their figures
    whole: the closed stages the cursor is not in are then folded to their counts."""

    def _is_narrow(self) -> bool:
        return self.size.width < NARROW_COLUMN * len(self.settings.stages)

    def _board_height(self) -> int:
        filter_rows = 1 if self.query_one("#filter-bar").display else 0
        return self.size.height - BOARD_CHROME_ROWS - filter_rows

    async def fit_cards(self) -> None:
        """Size every column's pool of card slots to what fits on screen now."""
        capacity = cards_that_fit(self._board_height())
        if capacity != self.capacity:
            self.capacity = capacity
            for column in self.query(BoardColumn):
                await column.resize_pool(capacity)
            self.refresh_board()

    # -- data ----------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        return self.settings.stages[self.active]

    def column(self, stage_id: str) -> BoardColumn:
        return self.query_one(f"#column-{stage_id}", BoardColumn)

    def refresh_board(self, stage_ids: set[str] | None = None, *, recount: bool = True) -> None:
        """Reload the columns' counts and values (one query) and their visible cards: every
        column, or only `stage_ids` when a write is known to touch only those (a move, a
        reorder), since counting the long closed columns is most of a reload at scale;
        `recount=False` when the write cannot change their counts (a reorder).
        Of the other columns only the one that gained or lost the cursor is redrawn."""
        self.loaded_at = self.app.data_stamp()
        if stage_ids is None or not self.summaries:
            stage_ids = set(self.settings.stage_ids)
            recount = True
        if recount:
            for summary in column_summaries(self.settings, self.board_filter, stage_ids):
                self.summaries[summary.stage.id] = summary
        for stage in self.settings.stages:
            if stage.id in stage_ids:
                self.draw_column(stage.id, fetch=True)
            elif self.column(stage.id).active != (stage.id == self.stage.id):
                self.draw_column(stage.id)

    def draw_column(
        self, stage_id: str, cards: list[Card] | None = None, *, fetch: bool = False
    ) -> None:
        """Keep the cursor in the column's range and in view, then show its window.

        `cards` is the window already fetched (by a worker), if it was. Otherwise the
        window is fetched when it scrolled or when `fetch` asks (the data changed); a
        cursor move within the window only moves the highlight.
        """
        summary = self.summaries[stage_id]
        position = self.cursors[stage_id]
        position.cursor = max(0, min(position.cursor, summary.count - 1))
        if position.cursor < position.top:
            position.top = position.cursor
        elif position.cursor >= position.top + self.capacity:
            position.top = position.cursor - self.capacity + 1
        position.top = max(0, min(position.top, summary.count - self.capacity))
        column = self.column(stage_id)
        if cards is None and not fetch and column.top == position.top:
            cards = column.cards
        if cards is None:
            cards = column_cards(
                stage_id,
                position.top,
                self.capacity,
                self.settings.referral_source,
                self.board_filter,
            )
        active = stage_id == self.stage.id
        column.show(
            summary,
            cards,
            top=position.top,
            cursor=position.cursor,
            active=active,
            now=self.clock.now(),
            today=self.clock.today(),
            currency=self.settings.currency,
            folded=self.narrow and summary.stage.closes is not None and not active,
            compact=self.narrow,
        )

    def selected_card(self) -> Card | None:
        column = self.column(self.stage.id)
        position = self.cursors[self.stage.id]
        index = position.cursor - position.top
        return column.cards[index] if 0 <= index < len(column.cards) else None

    def follow(
        self,
        lead_id: int,
        stage_ids: set[str] | None = None,
        *,
        place: tuple[str, int] | None = None,
        recount: bool = True,
    ) -> None:
        """Put the cursor on the lead wherever it now is, and redraw (`stage_ids`: only
        these columns changed). `place` is the lead's (stage, index) when the caller
        knows it, which spares looking it up; `recount` as for `refresh_board`."""
        if place is None:
            place = rank_of(lead_id, self.board_filter)
        if place is not None:
            stage_id, index = place
            self.active = self.settings.stage_ids.index(stage_id)
            self.cursors[stage_id].cursor = index
        self.refresh_board(stage_ids, recount=recount)

    # -- cursor --------------------------------------------------------------

    def action_column(self, step: int) -> None:
        previous = self.stage.id
        self.active = max(0, min(self.active + step, len(self.settings.stages) - 1))
        if self.stage.id != previous:
            self.draw_column(previous)
            self.draw_column(self.stage.id)

    def action_cursor(self, step: int) -> None:
        self.cursors[self.stage.id].cursor += step
        self.draw_column(self.stage.id)

    def action_cursor_to(self, index: int) -> None:
        count = self.summaries[self.stage.id].count
        self.cursors[self.stage.id].cursor = index if index >= 0 else count - 1
        self.draw_column(self.stage.id)

    def _go_to_column(self, stage_id: str) -> None:
        previous = self.stage.id
        self.active = self.settings.stage_ids.index(stage_id)
        if previous != stage_id:
            self.draw_column(previous)

    def on_lead_card_clicked(self, message: LeadCard.Clicked) -> None:
        """A click selects the card (and its column); a double click opens it."""
        column = next(node for node in message.card.ancestors if isinstance(node, BoardColumn))
        self._go_to_column(column.stage_id)
        self.cursors[column.stage_id].cursor = column.top + column.slots.index(message.card)
        self.draw_column(column.stage_id)
        if message.opens:
            self.action_open_lead()

    def on_board_column_pointed(self, message: BoardColumn.Pointed) -> None:
        """A click on a column takes the cursor there; the wheel walks the column under
        the pointer."""
        self._go_to_column(message.column.stage_id)
        self.action_cursor(message.step)

    # -- filter --------------------------------------------------------------

    async def action_filter(self) -> None:
        self.query_one(FilterBar).open()
        await self.fit_cards()

    async def _hide_filter_bar(self) -> None:
        self.query_one("#filter-bar").display = False
        self.set_focus(None)
        await self.fit_cards()

    async def action_clear_filter(self) -> None:
        if self.board_filter.is_empty and not self.query_one("#filter-bar").display:
            return
        with self.prevent(Input.Changed):
            self.query_one("#filter-input", Input).value = ""
        self.apply_filter("")
        await self._hide_filter_bar()

    def apply_filter(self, query: str) -> None:
        """Load the filtered board in a worker; a newer keystroke cancels an older load."""
        self._load_filtered(BoardFilter.parse(query), self.capacity)

    @work(thread=True, exclusive=True, group="board-filter")
    def _load_filtered(self, board_filter: BoardFilter, limit: int) -> None:
        page = self.page_reads.first_page(self.settings, board_filter, limit)
        if page is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_filtered, board_filter, page)

    def _show_filtered(self, board_filter: BoardFilter, page: BoardPage) -> None:
        self.board_filter = board_filter
        self.summaries = {summary.stage.id: summary for summary in page.summaries}
        for position in self.cursors.values():
            position.cursor = position.top = 0
        self.sub_title = "Board" if board_filter.is_empty else f"Board · {board_filter.describe()}"
        for stage in self.settings.stages:
            self.draw_column(stage.id, page.cards[stage.id])

    @on(Input.Changed, "#filter-input")
    def _filter_as_typed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter-input")
    async def _keep_filter(self, event: Input.Submitted) -> None:
        if BoardFilter.parse(event.value).is_empty:
            await self._hide_filter_bar()
        else:
            self.set_focus(None)
