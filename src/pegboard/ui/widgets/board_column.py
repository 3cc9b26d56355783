"""A board column: a header with count and value, and a fixed pool of card slots.

The pool holds as many cards as fit on screen and is refilled as the cursor
scrolls, so a column of 50,000 leads costs the same widgets as one of five.
"""

from __future__ import annotations

from datetime import date, datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

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
    ) -> None:
        stale = card.is_stale(now, stale_after_days)
        days = card.days_in_stage(now)
        drawn = (card, closes, stale, days, today, currency, selected, selected and active)
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
        subtitle = shown(card.company or (card.title if card.title != card.name else ""))
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
        if closes == "lost":
            parts.append(
                (shown(f"lost: {card.lost_reason}" if card.lost_reason else "lost"), "dim")
            )
        elif closes is not None or card.due_date is None:
            parts.append(f"{days}d in stage")
        else:
            label = "today" if card.is_due_today(today) else card.due_date.strftime("%b %d")
            style = "bold red" if overdue else ("bold yellow" if card.is_due_today(today) else "")
            parts.append(f"{days}d · ")
            due = ("⚠ " if overdue else "→ ") + label
            parts.append((due, style) if style else due)
        # Textual's own Content draws without a trip through Rich, which counts at 60 fps.
        text = Content.assemble(*parts)
        # The card's size is fixed by its styles: a repaint, not a layout of the screen.
        self.update(text, layout=False)


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
        & > .column-cards { height: 1fr; }
    }
    """

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
    ) -> None:
        self.cards = cards
        self.top = top
        self.active = active
        edges = (summary, top, len(cards), active, currency)
        if edges != self.shown_edges:
            self.shown_edges = edges
            self._show_edges(summary, top, len(cards), active, currency)
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
                )
            else:
                slot.display = False

    def _show_edges(
        self, summary: ColumnSummary, top: int, shown: int, active: bool, currency: str
    ) -> None:
        """The header (stage, count and value) and the footer (what is above and below)."""
        heading = self.query_one(".column-header", Static)
        # On the header, not the column: a class on the column restyles every card in it.
        heading.set_class(active, "-active")
        header = Content.assemble(
            (f"{summary.stage.label.upper()} · {summary.count:,}", "bold"),
            f"\n{format_compact(summary.total_cents, currency)}",
        )
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
        self.query_one(".column-footer", Static).update(" · ".join(footer), layout=False)
