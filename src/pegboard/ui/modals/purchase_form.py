"""Record a purchase: shows the price before and after the loyalty discount while typing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from pegboard.clock import parse_date
from pegboard.money import cents_to_text, format_cents, parse_cents
from pegboard.services.loyalty_rules import PurchaseQuote
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.modals.lead_form import date_reading, phone_field, problem_of
from pegboard.ui.widgets.form_field import FormField


@dataclass(frozen=True)
class PurchaseDraft:
    list_cents: int
    what: str
    on: date


class PurchaseForm(FormScreen[PurchaseDraft]):
    DEFAULT_CSS = """
    PurchaseForm #price-preview {
        height: 3; margin-bottom: 1; padding: 0 1; background: $boost;
    }
    """

    def __init__(
        self,
        customer: str,
        today: date,
        quote: Callable[[int, date], PurchaseQuote],
        currency: str,
        date_order: str = "mdy",
        draft: PurchaseDraft | None = None,
    ) -> None:
        """`draft`: the purchase as recorded, when it is being put right."""
        super().__init__()
        self.draft = draft
        self.TITLE_TEXT = f"{'Edit purchase' if draft else 'Purchase'}: {customer}"
        self.today = today
        self.date_order = date_order
        self.quote = quote
        self.currency = currency

    def fields(self) -> ComposeResult:
        draft = self.draft
        yield FormField(
            "Amount *",
            cents_to_text(draft.list_cents, self.currency) if draft else "",
            check=lambda text: problem_of(lambda typed: parse_cents(typed, self.currency), text),
            placeholder="price before any discount, e.g. 120.00",
            id="amount",
        )
        yield FormField(
            "What", draft.what if draft else "", placeholder="what they bought", id="what"
        )
        yield FormField(
            "Date",
            (draft.on if draft else self.today).isoformat(),
            check=lambda text: problem_of(self._day, text),
            reading=lambda text: date_reading(text, self.today, self.date_order),
            id="date",
        )
        yield Static(id="price-preview", markup=False)

    def on_mount(self) -> None:
        self._preview()

    @on(Input.Changed)
    def _preview(self) -> None:
        """Before, discount (and the rule that gives it) and after, as the user types."""
        preview = self.query_one("#price-preview", Static)
        try:
            amount = parse_cents(self.field("amount").input.value, self.currency)
            day = self._day(self.field("date").input.value)
        except ValueError:
            preview.update("Type an amount to see the loyalty discount.")
            return
        quote = self.priced(amount, day)
        money = lambda cents: format_cents(cents, self.currency)  # noqa: E731
        rule = quote.rule or f"no discount on purchase {quote.purchase_number}"
        preview.update(
            f"Before   {money(quote.list_cents)}\n"
            f"Discount -{money(quote.discount_cents)}  ({rule})\n"
            f"Charged  {money(quote.charged_cents)}"
        )

    def priced(self, amount: int, day: date) -> PurchaseQuote:
        return self.quote(amount, day)

    def result(self) -> PurchaseDraft:
        return PurchaseDraft(
            list_cents=parse_cents(self.field("amount").value, self.currency),
            what=self.field("what").value,
            on=self._day(self.field("date").value),
        )

    def _day(self, text: str):
        return parse_date(text, self.today, self.date_order)


@dataclass(frozen=True)
class WalkInDraft(PurchaseDraft):
    customer: str = ""
    phone: str = ""


class WalkInPurchaseForm(PurchaseForm):
    """A purchase by someone who may not be in the book yet (a walk-in): their name and
    phone come first; a name already in the book is priced as that customer's."""

    def __init__(
        self,
        today: date,
        quote_by_name: Callable[[str, int, date], PurchaseQuote],
        currency: str,
        date_order: str,
        phone_region: str,
    ) -> None:
        super().__init__("new or walk-in customer", today, quote_by_name, currency, date_order)
        self.phone_region = phone_region

    def fields(self) -> ComposeResult:
        yield FormField(
            "Customer *",
            check=lambda text: None if text.strip() else "who bought it?",
            placeholder="name, as on the receipt",
            id="customer",
        )
        yield phone_field("", self.phone_region)
        yield from super().fields()

    def priced(self, amount: int, day: date) -> PurchaseQuote:
        return self.quote(self.field("customer").value, amount, day)

    def result(self) -> WalkInDraft:
        bought = super().result()
        return WalkInDraft(
            bought.list_cents,
            bought.what,
            bought.on,
            customer=self.field("customer").value,
            phone=self.field("phone").value,
        )
