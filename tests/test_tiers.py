"""VIP tiers on a hand-built book (today is 2026-11-23; no loyalty rules, so each
purchase is charged its price), each standing worked out by hand:

    Silver: spend $100 over the lifetime, 5% off
    Gold: 3 purchases over the last 12 months (since 2025-11-23), 10% off
    Platinum: spend $1,000 this calendar year (since 2026-01-01), 20% off

Ann: $80 (2025-06-01), $50 (2026-03-01), $60 (2026-11-01): $190 in all -> Silver;
     2 purchases in 12 months -> 1 more to Gold.
Cara: three of $10 in October 2026: $30 in all -> no tier; $70 more to Silver (Gold's
     3 purchases do not count while Silver, the tier below, is not reached).
Dee: $500 (2025-12-20), $400 (2026-02-01), $300 (2026-09-01): Silver, and 3 purchases
     in 12 months -> Gold; this year $700 -> $300 more to Platinum.
Eve: $600 and $500 this year, and $100 in 2025-12: Gold, and $1,100 this year ->
     Platinum, the top.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pegboard.clock import Clock
from pegboard.config import ConfigError, LoyaltyTier, load_settings
from pegboard.services.tiers import standings
from pegboard.store.models import Contact
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, drawn_text

TIERS = (
    LoyaltyTier("Silver", Decimal(5), spend_cents=10000),
    LoyaltyTier("Gold", Decimal(10), purchases=3, over="12 months"),
    LoyaltyTier("Platinum", Decimal(20), spend_cents=100000, over="year"),
)

TOML = """
[[loyalty.tiers]]
name = "Silver"
spend = 100
percent = 5

[[loyalty.tiers]]
name = "Gold"
purchases = 3
over = "12 months"
percent = 10

[[loyalty.tiers]]
name = "Platinum"
spend = 1000
over = "year"
percent = 20
"""

PURCHASES = {
    "Ann": [(8000, "2025-06-01"), (5000, "2026-03-01"), (6000, "2026-11-01")],
    "Cara": [(1000, "2026-10-01"), (1000, "2026-10-02"), (1000, "2026-10-03")],
    "Dee": [(50000, "2025-12-20"), (40000, "2026-02-01"), (30000, "2026-09-01")],
    "Eve": [(10000, "2025-12-01"), (60000, "2026-03-01"), (50000, "2026-06-01")],
}


@pytest.fixture
def book(database, settings, clock):
    services = Services(replace(settings, loyalty_rules=()), clock)
    ids = {}
    for name, bought in PURCHASES.items():
        ids[name] = Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW).id
        for cents, day in bought:
            services.loyalty.record_purchase(ids[name], cents, "Things", date.fromisoformat(day))
    # The tiers from now on: the purchases above were charged their prices.
    services.replace_settings(replace(services.settings, loyalty_tiers=TIERS))
    return services, ids


def test_the_tiers_are_read_from_config_toml_and_refused_with_their_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(TOML)
    assert load_settings(path).loyalty_tiers == TIERS
    path.write_text('[[loyalty.tiers]]\nname = "Gold"\nspend = 100\npurchases = 3\npercent = 5\n')
    with pytest.raises(ConfigError, match="exactly one of spend") as caught:
        load_settings(path)
    assert caught.value.line == 1
    path.write_text('[[loyalty.tiers]]\nname = "Gold"\nspend = 1\nover = "month"\npercent = 5\n')
    with pytest.raises(ConfigError, match="over must be one of"):
        load_settings(path)


def test_each_customer_stands_where_worked_out_by_hand(book, clock):
    services, ids = book
    found = standings(services.settings, clock.today(), list(ids.values()))
    by_name = {name: found[contact_id] for name, contact_id in ids.items()}
    summary = {
        name: (
            s.tier.name if s.tier else None,
            s.next_json(),
        )
        for name, s in by_name.items()
    }
    assert summary == {
        "Ann": ("Silver", {"name": "Gold", "missing_purchases": 1}),
        "Cara": (None, {"name": "Silver", "missing_cents": 7000}),
        "Dee": ("Gold", {"name": "Platinum", "missing_cents": 30000}),
        "Eve": ("Platinum", None),
    }


def test_a_tier_takes_part_in_best_rule_wins(book, settings, clock):
    services, ids = book
    quote = services.loyalty.quote(ids["Ann"], 10000)
    assert (quote.discount_cents, quote.rule) == (500, "Silver: 5% off")
    assert services.loyalty.quote(ids["Eve"], 10000).rule == "Platinum: 20% off"
    # With the default rules back, Ann's 4th purchase gets 15% off: the rule beats Silver.
    services.replace_settings(replace(services.settings, loyalty_rules=settings.loyalty_rules))
    quote = services.loyalty.quote(ids["Ann"], 10000)
    assert (quote.discount_cents, quote.rule) == (1500, "15% off the 3rd purchase and later")


def test_customers_json_carries_tier_and_next_tier(book, db_target, tmp_path, capsys, monkeypatch):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        "[loyalty]\nrules = []\n" + TOML.replace("[[loyalty.", "[[loyalty.")
    )
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    # The book's today, not the machine's: Eve's 2025-12-01 purchase leaves the 12
    # months on 2026-12-02.
    monkeypatch.setattr("pegboard.cli.context.Clock", lambda: Clock.fixed(FIXED_NOW))
    assert main(["--db", db_target, "customers", "--json", "--sort", "name"]) == 0
    listed = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert (listed["Ann"]["tier"], listed["Ann"]["next_tier"]) == (
        "Silver",
        {"name": "Gold", "missing_purchases": 1},
    )
    assert listed["Cara"]["tier"] is None
    assert listed["Eve"]["next_tier"] is None
    close_database()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_loyalty_table_and_customer_page_show_the_tier(book, size):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.customer_detail import CustomerDetailScreen

    services, _ = book
    app = PegboardApp(services, start_mode="loyalty")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        keys = [key.value for key in screen.table.columns]
        assert "tier" in keys
        tiers = {
            row.name: screen.table.get_row_at(i)[keys.index("tier")]
            for i, row in enumerate(screen.rows)
        }
        if screen.narrow:
            assert tiers == {"Ann": "Silver", "Cara": "—", "Dee": "Gold", "Eve": "Platinum"}
        else:
            assert tiers == {
                "Ann": "Silver · 1 purchase to Gold",
                "Cara": "— · $70 to Silver",
                "Dee": "Gold · $300 to Platinum",
                "Eve": "Platinum",
            }
        # No rules in this book: the tier is what the next purchase gets.
        offers = {
            row.name: screen.table.get_row_at(i)[keys.index("next")]
            for i, row in enumerate(screen.rows)
        }
        if screen.narrow:
            assert (offers["Eve"], offers["Cara"]) == ("20% off", "—")
        else:
            assert (offers["Eve"], offers["Cara"]) == ("Platinum: 20% off", "—")
        while screen.current_row().name != "Dee":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, CustomerDetailScreen)
        info = page.query_one("#customer-info")
        text = drawn_text(info)
        assert "Gold (10% off) · $300.00 more to Platinum" in text
