"""One customer: purchases with their discounts, where they came from, and who referred them."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pegboard.clock import Clock, to_local
from pegboard.config import Settings
from pegboard.errors import DomainError, ServiceError
from pegboard.money import format_cents
from pegboard.services.discount_expiry import discount_endings
from pegboard.services.loyalty import LoyaltyService
from pegboard.text import counted, shown
from pegboard.ui.messages import ShowsData
from pegboard.ui.modals.confirm import Confirm
from pegboard.ui.modals.purchase_form import PurchaseDraft, PurchaseForm
from pegboard.ui.reach import reach_line
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable, TextTable


def record_purchase_for(
    screen: Screen,
    loyalty: LoyaltyService,
    customer_id: int,
    name: str,
    clock: Clock,
    after: Callable[[], None],
) -> None:
    """Ask for the purchase, check it is not the won lead's again, record it, then `after`."""
    _PurchaseRecording(screen, loyalty, customer_id, name, after).open(clock.today())


class _PurchaseRecording:
    """One purchase recorded from a screen: the form, and the question asked when
    winning the customer's lead already recorded a purchase that day."""

    def __init__(
        self,
        screen: Screen,
        loyalty: LoyaltyService,
        customer_id: int,
        name: str,
        after: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.loyalty = loyalty
        self.customer_id = customer_id
        self.name = name
        self.after = after
        self.currency = loyalty.settings.currency

    def open(self, today) -> None:
        self.form = PurchaseForm(
            self.name,
            today,
            lambda cents, day: self.loyalty.quote(self.customer_id, cents, day),
            self.currency,
            self.loyalty.settings.date_order,
        ).saving(self.save)
        self.screen.app.push_screen(self.form, self.saved)

    def save(self, draft: PurchaseDraft):
        """Record at once, unless winning the lead already recorded one that day: then
        the form closes and a question comes first (answered in `saved`).
        Returns (the quote recorded, or None; the won lead's purchase, or None)."""
        won = self.loyalty.won_lead_purchase_on(self.customer_id, draft.on)
        if won is not None:
            return None, won
        return self.record(draft), None

    def record(self, draft: PurchaseDraft):
        return self.loyalty.record_purchase(
            self.customer_id, draft.list_cents, draft.what, draft.on
        )

    def saved(self, draft: PurchaseDraft | None) -> None:
        if draft is None:
            return
        quote, won = self.form.saved
        if quote is not None:
            self.announce(quote)
            return
        self.screen.app.push_screen(
            Confirm(
                f"Winning {self.name}'s lead already recorded a "
                f"{format_cents(won.amount_cents, self.currency)} purchase on {draft.on}. "
                "Record this one as well?"
            ),
            lambda confirmed: self.record_second(draft, confirmed),
        )

    def record_second(self, draft: PurchaseDraft, confirmed: bool) -> None:
        if not confirmed:
            self.screen.notify("Not recorded: the won lead's purchase stands", timeout=3)
            return
        try:
            quote = self.record(draft)
        except ServiceError as error:
            self.screen.notify(str(error), severity="error", timeout=8)
            return
        self.announce(quote)

    def announce(self, quote) -> None:
        self.screen.notify(charged_notice(self.name, quote, self.currency), timeout=4)
        self.after()


def charged_notice(name: str, quote, currency: str) -> str:
    """What a recorded purchase cost: `Ann Lee: $108.00 charged after $12.00 off`."""
    charged = format_cents(quote.charged_cents, currency)
    off = format_cents(quote.discount_cents, currency)
    discount = f" after {off} off" if quote.discount_cents else ""
    return f"{name}: {charged} charged{discount} · u to undo"


class CustomerDetailScreen(UndoesSteps, ShowsData, Screen[None]):
    DEFAULT_CSS = """
    CustomerDetailScreen {
        & #customer-info { padding: 1 2; height: auto; }
        & #purchases { height: 1fr; margin: 0 1; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="customer-detail.close"),
        Binding("p", "purchase", "Purchase", id="customer-detail.purchase"),
        Binding("A", "asked", "Asked for referral", id="customer-detail.asked"),
        Binding("T", "testimonial", "Testimonial", id="customer-detail.testimonial"),
        Binding("e", "edit", "Edit purchase", id="customer-detail.edit"),
        Binding("a", "archive", "Archive purchase", id="customer-detail.archive"),
        Binding("u", "undo", "Undo", id="customer-detail.undo"),
    ]

    def __init__(
        self, customer_id: int, loyalty: LoyaltyService, settings: Settings, clock: Clock
    ) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.loyalty = loyalty
        self.undo_log = loyalty.undo_log
        self.settings = settings
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="customer-info")
        yield PlainTable(id="purchases", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("Date", "What", "Before", "Discount", "Charged", "Rule"):
            table.add_column(label)
        self.reload_data()
        table.focus()

    def reload_data(self) -> None:
        detail = self.loyalty.customer_detail(self.customer_id)
        self.detail = detail
        self.sub_title = f"Customer · {shown(detail.name)}"
        currency = self.loyalty.settings.currency

        def when(moment) -> str:
            return to_local(moment).strftime("%Y-%m-%d") if moment else "—"

        info = TextTable.grid(padding=(0, 2))
        info.add_column(style="dim")
        info.add_column()
        info.add_row("Customer", Text(detail.name, style="bold"))
        info.add_row("Company", detail.company or "—")
        info.add_row("Reach", reach_line(detail.email, detail.phone, detail.also))
        came = detail.source or "—"
        if detail.lead_title:
            came += f" (lead: {detail.lead_title})"
        info.add_row("Came from", came)
        info.add_row("Referred by", detail.referred_by or "—")
        total = sum(p.amount_cents for p in detail.purchases)
        info.add_row("Purchases", f"{len(detail.purchases)} · {format_cents(total, currency)}")
        info.add_row("Next purchase", self._next_purchase(total, len(detail.purchases)))
        if self.settings.loyalty_tiers:
            info.add_row("Tier", self._tier_line())
        info.add_row("Asked for referral", when(detail.asked_referral_at))
        info.add_row("Testimonial", when(detail.testimonial_at))
        self.query_one("#customer-info", Static).update(info)
        table = self.query_one(DataTable)
        table.clear()
        for purchase in detail.purchases:
            table.add_row(
                purchase.purchased_on.isoformat(),
                purchase.what or "—",
                Text(format_cents(purchase.list_cents, currency), justify="right"),
                Text(format_cents(purchase.discount_cents, currency), justify="right")
                if purchase.discount_cents
                else "",
                Text(format_cents(purchase.amount_cents, currency), justify="right"),
                purchase.rule or ("won lead" if purchase.lead_id else ""),
            )

    def _tier_line(self) -> str:
        """`Gold (10% off) · $120 more to Platinum`, or `none yet · 2 more purchases to Silver`."""
        from pegboard.services.tiers import standings

        standing = standings(self.settings, self.clock.today(), [self.customer_id])[
            self.customer_id
        ]
        tier, following = standing.tier, standing.next_tier
        reached = f"{tier.name} ({tier.percent:g}% off)" if tier else "none yet"
        if following is None:
            return f"{reached} · the top tier"
        if standing.missing_cents is not None:
            missing = f"{format_cents(standing.missing_cents, self.settings.currency)} more"
        else:
            missing = counted(standing.missing_purchases or 0, "more purchase", "more purchases")
        return f"{reached} · {missing} to {following.name}"

    def _next_purchase(self, total: int, count: int) -> str:
        """What the next purchase gets, priced at the customer's average one."""
        currency = self.loyalty.settings.currency
        typical = total // count if count else 0
        quote = self.loyalty.quote(self.customer_id, typical)
        if not quote.rule:
            return f"purchase {quote.purchase_number}: no discount"
        off = format_cents(quote.discount_cents, currency)
        line = f"purchase {quote.purchase_number}: {quote.rule} ({off} off a {format_cents(typical, currency)} one)"
        ends = discount_endings(self.settings, self.clock.today(), [self.customer_id])
        if self.customer_id in ends:
            line += f", until {ends[self.customer_id]:%a %d %b %Y}"
        return line

    def _purchase_or_warn(self):
        row = self.query_one(DataTable).cursor_row
        purchases = self.detail.purchases
        if row is None or not 0 <= row < len(purchases):
            self.notify("No purchase here", severity="warning", timeout=3)
            return None
        return purchases[row]

    def action_edit(self) -> None:
        """Put right the purchase under the cursor: priced again as it is saved."""
        purchase = self._purchase_or_warn()
        if purchase is None:
            return
        if purchase.lead_id is not None:
            self.notify("This is the won lead's purchase: change its value on the board", timeout=4)
            return
        loyalty, currency = self.loyalty, self.loyalty.settings.currency
        form = PurchaseForm(
            self.detail.name,
            self.clock.today(),
            lambda cents, day: loyalty.quote(self.customer_id, cents, day, excluding=purchase.id),
            currency,
            loyalty.settings.date_order,
            PurchaseDraft(purchase.list_cents, purchase.what, purchase.purchased_on),
        ).saving(
            lambda draft: loyalty.edit_purchase(purchase.id, draft.list_cents, draft.what, draft.on)
        )

        def saved(draft: PurchaseDraft | None) -> None:
            if draft is not None:
                self.notify(charged_notice(self.detail.name, form.saved, currency), timeout=4)
                self.reload_data()

        self.app.push_screen(form, saved)

    def action_archive(self) -> None:
        purchase = self._purchase_or_warn()
        if purchase is None:
            return
        try:
            self.loyalty.archive_purchase(purchase.id)
        except DomainError as error:
            self.notify(str(error), severity="error", timeout=5)
            return
        money = format_cents(purchase.amount_cents, self.loyalty.settings.currency)
        self.notify(
            f"Archived the {money} purchase of {purchase.purchased_on} · u to undo", timeout=4
        )
        self.reload_data()

    def action_purchase(self) -> None:
        record_purchase_for(
            self, self.loyalty, self.customer_id, self.detail.name, self.clock, self.reload_data
        )

    def action_asked(self) -> None:
        self.loyalty.mark_asked(self.customer_id)
        self.reload_data()

    def action_testimonial(self) -> None:
        self.loyalty.mark_testimonial(self.customer_id)
        self.reload_data()

    def action_close(self) -> None:
        self.dismiss(None)
