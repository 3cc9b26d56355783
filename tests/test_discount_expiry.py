"""A discount that lapses with its window, on a hand-built book (today 2026-11-23):

    rule: 10% off the 2nd purchase within 3 months

Ann bought on 2026-10-01: her next purchase is her 2nd within 3 months until that
purchase leaves the window: the discount holds through 2027-01-01 (3 months on).
Bob bought on 2026-09-10: through 2026-12-10, within 30 days: on Today.
Cara bought on 2026-06-01: it left the window in September, no discount to lose.
Dee bought twice in September: her next is the 3rd, which the rule does not cover.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pegboard.config import LoyaltyRule
from pegboard.services.discount_expiry import discount_ends, discounts_ending_soon, months_after
from pegboard.store.models import Contact
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, drawn_text

RULE = LoyaltyRule(
    "10% off the 2nd purchase within 3 months", purchase=2, percent=Decimal(10), window_months=3
)
BOUGHT = {
    "Ann": ["2026-10-01"],
    "Bob": ["2026-09-10"],
    "Cara": ["2026-06-01"],
    "Dee": ["2026-09-15", "2026-09-20"],
}


@pytest.fixture
def book(database, settings, clock):
    services = Services(replace(settings, loyalty_rules=(RULE,)), clock)
    ids = {}
    for name, days in BOUGHT.items():
        ids[name] = Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW).id
        for day in days:
            services.loyalty.record_purchase(ids[name], 10000, "Things", date.fromisoformat(day))
    return services, ids


def test_months_after_keeps_the_day_or_the_months_last():
    assert months_after(date(2026, 10, 1), 3) == date(2027, 1, 1)
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_the_last_day_each_discount_holds(clock):
    today = clock.today()
    ends = {
        name: discount_ends((RULE,), [date.fromisoformat(day) for day in days], today, 10000)
        for name, days in BOUGHT.items()
    }
    assert ends == {
        "Ann": date(2027, 1, 1),
        "Bob": date(2026, 12, 10),
        "Cara": None,
        "Dee": None,
    }
    assert discount_ends((replace(RULE, window_months=None),), [today], today, 1) is None


def test_today_invites_back_the_customers_whose_discount_ends_within_30_days(book, clock):
    services, ids = book
    assert discounts_ending_soon(services.settings, clock.today()) == [
        (ids["Bob"], "Bob", RULE.name, date(2026, 12, 10))
    ]
    today = services.today
    section = next(s for s in today.sections() if s.key == "discount_ending")
    assert section.count == 1
    assert section.rows[0].detail == f"{RULE.name} ends Dec 10 · invite them back"
    assert "1 discount about to lapse" in today.summary(today.sections())
    assert today.done(section.rows[0]) == "invited back"
    assert Contact.get_by_id(ids["Bob"]).asked_referral_at is not None
    assert next(s for s in today.sections() if s.key == "discount_ending").count == 0
    services.undo_log.undo()
    assert next(s for s in today.sections() if s.key == "discount_ending").count == 1


def test_customers_json_and_the_table_say_when_the_discount_ends(
    book, db_target, tmp_path, capsys, monkeypatch
):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        '[[loyalty.rules]]\nname = "10% off the 2nd purchase within 3 months"\n'
        "purchase = 2\npercent = 10\nwindow_months = 3\n"
    )
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    assert main(["--db", db_target, "customers", "--json"]) == 0
    listed = {c["name"]: c["discount_ends"] for c in json.loads(capsys.readouterr().out)}
    assert listed == {"Ann": "2027-01-01", "Bob": "2026-12-10", "Cara": None, "Dee": None}
    close_database()


async def test_the_customer_page_shows_the_discount_end(book):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.customer_detail import CustomerDetailScreen

    services, _ = book
    app = PegboardApp(services, start_mode="loyalty")
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        keys = [key.value for key in screen.table.columns]
        cells = {
            row.name: screen.table.get_row_at(i)[keys.index("next")]
            for i, row in enumerate(screen.rows)
        }
        assert cells["Bob"] == f"{RULE.name} till Dec 10"
        while screen.current_row().name != "Bob":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, CustomerDetailScreen)
        info = page.query_one("#customer-info")
        text = drawn_text(info)
        assert "until Thu 10 Dec 2026" in text
