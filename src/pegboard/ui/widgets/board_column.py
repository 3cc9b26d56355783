"""A board column: a header with count and value, and a fixed pool of card slots.

The pool holds as many cards as fit on screen and is refilled as the cursor
scrolls, so a column of 50,000 leads costs the same widgets as one of five.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from pegboard.money import format_cents, format_compact
from pegboard.services.board import Card, ColumnSummary

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

    def show_card(
        self,
        card: Card,
        *,
        stale_after_days: int | None,
        now: datetime,
        today: date,
        currency: str,
        selected: bool,
        active: bool,
    ) -> None:
        overdue = card.is_overdue(today)
        states = {
            "-referral": card.is_referral,
            "-stale": card.is_stale(now, stale_after_days),
            "-overdue": overdue,
            "-selected": selected,
            "-active-column": selected and active,
        }
        wanted = {name for name, on in states.items() if on}
        # One restyle per card, and none when nothing changed: set_class per state
        # restyles each time, which was most of the board's drawing cost.
        if wanted != set(self.classes):
            self.set_classes(wanted)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(("★ " if card.is_referral else "") + card.name, style="bold")
        subtitle = card.company or (card.title if card.title != card.name else "")
        text.append("\n" + subtitle, style="dim")
        value = format_cents(card.value_cents, currency, whole=True) if card.value_cents else "—"
        via = f"via {card.partner}" if card.partner else (card.source or "no source")
        text.append(f"\n{value} · ")
        text.append(via, style="green" if card.is_referral else "")
        days = card.days_in_stage(now)
        text.append("\n")
        if card.due_date is None:
            text.append(f"{days}d in stage")
        else:
            label = "today" if card.is_due_today(today) else card.due_date.strftime("%b %d")
            style = "bold red" if overdue else ("bold yellow" if card.is_due_today(today) else "")
            text.append(f"{days}d · ")
            text.append(("⚠ " if overdue else "→ ") + label, style=style)
        self.update(text)


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
        &.-active > .column-header { background: $primary 40%; color: $text; text-style: bold; }
        & > .column-footer { height: 1; color: $text-muted; text-align: center; }
        & > .column-cards { height: 1fr; }
    }
    """

    def __init__(self, stage_id: str, capacity: int) -> None:
        super().__init__(id=f"column-{stage_id}")
        self.stage_id = stage_id
        self.capacity = capacity
        self.cards: list[Card] = []
        """The cards now shown, top first."""

    def compose(self) -> ComposeResult:
        yield Static(classes="column-header")
        with Vertical(classes="column-cards"):
            for _ in range(self.capacity):
                yield LeadCard()
        yield Static(classes="column-footer")

    async def resize_pool(self, capacity: int) -> None:
        """Grow or shrink the pool of card slots to `capacity`."""
        holder = self.query_one(".column-cards", Vertical)
        slots = list(holder.query(LeadCard))
        if capacity > len(slots):
            await holder.mount_all([LeadCard() for _ in range(capacity - len(slots))])
        elif capacity < len(slots):
            await holder.remove_children(slots[capacity:])
        self.capacity = capacity

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
        self.set_class(active, "-active")
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(f"{summary.stage.label.upper()} · {summary.count:,}", style="bold")
        header.append(f"\n{format_compact(summary.total_cents, currency)}")
        self.query_one(".column-header", Static).update(header)
        for index, slot in enumerate(self.query(LeadCard)):
            if index < len(cards):
                slot.display = True
                slot.show_card(
                    cards[index],
                    stale_after_days=summary.stage.stale_after_days,
                    now=now,
                    today=today,
                    currency=currency,
                    selected=top + index == cursor,
                    active=active,
                )
            else:
                slot.display = False
        above = top
        below = max(0, summary.count - top - len(cards))
        footer = []
        if above:
            footer.append(f"▲ {above:,}")
        if below:
            footer.append(f"{below:,} more ▼")
        if not summary.count:
            footer.append("empty")
        self.query_one(".column-footer", Static).update(" · ".join(footer))
