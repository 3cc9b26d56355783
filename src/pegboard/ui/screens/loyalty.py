"""Loyalty: repeat customers, what they bought, and the discount their next purchase gets."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header

from pegboard.clock import Clock
from pegboard.config import LoyaltyRule, Settings
from pegboard.money import format_cents
from pegboard.services.customer_views import CUSTOMER_SORTS, CustomerRow, next_offer
from pegboard.services.loyalty import LoyaltyService
from pegboard.text import counted
from pegboard.ui.screens.customer_detail import CustomerDetailScreen, record_purchase_for
from pegboard.ui.screens.filtered_table import FilteredTableScreen
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.filter_bar import FilterBar
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable

COLUMNS = (
    ("name", "Customer"),
    ("purchases", "Bought"),
    ("lifetime", "Lifetime value"),
    ("tier", "Tier"),
    ("first", "First"),
    ("last", "Last"),
    ("next", "Next purchase gets"),
    ("flags", "Flags"),
)


class LoyaltyScreen(UndoesSteps, FilteredTableScreen):
    """Customers with purchases, lifetime value, the next discount, and who to ask."""

    LISTING = "Loyalty"
    COLUMNS = COLUMNS
    SORTS = CUSTOMER_SORTS
    NARROW_LABELS = {
        "name": "Customer",
        "purchases": "Bought",
        "lifetime": "Lifetime",
        "tier": "Tier",
        "last": "Last",
        "next": "Next gets",
        "flags": "Flags",
    }
    NARROW_BELOW = 140
    """The wide table (rule names, the first purchase) takes 133 columns on a demo book."""

    BINDINGS = [
        Binding("enter", "open_customer", "Open", id="loyalty.open"),
        Binding("p", "purchase", "Purchase", id="loyalty.purchase"),
        Binding("N", "walk_in", "New customer", id="loyalty.walk-in"),
        Binding("A", "asked", "Asked for referral", id="loyalty.asked"),
        Binding("T", "testimonial", "Testimonial", id="loyalty.testimonial"),
        Binding("u", "undo", "Undo", id="loyalty.undo"),
        Binding("s", "sort", "Sort", id="loyalty.sort"),
        Binding("S", "reverse", "Reverse", show=False, id="loyalty.reverse"),
        Binding("R", "rules", "Rules", id="loyalty.rules"),
        Binding("slash", "filter", "Filter", priority=True, id="loyalty.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="loyalty.clear-filter"),
    ]

    DEFAULT_CSS = """
    LoyaltyScreen #customers { height: 1fr; }
    """

    def __init__(self, loyalty: LoyaltyService, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.loyalty = loyalty
        self.undo_log = loyalty.undo_log
        self.settings = settings
        self.clock = clock
        self.sort = "last"
        self.descending = True
        self.text = ""
        self.rows: list[CustomerRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield PlainTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield FilterBar("name or company — enter keeps, esc clears")
        yield KeyFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#customers", DataTable)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """As FilteredTableScreen's, with the Tier column only for a book with tiers."""
        shown = super().columns
        if self.settings.loyalty_tiers:
            return shown
        return tuple(column for column in shown if column[0] != "tier")

    def read_page(self, offset: int, limit: int) -> tuple[list[CustomerRow], int]:
        return self.loyalty.customer_page(self.sort, self.descending, self.text, offset, limit)

    def add_table_row(self, row: CustomerRow) -> None:
        flags = []
        if row.ask_for_referral:
            flags.append("ask for a referral")
        if row.lapsed:
            flags.append("lapsed")
        currency = self.loyalty.settings.currency
        cells = {
            "name": row.name,
            "purchases": Text(str(row.purchases), justify="right"),
            "lifetime": Text(
                format_cents(row.lifetime_cents, currency, whole=True), justify="right"
            ),
            "tier": tier_cell(row, currency, self.narrow),
            "first": row.first_purchase.isoformat() if row.first_purchase else "—",
            "last": row.last_purchase.isoformat() if row.last_purchase else "—",
            "next": next_cell(row, currency, self.narrow),
            "flags": ", ".join(NARROW_FLAGS.get(f, f) for f in flags)
            if self.narrow
            else ", ".join(flags),
        }
        self.add_cells(cells, str(row.id))

    def selected(self) -> CustomerRow | None:
        row = self.current_row()
        if row is None:
            self.notify(
                "No customer here yet: win a lead, or N records a new customer's purchase",
                timeout=3,
            )
        return row

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_customer()

    def action_open_customer(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(
                CustomerDetailScreen(row.id, self.loyalty, self.settings, self.clock)
            )

    def action_purchase(self) -> None:
        row = self.selected()
        if row is not None:
            record_purchase_for(
                self,
                self.loyalty,
                row.id,
                row.name,
                self.clock,
                after=lambda: self.reload_data(keep=row.id),
            )

    def action_walk_in(self) -> None:
        """A purchase by a customer not in the book yet (or found by name): N."""
        from pegboard.ui.modals.purchase_form import WalkInDraft, WalkInPurchaseForm
        from pegboard.ui.screens.customer_detail import charged_notice

        loyalty, settings = self.loyalty, self.settings

        def save(draft: WalkInDraft):
            return loyalty.record_purchase_by_name(
                draft.customer,
                draft.list_cents,
                draft.what,
                draft.on,
                create_customer=True,
                phone=draft.phone,
            )

        def saved(draft: WalkInDraft | None) -> None:
            if draft is None:
                return
            self.notify(charged_notice(draft.customer, form.saved, settings.currency), timeout=4)
            self.reload_data(keep=loyalty.find_or_create_customer(draft.customer, create=False))

        form = WalkInPurchaseForm(
            self.clock.today(),
            loyalty.quote_by_name,
            settings.currency,
            settings.date_order,
            settings.phone_region,
        ).saving(save)
        self.app.push_screen(form, saved)

    def action_asked(self) -> None:
        row = self.selected()
        if row is not None:
            self.loyalty.mark_asked(row.id)
            self.notify(f"Asked {row.name} for a referral · u to undo", timeout=3)
            self.reload_data()

    def action_testimonial(self) -> None:
        row = self.selected()
        if row is not None:
            self.loyalty.mark_testimonial(row.id)
            self.notify(f"{row.name} gave a testimonial · u to undo", timeout=3)
            self.reload_data()

    def action_rules(self) -> None:
        self.app.open_loyalty_rules()


NARROW_FLAGS = {"ask for a referral": "ask"}
"""Flags as a narrow table words them."""


def next_cell(row: CustomerRow, currency: str, narrow: bool) -> str:
    """The next purchase's discount (a rule's or the tier's, the best): `10% off the 2nd
    purchase till Dec 20`, `Gold: 10% off` (narrow: `10% off`)."""
    offer = next_offer(row)
    if offer is None:
        return "—"
    name, source = offer
    if narrow:
        return (
            short_rule(source, currency)
            if isinstance(source, LoyaltyRule)
            else f"{source.percent:g}% off"
        )
    lapsing = row.discount_ends if isinstance(source, LoyaltyRule) else None
    return name + (f" till {lapsing:%b %d}" if lapsing else "")


def tier_cell(row: CustomerRow, currency: str, narrow: bool) -> str:
    """`Silver · $70 to Gold` (narrow: `Silver`)."""
    standing = row.standing
    reached = standing.tier.name if standing and standing.tier else "—"
    if narrow or standing is None or standing.next_tier is None:
        return reached
    if standing.missing_cents is not None:
        missing = format_cents(standing.missing_cents, currency, whole=True)
    else:
        missing = counted(standing.missing_purchases or 0, "purchase")
    return f"{reached} · {missing} to {standing.next_tier.name}"


def short_rule(rule, currency: str) -> str:
    """A rule as a narrow table says it: its discount (`10% off`, `$5 off`)."""
    if rule.percent is not None:
        return f"{rule.percent:g}% off"
    return f"{format_cents(rule.amount_cents or 0, currency, whole=True)} off"
