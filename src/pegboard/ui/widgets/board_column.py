"""A board column: a header with count and value, and a fixed pool of card slots.

The pool holds as many cards as fit on screen and is refilled as the cursor
scrolls, so a column of 50,000 leads costs the same widgets as one of five.
"""

from __future__ import annotations

from datetime import date, datetime

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from pegboard.clock import to_local
from pegboard.money import format_cents, format_compact
from pegboard.services.board import Card, ColumnSummary
from pegboard.text import shown

CARD_ROWS = 4
"""Text lines in a card."""
CARD_PITCH = CARD_ROWS + 1
"""Screen rows a card takes, with the gap below it."""
CHROME_ROWS = 3
"""Column rows that are not cards: two header lines and the footer line."""


def cards_that_fit(height: int) -> int:
    return max(1, (height - CHROME_ROWS) // CARD_PITCH)


class LeadCard(Static):
    """One lead: name, company, value and source, days in stage and next follow-up."""

    DEFAULT_CSS = """
    LeadCard {
        height: 4;
        margin-bottom: 1;
        padding: 0 1;
        background: $boost;
        border-left: tall $primary-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &.-referral { border-left: tall $success; }
        &.-stale { border-left: tall $warning; }
        &.-overdue { background: $error 15%; }
        &.-selected { background: $foreground 12%; }
        &.-selected.-active-column { background: $accent 45%; border-left: outer $accent; }
    }
    """

    shown: tuple | None = None
    """What the card was last drawn from: drawing the same again is skipped."""

    class Clicked(Message):
        """A click on a card: `opens` for a double click."""

        def __init__(self, card: LeadCard, opens: bool) -> None:
            super().__init__()
            self.card = card
            self.opens = opens

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self, opens=event.chain >= 2))

    def show_card(
        self,
        card: Card,
        *,
        closes: str | None = None,
        stale_after_days: int | None,
        now: datetime,
        today: date,
        currency: str,
        selected: bool,
        active: bool,
        compact: bool = False,
    ) -> None:
        """`compact` (a narrow board): a due date without the days in stage before it,
        so the date is shown whole."""
        stale = card.is_stale(now, stale_after_days)
        days = card.days_in_stage(now)
        drawn = (card, closes, stale, days, today, currency, selected, selected and active)
        drawn += (compact,)
        if drawn == self.shown:
            return
        self.shown = drawn
        overdue = closes is None and card.is_overdue(today)  # a closed lead is due nothing
        states = {
            "-referral": card.is_referral,
            "-stale": stale,
            "-overdue": overdue,
            "-selected": selected,
            "-active-column": selected and active,
        }
        wanted = {name for name, on in states.items() if on}
        # One restyle per card, and none when nothing changed: set_class per state
        # restyles each time, which was most of the board's drawing cost.
        if wanted != set(self.classes):
            self.set_classes(wanted)
        title = card.title if card.title != card.name else ""
        subtitle = shown(" · ".join(part for part in (card.company, title) if part))
        value = format_cents(card.value_cents, currency, whole=True) if card.value_cents else "—"
        via = shown(f"via {card.partner}" if card.partner else (card.source or "no source"))
        parts: list[str | tuple[str, str]] = [
            (("★ " if card.is_referral else "") + shown(card.name), "bold"),
            "\n",
            (subtitle, "dim"),
            f"\n{value} · ",
            (via, "green") if card.is_referral else via,
            "\n",
        ]
        parts += _last_line(card, closes, days, today, overdue, compact)
        # Textual's own Content draws without a trip through Rich, which counts at 60 fps.
        text = Content.assemble(*parts)
        # The card's size is fixed by its styles: a repaint, not a layout of the screen.
        self.update(text, layout=False)


def _last_line(card: Card, closes, days: int, today: date, overdue: bool, compact: bool) -> list:
    """A card's last line: why it was lost, its days in stage, or its follow-up."""
    if closes == "lost":
        return [(shown(f"lost: {card.lost_reason}" if card.lost_reason else "lost"), "dim")]
    if closes is not None:  # won: on the day it entered the stage
        day = to_local(card.stage_entered_at).date()
        return [f"won {day:%b %d}" if day.year == today.year else f"won {day:%b %Y}"]
    if card.due_date is None:
        return [f"{days}d" if compact else f"{days}d in stage"]
    label = "today" if card.is_due_today(today) else card.due_date.strftime("%b %d")
    style = "bold red" if overdue else ("bold yellow" if card.is_due_today(today) else "")
    due = ("⚠ " if overdue else "→ ") + label
    return [*([] if compact else [f"{days}d · "]), (due, style) if style else due]


HEADER_CHROME = 3
"""Columns of a stage's width its header cannot write in (padding and the gap)."""
HEADER_WIDTH_FOLDED = 11 - HEADER_CHROME


class BoardColumn(Vertical):
    """One stage of the board."""

    DEFAULT_CSS = """
    BoardColumn {
        width: 1fr;
        height: 1fr;
        padding: 0 1 0 0;
        & > .column-header {
            height: 2; padding: 0 1; background: $panel; color: $text-muted;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        & > .column-header.-active { background: $primary 40%; color: $text; text-style: bold; }
        & > .column-footer { height: 1; color: $text-muted; text-align: center; }
        /* The footer right under the last card: what is below follows the cards, and the
           rows a card would not fit in are left below it, not between. */
        & > .column-cards { height: auto; }
        /* A closed stage the cursor is not in, on a narrow board: its count and value
           only, so the open stages' cards have the width to show their figures whole. */
        &.-folded { width: 11; }
        &.-folded > .column-cards { display: none; }
        &.-folded > .column-footer { height: 1fr; }
    }
    """

    class Pointed(Message):
        """The mouse chose the column: a click on it (`step` 0, which unfolds a folded
        stage), or the wheel over it, `step` cards down (up when negative)."""

        def __init__(self, column: BoardColumn, step: int) -> None:
            super().__init__()
            self.column = column
            self.step = step

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.post_message(self.Pointed(self, 1))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.post_message(self.Pointed(self, -1))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pointed(self, 0))

    def __init__(self, stage_id: str, capacity: int) -> None:
        super().__init__(id=f"column-{stage_id}")
        self.stage_id = stage_id
        self.cards: list[Card] = []
        """The cards now shown, top first."""
        self.top = -1
        """The index in the column of the first card shown (-1: none shown yet)."""
        self.active = False
        """Whether the column was last drawn with the board's cursor in it."""
        self.shown_edges: tuple | None = None
        """What the header and footer were last drawn from: the same is not drawn again."""
        self.slots = [LeadCard() for _ in range(capacity)]
        """The pool of card widgets, top first."""

    def compose(self) -> ComposeResult:
        yield Static(classes="column-header")
        with Vertical(classes="column-cards"):
            yield from self.slots
        yield Static(classes="column-footer")

    async def resize_pool(self, capacity: int) -> None:
        """Grow or shrink the pool of card slots to `capacity`."""
        holder = self.query_one(".column-cards", Vertical)
        slots = self.slots
        if capacity > len(slots):
            added = [LeadCard() for _ in range(capacity - len(slots))]
            await holder.mount_all(added)
            self.slots = slots + added
        elif capacity < len(slots):
            self.slots = slots[:capacity]
            await holder.remove_children(slots[capacity:])

    def show(
        self,
        summary: ColumnSummary,
        cards: list[Card],
        *,
        top: int,
        cursor: int,
        active: bool,
        now: datetime,
        today: date,
        currency: str,
        folded: bool = False,
        compact: bool = False,
    ) -> None:
        self.cards = cards
        self.top = top
        self.active = active
        if folded != self.has_class("-folded"):
            self.set_class(folded, "-folded")
        width = HEADER_WIDTH_FOLDED if folded else max(0, self.size.width - HEADER_CHROME)
        edges = (summary, top, len(cards), active, currency, width)
        if edges != self.shown_edges:
            self.shown_edges = edges
            self._show_edges(summary, top, len(cards), active, currency, width)
        for index, slot in enumerate(self.slots):
            if index < len(cards):
                slot.display = True
                slot.show_card(
                    cards[index],
                    closes=summary.stage.closes,
                    stale_after_days=summary.stage.stale_after_days,
                    now=now,
                    today=today,
                    currency=currency,
                    selected=top + index == cursor,
                    active=active,
                    compact=compact,
                )
            else:
                slot.display = False

    def on_resize(self) -> None:
        """The header again at the column's new width (the board folded or unfolded a
        stage, or the terminal changed size)."""
        if self.shown_edges is None or self.has_class("-folded"):
            return
        width = max(0, self.size.width - HEADER_CHROME)
        if width != self.shown_edges[-1]:
            self.shown_edges = (*self.shown_edges[:-1], width)
            self._show_edges(*self.shown_edges)

    def _show_edges(
        self,
        summary: ColumnSummary,
        top: int,
        shown: int,
        active: bool,
        currency: str,
        width: int = 0,
    ) -> None:
        """The header (stage, count and value) and the footer (what is above and below).
        The count and the value are never cut: where the label and the count do not fit
        on one line (`CONTACTED · 20` in a 13-column stage), the label gives way
        (`CONTAC… 20`)."""
        heading = self.query_one(".column-header", Static)
        # On the header, not the column: a class on the column restyles every card in it.
        heading.set_class(active, "-active")
        label, count = summary.stage.label.upper(), f"{summary.count:,}"
        total = format_compact(summary.total_cents, currency)
        if not width or len(f"{label} · {count}") <= width:
            first = f"{label} · {count}"
        else:  # the label gives way; the count stays whole
            room = max(1, width - len(count) - 1)
            first = f"{label if len(label) <= room else label[: room - 1] + '…'} {count}"
        header = Content.assemble((first, "bold"), f"\n{total}")
        heading.update(header, layout=False)
        above = top
        below = max(0, summary.count - top - shown)
        footer = []
        if above:
            footer.append(f"▲ {above:,}")
        if below:
            footer.append(f"{below:,} more ▼")
        if not summary.count:
            footer.append("empty")
        text = "" if self.has_class("-folded") else " · ".join(footer)
        self.query_one(".column-footer", Static).update(text, layout=False)
