"""The loyalty screen, the purchase form's live price, the rules editor, driven by Pilot."""

from datetime import timedelta

import pytest

from pegboard.config import load_settings
from pegboard.store.models import Contact, Purchase
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.confirm import Confirm
from pegboard.ui.modals.purchase_form import PurchaseForm
from pegboard.ui.screens.customer_detail import CustomerDetailScreen
from pegboard.ui.screens.filtered_table import PAGE_ROWS
from pegboard.ui.screens.loyalty import LoyaltyScreen
from pegboard.ui.screens.loyalty_rules import LoyaltyRulesScreen
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, drawn_text

SIZE = (120, 40)


@pytest.fixture
def app(database, settings, clock, tmp_path):
    return PegboardApp(Services(settings, clock), config_path=tmp_path / "config" / "config.toml")


@pytest.fixture
def customers(app, clock):
    ann = Contact.create(name="Ann Lee", created_at=FIXED_NOW, updated_at=FIXED_NOW).id
    bob = Contact.create(name="Bob Stone", created_at=FIXED_NOW, updated_at=FIXED_NOW).id
    app.services.loyalty.record_purchase(ann, 10000, "Books", on=clock.today() - timedelta(days=30))
    app.services.loyalty.record_purchase(bob, 5000, "Tax", on=clock.today() - timedelta(days=400))
    return {"ann": ann, "bob": bob}


async def test_loyalty_lists_customers_with_next_discount_and_flags(app, customers):
    async with app.run_test(size=(160, 48)) as pilot:  # wide: the rules by name
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoyaltyScreen)
        assert [row.name for row in screen.rows] == ["Ann Lee", "Bob Stone"]
        ann = screen.table.get_row_at(0)
        assert ann[5] == "10% off the 2nd purchase"
        assert screen.table.get_row_at(1)[6] == "lapsed"
        await pilot.press("s")  # last -> name (ascending)
        assert screen.sort == "name"
        await pilot.press("slash", *"bob", "enter")
        assert [row.name for row in screen.rows] == ["Bob Stone"]


async def test_a_long_customer_list_is_read_a_page_at_a_time(app, clock):
    """At 100,000 leads there are 20,000 customers: the table reads (and draws) a page,
    and the next one as the cursor nears the last row read; an action far down keeps
    the cursor on its customer."""
    names = [f"Customer {n:03d}" for n in range(PAGE_ROWS * 2 + 30)]
    Contact.insert_many(
        [(name, FIXED_NOW, FIXED_NOW) for name in names],
        fields=[Contact.name, Contact.created_at, Contact.updated_at],
    ).execute()
    for contact in Contact.select():
        app.services.loyalty.record_purchase(contact.id, 1000, on=clock.today())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "s")  # last -> name
        await pilot.pause()
        screen = app.screen
        assert screen.sort == "name"
        assert screen.table.row_count == PAGE_ROWS
        assert screen.sub_title == f"Loyalty · {len(names)}"
        await pilot.press(*["pagedown"] * 3)
        await app.workers.wait_for_complete()  # the next page is read in a worker
        await pilot.pause()
        # The next page (on PostgreSQL, where every poll for other writers reloads the
        # table as far as the cursor and a page past it, maybe more).
        assert screen.table.row_count > PAGE_ROWS
        assert [row.name for row in screen.rows] == names[: screen.table.row_count]
        while screen.table.cursor_row < PAGE_ROWS + 20:
            await pilot.press("down")
            await app.workers.wait_for_complete()
        chosen = screen.selected()
        await pilot.press("A")  # asked for a referral: the table is read again
        await pilot.pause()
        assert screen.selected().id == chosen.id
        assert Contact.get_by_id(chosen.id).asked_referral_at is not None
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.row_count == len(names)


async def test_purchase_form_shows_before_and_after_while_typing(app, customers):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.selected().name == "Ann Lee"
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PurchaseForm)
        await pilot.press(*"120")
        preview = str(app.screen.query_one("#price-preview").content)
        assert "Before   $120.00" in preview
        assert "Discount -$12.00  (10% off the 2nd purchase)" in preview
        assert "Charged  $108.00" in preview
        await pilot.press("tab", *"Payroll", "enter")
        await pilot.pause()
        latest = Purchase.select().order_by(Purchase.id.desc()).get()
        assert (latest.list_cents, latest.discount_cents, latest.amount_cents) == (
            12000,
            1200,
            10800,
        )
        assert (latest.rule, latest.what) == ("10% off the 2nd purchase", "Payroll")
        row = app.screen.rows[0]
        assert (row.name, row.purchases) == ("Ann Lee", 2)
        assert row.ask_for_referral
        await pilot.press("A")
        assert not app.screen.rows[0].ask_for_referral
        assert Contact.get_by_id(customers["ann"]).asked_referral_at is not None


async def test_hand_purchase_on_the_won_day_asks_first(app, leads, make_lead):
    lead_id = make_lead("Cara Won", value_cents=50000)
    leads.move_lead(lead_id, "won")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("p", *"500", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert Purchase.select().count() == 1
        await pilot.press("p", *"80", "enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert Purchase.select().count() == 2


async def test_customer_detail_lists_purchases(app, customers):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerDetailScreen)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 1
        await pilot.press("T")
        assert Contact.get_by_id(customers["ann"]).testimonial_at is not None


async def test_rule_change_in_the_app_applies_at_once_and_survives_restart(
    app, customers, tmp_path
):
    config = tmp_path / "config" / "config.toml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "R")
        await pilot.pause()
        assert isinstance(app.screen, LoyaltyRulesScreen)
        await pilot.press("e")
        await pilot.pause()
        percent = app.screen.query_one("#percent")
        percent.input.focus()
        await pilot.press("backspace", "backspace", *"20", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LoyaltyRulesScreen)
        assert app.screen.rules[0].percent == 20
        # A bad rule is refused with the reason; the form keeps what was typed.
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab", *"2", "tab", "tab", *"150", "enter")
        await pilot.pause()
        assert "at most 100" in str(app.screen.query_one("#rule-error").content)
        await pilot.press("escape", "y", "escape")  # drop the bad rule (asked), leave
        await pilot.pause()
        assert app.screen.rows[0].next_rule.name == "20% off the 2nd purchase"
        quote = app.services.loyalty.quote(customers["ann"], 10000)
        assert quote.discount_cents == 2000
    assert load_settings(config).loyalty_rules[0].name == "20% off the 2nd purchase"


async def test_rules_delete_and_undo(app, tmp_path):
    config = tmp_path / "config" / "config.toml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "R", "d")
        assert len(load_settings(config).loyalty_rules) == 1
        await pilot.press("u")
        assert len(load_settings(config).loyalty_rules) == 2


async def test_u_takes_back_the_asked_mark_and_a_purchase_at_80x24(app, customers):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert [row.name for row in screen.rows] == ["Ann Lee", "Bob Stone"]
        await pilot.press("A")
        assert Contact.get_by_id(customers["ann"]).asked_referral_at == FIXED_NOW
        await pilot.press("u")
        await pilot.pause()
        assert Contact.get_by_id(customers["ann"]).asked_referral_at is None
        assert "Undone: asked for a referral (Ann Lee)" in [n.message for n in app._notifications]
        # The next u reaches the purchase recorded before the app opened.
        await pilot.press("u")
        await pilot.pause()
        assert [row.name for row in screen.rows] == ["Ann Lee"]
        assert Purchase.select().where(Purchase.archived_at.is_null()).count() == 1


async def test_an_undo_refused_says_why_and_changes_nothing(app, customers, settings, clock):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("A")
        # Another window asks Ann again a minute later.
        other = Services(settings, clock)
        Contact.update(asked_referral_at=FIXED_NOW + timedelta(minutes=1)).where(
            Contact.id == customers["ann"]
        ).execute()
        assert other.undo_log.undo() is None
        await pilot.press("u")
        await pilot.pause()
        (refusal,) = [n for n in app._notifications if n.message.startswith("Not undone")]
        assert "asked referral at" in refusal.message and refusal.severity == "warning"
        asked = Contact.get_by_id(customers["ann"]).asked_referral_at
        assert asked == FIXED_NOW + timedelta(minutes=1)


async def test_a_purchase_made_by_mistake_is_archived_and_the_page_says_what_is_next(
    app, customers
):
    from pegboard.store.models import Purchase

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CustomerDetailScreen)
        panel = screen.query_one("#customer-info")
        info = drawn_text(panel)
        assert "Next purchase" in info and "purchase 2: 10% off the 2nd purchase" in info
        before = Purchase.select().where(Purchase.archived_at.is_null()).count()
        await pilot.press("a")
        await pilot.pause()
        assert Purchase.select().where(Purchase.archived_at.is_null()).count() == before - 1
        assert any("· u to undo" in n.message for n in app._notifications)
        await pilot.press("u")
        await pilot.pause()
        assert Purchase.select().where(Purchase.archived_at.is_null()).count() == before


async def test_a_purchase_typed_wrong_is_edited_priced_again_and_undone(app, customers, clock):
    """e on the customer page: the form holds the purchase as recorded; the edit is
    priced as of its day, not counting itself (Ann's one purchase stays her first: no
    discount), and u puts it back."""
    ann = customers["ann"]
    second = app.services.loyalty.record_purchase(ann, 20000, "Pens", on=clock.today())
    assert second.discount_cents == 2000  # 10% off the 2nd purchase
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CustomerDetailScreen) and screen.detail.name == "Ann Lee"
        newest = screen.detail.purchases[0]
        assert newest.what == "Pens"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PurchaseForm)
        assert form.field("amount").input.value == "200.00"
        assert form.field("what").input.value == "Pens"
        assert form.field("date").input.value == clock.today().isoformat()
        form.field("amount").input.value = "250"
        await pilot.pause()
        assert "Discount -$25.00" in str(form.query_one("#price-preview").render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        edited = Purchase.get_by_id(newest.id)
        assert (edited.list_cents, edited.discount_cents, edited.amount_cents) == (
            25000,
            2500,
            22500,
        )
        assert edited.rule == "10% off the 2nd purchase"
        # Moved before her first purchase, it is her first: no discount.
        await pilot.press("e")
        await pilot.pause()
        app.screen.field("date").input.value = (clock.today() - timedelta(days=60)).isoformat()
        await pilot.press("enter")
        await pilot.pause()
        edited = Purchase.get_by_id(newest.id)
        assert (edited.discount_cents, edited.amount_cents, edited.rule) == (0, 25000, "")
        await pilot.press("u", "u")
        await pilot.pause()
        back = Purchase.get_by_id(newest.id)
        assert (back.list_cents, back.amount_cents, back.purchased_on) == (
            20000,
            18000,
            clock.today(),
        )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_walk_in_customers_first_purchase_is_recorded_from_loyalty(app, customers, size):
    """N on Loyalty: a name not in the book makes the customer with the purchase, in one
    write, undone by u; a name already in the book is priced and filed as theirs."""
    from pegboard.ui.modals.purchase_form import WalkInPurchaseForm

    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        await pilot.press("N")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, WalkInPurchaseForm)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form, "no name: the form stays open"
        assert "who bought it?" in str(form.field("customer").query_one(".field-error").render())
        await pilot.press(*"Walk Inn", "tab", *"555 0142", "tab", *"80", "tab", *"Tea")
        await pilot.pause()
        assert "purchase 1" in str(form.query_one("#price-preview").render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        walk_in = Contact.get(Contact.name == "Walk Inn")
        assert walk_in.phone == "555 0142"
        bought = Purchase.get(Purchase.contact == walk_in.id)
        assert (bought.list_cents, bought.what, bought.purchased_on) == (
            8000,
            "Tea",
            FIXED_NOW.date(),
        )
        assert screen.selected().name == "Walk Inn"
        await pilot.press("u")
        await pilot.pause()
        assert Purchase.get_by_id(bought.id).archived_at is not None
        assert "Walk Inn" not in [row.name for row in screen.rows]
        # Ann is in the book with one purchase: her second earns the 10% rule.
        await pilot.press("N", *"ann lee", "tab", "tab", *"100", "tab")
        await pilot.pause()
        preview = str(app.screen.query_one("#price-preview").render())
        assert "Discount -$10.00" in preview
        await pilot.press("enter")
        await pilot.pause()
        assert Contact.select().where(Contact.name_key == "ann lee").count() == 1
        ann = Purchase.select().where(Purchase.contact == customers["ann"]).order_by(Purchase.id)
        assert [p.amount_cents for p in ann] == [10000, 9000]
