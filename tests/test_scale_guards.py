"""Guards for the speed figures of benchmarks/run.py that can be checked without a clock:
the screens' queries do not grow with the rows, and the board at 100,000 leads builds no
more card widgets than fit on screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playhouse.test_utils import count_queries

from pegboard.services.board import column_cards, column_summaries
from pegboard.services.demo import write_demo
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.partners import PartnerService, ReferralDraft
from pegboard.services.today import TodayService
from pegboard.store.bulk import bulk_insert, bulk_insert_ids
from pegboard.store.models import Contact, Lead, db
from pegboard.ui.screens.filtered_table import PAGE_ROWS
from pegboard.ui.widgets.board_column import LeadCard
from pegboard.wiring import Services


def queries_per_screen(settings, clock, leads) -> dict[str, int]:
    """How many queries loading each data screen takes now."""
    partners = PartnerService(settings, clock, leads)
    loyalty = LoyaltyService(settings, clock)
    today = TodayService(settings, clock, leads, partners, loyalty)
    loads = {
        "board": lambda: [
            column_summaries(settings),
            *(column_cards(stage.id, 0, 7, settings.referral_source) for stage in settings.stages),
        ],
        "partners": lambda: partners.partner_page("balance", True, "", 0, PAGE_ROWS),
        "loyalty": lambda: loyalty.customer_page("last", True, "", 0, PAGE_ROWS),
        "today": today.sections,
    }
    counts = {}
    for name, load in loads.items():
        with count_queries() as counted:
            load()
        counts[name] = counted.count
    return counts


def test_screens_take_the_same_queries_with_ten_times_the_rows(database, settings, clock, leads):
    write_demo(settings, clock, leads=60, seed=5)
    small = queries_per_screen(settings, clock, leads)
    partners = PartnerService(settings, clock, leads)
    loyalty = LoyaltyService(settings, clock)
    partner_ids = [row.id for row in partners.partner_rows()]
    for n in range(600):
        logged = partners.log_referral(
            ReferralDraft("received", f"Grown {n}", partner_id=partner_ids[n % len(partner_ids)]),
            at=clock.now() - timedelta(days=n % 90),
        )
        if n % 3 == 0:
            loyalty.record_purchase(Lead.get_by_id(logged.lead_id).contact_id, 5000 + n)
    assert Lead.select().count() >= 600
    assert queries_per_screen(settings, clock, leads) == small
    assert small["board"] == 1 + len(settings.stages)
    # The partners page: its sums kept on write, its rows' last exchanges, then its
    # partners' network (the partners, their links, their closed business, the customers
    # they sent) and last one-to-ones.
    assert (small["partners"], small["loyalty"]) == (7, 1)


def fill_leads(count: int) -> None:
    """`count` leads in the first stage, the quickest way: one executemany per table."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with db.atomic():
        contact_ids = bulk_insert_ids(
            Contact,
            [Contact.name, Contact.created_at, Contact.updated_at],
            [(f"Person {n}", now, now) for n in range(count)],
        )
        bulk_insert(
            Lead,
            [
                Lead.contact,
                Lead.title,
                Lead.stage,
                Lead.position,
                Lead.created_at,
                Lead.updated_at,
                Lead.stage_entered_at,
                Lead.last_touch_at,
            ],
            (
                (contact_id, f"Job {n}", "new", n, now, now, now, now)
                for n, contact_id in enumerate(contact_ids)
            ),
        )


@pytest.mark.sqlite_only
async def test_the_board_at_100000_leads_mounts_only_what_fits(database, settings, clock):
    from pegboard.ui.app import PegboardApp

    fill_leads(100_000)
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        slots = len(screen.query(LeadCard))
        assert slots == len(settings.stages) * screen.capacity <= 6 * 8
        assert screen.summaries["new"].count == 100_000
        await pilot.press(*"jjjjjjjjjj", "end", "pagedown", "home", "L", "H")
        await pilot.pause()
        assert len(screen.query(LeadCard)) == slots
        assert screen.summaries["new"].count == 100_000
