"""The loyalty rule engine on its own, the rules in config, and purchases on a real database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pegboard.config import ConfigError, LoyaltyRule, Settings, load_settings, save_settings
from pegboard.services.customer_views import customer_records
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.loyalty_rules import (
    PriorPurchases,
    best_discount,
    discount_cents,
    months_before,
)
from pegboard.store.models import Contact, Lead, Purchase
from tests.conftest import FIXED_NOW, undo

TEN_SECOND = LoyaltyRule("10% off 2nd", purchase=2, percent=Decimal(10))
FIFTEEN_LATER = LoyaltyRule("15% off 3rd+", purchase=3, and_later=True, percent=Decimal(15))
DEFAULTS = (TEN_SECOND, FIFTEEN_LATER)


def off(rules, prior_count, amount, within=None):
    found = best_discount(rules, PriorPurchases(prior_count, within or {}), amount)
    return (found.discount_cents, found.rule.name) if found else (0, None)


def test_default_rules_ten_then_fifteen_percent():
    assert off(DEFAULTS, 0, 10000) == (0, None)
    assert off(DEFAULTS, 1, 10000) == (1000, "10% off 2nd")
    assert off(DEFAULTS, 2, 10000) == (1500, "15% off 3rd+")
    assert off(DEFAULTS, 9, 10000) == (1500, "15% off 3rd+")


def test_every_nth_purchase():
    every_fifth = (LoyaltyRule("$20 every 5th", every=5, amount_cents=2000),)
    assert [off(every_fifth, n, 5000)[0] for n in range(11)] == [
        0,
        0,
        0,
        0,
        2000,
        0,
        0,
        0,
        0,
        2000,
        0,
    ]


def test_fixed_amount_never_exceeds_the_price():
    rules = (LoyaltyRule("$20 off 2nd", purchase=2, amount_cents=2000),)
    assert off(rules, 1, 1500) == (1500, "$20 off 2nd")


def test_minimum_purchase_amount():
    rules = (LoyaltyRule("10% on $100+", purchase=2, percent=Decimal(10), min_cents=10000),)
    assert off(rules, 1, 9999) == (0, None)
    assert off(rules, 1, 10000) == (1000, "10% on $100+")


def test_window_counts_only_recent_purchases():
    rules = (LoyaltyRule("3rd within a year", purchase=3, percent=Decimal(20), window_months=12),)
    prior = PriorPurchases.from_dates(
        [date(2025, 1, 1), date(2026, 3, 1), date(2026, 9, 1)], date(2026, 11, 23), {12}
    )
    assert prior.total == 3 and prior.within == {12: 2}
    assert best_discount(rules, prior, 10000).discount_cents == 2000
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_ties_go_to_the_first_rule_and_the_best_wins():
    a = LoyaltyRule("A 10%", purchase=2, percent=Decimal(10))
    b = LoyaltyRule("B $10", purchase=2, amount_cents=1000)
    c = LoyaltyRule("C $15", purchase=2, amount_cents=1500)
    assert off((a, b), 1, 10000) == (1000, "A 10%")
    assert off((b, a), 1, 10000) == (1000, "B $10")
    assert off((a, b, c), 1, 10000) == (1500, "C $15")
    assert off((a, b, c), 1, 50000) == (5000, "A 10%")


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [(1005, "10", 101), (1004, "10", 100), (333, "15", 50), (10, "12.5", 1), (3, "50", 2)],
)
def test_percent_is_rounded_half_up_to_the_cent(amount, percent, expected):
    rule = LoyaltyRule("r", purchase=1, percent=Decimal(percent))
    assert discount_cents(rule, amount) == expected


def test_rules_read_from_config_and_written_back(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[loyalty]\nask_referral_after_days = 30\nlapsed_after_months = 4\n"
        "[[loyalty.rules]]\nevery = 5\namount = 20\nmin_amount = 100.5\nwindow_months = 12\n"
        '[[loyalty.rules]]\nname = "Second visit"\npurchase = 2\npercent = 12.5\n'
    )
    settings = load_settings(path)
    first, second = settings.loyalty_rules
    assert (first.every, first.amount_cents, first.min_cents, first.window_months) == (
        5,
        2000,
        10050,
        12,
    )
    assert first.name == "$20 off every 5th purchase of $101+ (counting the last 12 months)"
    assert (second.name, second.percent) == ("Second visit", Decimal("12.5"))
    assert (settings.ask_referral_after_days, settings.lapsed_after_months) == (30, 4)
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert load_settings(tmp_path / "missing.toml").loyalty_rules == Settings().loyalty_rules


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("purchase = 2\npercent = -5\n", "percent must be more than 0"),
        ("purchase = 2\npercent = 150\n", "at most 100"),
        ("purchase = 2\npercent = 10\ncolour = 1\n", "unknown field 'colour'"),
        ("percent = 10\n", "exactly one of purchase"),
        ("purchase = 2\nevery = 3\npercent = 10\n", "exactly one of purchase"),
        ("purchase = 2\n", "exactly one of percent or amount"),
        ("every = 1\namount = 5\n", "every must be a whole number, 2 or more"),
        ("every = 3\nand_later = true\npercent = 5\n", "and_later goes with purchase"),
        ("purchase = 2\namount = 1.234\n", "fractions of a cent"),
    ],
)
def test_bad_rules_are_named_with_their_line(tmp_path, rule, message):
    path = tmp_path / "config.toml"
    path.write_text(f"[[loyalty.rules]]\npurchase = 1\npercent = 5\n[[loyalty.rules]]\n{rule}")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    assert "loyalty rule 2" in str(caught.value)
    assert caught.value.line == 4


@pytest.fixture
def loyalty(database, settings, clock):
    return LoyaltyService(settings, clock)


def customer(name="Ann Lee"):
    return Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW).id


def test_recording_purchases_applies_and_keeps_the_discount(loyalty):
    ann = customer()
    first = loyalty.record_purchase(ann, 10000, "Tax return")
    second = loyalty.record_purchase(ann, 12000, "Books")
    third = loyalty.record_purchase(ann, 10005, "Payroll")
    assert (first.discount_cents, first.charged_cents) == (0, 10000)
    assert (second.discount_cents, second.charged_cents, second.rule) == (
        1200,
        10800,
        "10% off the 2nd purchase",
    )
    assert (third.discount_cents, third.charged_cents) == (1501, 8504)
    stored = list(Purchase.select().order_by(Purchase.id))
    assert [(p.list_cents, p.discount_cents, p.amount_cents) for p in stored] == [
        (10000, 0, 10000),
        (12000, 1200, 10800),
        (10005, 1501, 8504),
    ]
    assert stored[2].rule == "15% off the 3rd purchase and later"


def test_customer_list_in_one_query_with_flags(loyalty, clock):
    from playhouse.test_utils import assert_query_count

    ann, bob, cy = customer("Ann"), customer("Bob"), customer("Cy")
    today = clock.today()
    loyalty.record_purchase(ann, 10000, on=today - timedelta(days=300))
    loyalty.record_purchase(ann, 10000, on=today - timedelta(days=10))
    loyalty.record_purchase(bob, 5000, on=today - timedelta(days=400))
    loyalty.mark_asked(cy)
    with assert_query_count(1):
        rows = {row.name: row for row in loyalty.customers()}
    assert set(rows) == {"Ann", "Bob"}
    assert (rows["Ann"].purchases, rows["Ann"].lifetime_cents) == (2, 19000)
    assert rows["Ann"].next_rule.name == "15% off the 3rd purchase and later"
    assert rows["Ann"].ask_for_referral and not rows["Ann"].lapsed
    assert rows["Bob"].lapsed and not rows["Bob"].ask_for_referral
    assert rows["Bob"].next_rule.name == "10% off the 2nd purchase"
    loyalty.mark_asked(ann)
    assert not {r.name: r for r in loyalty.customers()}["Ann"].ask_for_referral
    (record,) = customer_records([rows["Ann"]], "USD")
    assert record["next_discount"]["percent"] == 15.0
    assert set(record) >= {
        "name",
        "purchases",
        "lifetime_value_cents",
        "first_purchase",
        "last_purchase",
        "next_discount",
        "ask_for_referral",
        "lapsed",
    }


def test_a_won_lead_is_the_customers_first_purchase_and_undo_takes_it_back(
    leads, make_lead, loyalty
):
    lead_id = make_lead("Ann", value_cents=250000, title="Year-end accounts")
    leads.move_lead(lead_id, "won")
    (purchase,) = Purchase.select()
    contact_id = Lead.get_by_id(lead_id).contact_id
    assert (purchase.contact_id, purchase.lead_id, purchase.amount_cents, purchase.what) == (
        contact_id,
        lead_id,
        250000,
        "Year-end accounts",
    )
    assert loyalty.won_lead_purchase_on(contact_id, date(2026, 11, 23)) is not None
    undo(leads)
    assert Purchase.select().count() == 0
    leads.move_lead(lead_id, "won")
    leads.move_lead(lead_id, "proposal")
    assert Purchase.select().where(Purchase.archived_at.is_null()).count() == 0
    leads.move_lead(lead_id, "won")
    assert Purchase.select().where(Purchase.archived_at.is_null()).count() == 1


def test_customer_detail_knows_where_they_came_from(loyalty, leads, make_lead):
    from pegboard.services.partners import PartnerDraft, PartnerService, ReferralDraft

    partners = PartnerService(loyalty.settings, loyalty.clock, leads)
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    leads.move_lead(logged.lead_id, "won", value_cents=1000)
    detail = loyalty.customer_detail(Lead.get_by_id(logged.lead_id).contact_id)
    assert (detail.source, detail.referred_by) == ("referral", "Dana")
    assert len(detail.purchases) == 1


def test_a_lapsed_customer_invited_back_leaves_todays_list(services, clock):
    """`d` on Today's "lapsed · invite back" row marks them asked: they leave the list
    (and its count) until the ask is stale again, though the Loyalty screen still
    calls them lapsed."""
    loyalty = services.loyalty
    bob = customer("Bob")
    loyalty.record_purchase(bob, 5000, on=clock.today() - timedelta(days=400))

    def customers_section():
        return next(s for s in services.today.sections() if s.key == "customer")

    section = customers_section()
    assert [row.title for row in section.rows] == ["Bob"] and section.count == 1
    loyalty.mark_asked(bob)
    section = customers_section()
    assert section.rows == [] and section.count == 0
    assert {row.name: row for row in loyalty.customers()}["Bob"].lapsed
