"""Today on Pilot: it is the home screen, rows clear with d/s/S, u undoes; help and navigation."""

from datetime import date

import pytest

from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Lead
from pegboard.ui.app import PegboardApp
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.screens.help import HelpScreen
from pegboard.ui.screens.insights import InsightsScreen
from pegboard.ui.screens.loyalty import LoyaltyScreen
from pegboard.ui.screens.partners import PartnersScreen
from pegboard.ui.screens.today import TodayScreen
from pegboard.wiring import Services

SIZE = (120, 40)


async def settle(app, pilot):
    """Today loads in a worker: wait for it, then for the screen to show it."""
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def app(database, settings, clock):
    return PegboardApp(Services(settings, clock))


async def test_today_is_home_and_the_morning_triage_clears_by_keyboard(app, make_lead):
    first = make_lead("Old Due", due_date=date(2026, 11, 1), next_action="Call back")
    second = make_lead("Due Today", due_date=date(2026, 11, 23))
    dana = app.services.partners.create_partner(PartnerDraft("Dana"))
    app.services.partners.log_referral(ReferralDraft("received", "Fresh Referral", partner_id=dana))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        summary = screen.query_one("#today-summary").text
        assert "2 follow-ups due, 1 new referral," in summary
        # The new referral first, ready to call; the follow-ups below it.
        assert screen.selected().title == "Fresh Referral"
        await pilot.press("down")
        assert screen.selected().title == "Old Due"
        await pilot.press("d")
        assert Lead.get_by_id(first).due_date is None
        assert screen.selected().title == "Due Today"  # gone at once, before the reload
        await settle(app, pilot)
        assert screen.selected().title == "Due Today"
        await pilot.press("S")
        assert Lead.get_by_id(second).due_date == date(2026, 11, 30)
        await settle(app, pilot)
        assert screen.selected().title == "Dana"  # the next section: a partner I owe
        assert "0 follow-ups due" in screen.query_one("#today-summary").text
        await pilot.press("u")
        await settle(app, pilot)
        assert Lead.get_by_id(second).due_date == date(2026, 11, 23)
        assert "Due Today" in {row.title for row in screen.rows.values()}
        assert screen.selected().title == "Dana"  # the cursor stays put
        await pilot.press("up")
        assert screen.selected().title == "Due Today"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.sub_title.startswith("Lead")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_every_screen_is_one_key_away(app):
    async with app.run_test(size=SIZE) as pilot:
        for key, kind in (
            ("2", BoardScreen),
            ("3", PartnersScreen),
            ("4", LoyaltyScreen),
            ("5", InsightsScreen),
            ("1", TodayScreen),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)


async def test_help_lists_the_screens_bindings_from_bindings(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        board = {(what, keys) for where, keys, what in rows if where == "this screen"}
        assert ("New", "n") in board
        assert any(what == "◀ Stage" and "H" in keys for what, keys in board)
        everywhere = {what for where, _, what in rows if where == "everywhere"}
        assert {"Today", "Board", "Partners", "Loyalty", "Log referral", "Help"} <= everywhere
        # Derived from BINDINGS: every board binding description appears.
        expected = {b.description for b in BoardScreen.BINDINGS}
        assert expected <= {what for _, _, what in rows}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_empty_today_says_so(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "s", "u", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.rows == {}


@pytest.mark.sqlite_only  # PostgreSQL keeps no table counters: every section is read again
async def test_a_write_redraws_only_the_sections_it_touched(app, make_lead):
    """After a lead write, the sections that read leads are new and drawn anew; the
    others are the same sections and keep their options (each new option is measured)."""
    due = make_lead("Due Lead", due_date=date(2026, 11, 1))
    dana = app.services.partners.create_partner(PartnerDraft("Dana"))
    app.services.partners.log_referral(ReferralDraft("received", "Sent Here", partner_id=dana))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        before = {key: options for key, (_, options) in screen._section_options.items()}
        assert {"due", "owed_partner"} <= set(before)
        Lead.update(next_action="Call back").where(Lead.id == due).execute()
        await pilot.press("2", "1")
        await settle(app, pilot)
        after = {key: options for key, (_, options) in screen._section_options.items()}
        assert after["owed_partner"] is before["owed_partner"]
        assert after["due"] is not before["due"]
        (row,) = [row for row in screen.rows.values() if row.title == "Due Lead"]
        assert row.detail.startswith("Call back")
        listing = screen.query_one("#today-list")
        shown = [listing.get_option_at_index(i) for i in range(listing.option_count)]
        start = shown.index(after["due"][0])
        assert shown[start : start + len(after["due"])] == after["due"]


@pytest.mark.sqlite_only  # PostgreSQL keeps no counters: every section is worked out aside
async def test_after_a_stage_move_today_shows_current_sections_in_its_first_frame(
    app, make_lead, monkeypatch
):
    """A move leaves the three lead sections to work out (a few milliseconds): Today works
    them out before it paints, with no worker, so no frame shows the last ones. The
    first open, with every section to work out, loads in a worker (as does every open on
    PostgreSQL, which keeps no counters of writes)."""
    due = make_lead("Due Lead", due_date=date(2026, 11, 1))
    loads = []
    real_load = TodayScreen._load
    monkeypatch.setattr(
        TodayScreen, "_load", lambda self, today: loads.append(1) or real_load(self, today)
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert len(loads) == 1
        assert "1 follow-up due" in screen.query_one("#today-summary").text
        await pilot.press("2")
        await pilot.pause()
        app.services.leads.move_lead(due, "lost", lost_reason="price")
        await pilot.press("1")
        assert "0 follow-ups due" in screen.query_one("#today-summary").text
        assert "Due Lead" not in {row.title for row in screen.rows.values()}
        assert len(loads) == 1


async def test_the_summary_wraps_between_phrases_at_80x24(app, make_lead):
    for number in range(12):
        make_lead(f"Due {number}", due_date=date(2026, 11, 1), next_action="Call back")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        summary = app.screen.query_one("#today-summary")
        lines = summary.lines(summary.content_size.width)
        assert len(lines) > 1, "80 columns cannot hold it on one line"
        shown = app.screen.query_one("#today-summary").render().plain.splitlines()
        assert shown == lines
        for phrase in app.services.today.summary(app.services.today.sections()).split(", "):
            assert any(phrase in line for line in lines), phrase
        assert all(len(line) <= summary.content_size.width for line in lines)


async def test_how_did_it_go_opens_the_partner_on_that_referral(app, clock):
    from datetime import timedelta

    from pegboard.ui.screens.partner_detail import PartnerDetailScreen

    partners = app.services.partners
    dana = partners.create_partner(PartnerDraft("Dana Keller"))
    long_ago = clock.now() - timedelta(days=60)
    for person in ("Ann Old", "Zoe Tanaka", "Bo Newer"):
        partners.log_referral(ReferralDraft("given", person, partner_id=dana), at=long_ago)
        long_ago += timedelta(days=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        keys = [key for key, row in screen.rows.items() if "Zoe Tanaka" in row.detail]
        assert keys, "Zoe's referral is on Today"
        screen.query_one("OptionList").highlighted = screen.query_one(
            "OptionList"
        ).get_option_index(keys[0])
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PartnerDetailScreen)
        table = app.screen.query_one("DataTable")
        assert app.screen.exchanges[table.cursor_row].person == "Zoe Tanaka"


async def test_the_cursor_stops_at_the_ends_and_brackets_jump_sections(app, make_lead):
    for number in range(3):
        make_lead(f"Due {number}", due_date=date(2026, 11, 1), next_action="Call back")
    dana = app.services.partners.create_partner(PartnerDraft("Dana"))
    app.services.partners.log_referral(ReferralDraft("received", "Fresh Referral", partner_id=dana))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.selected().title == "Fresh Referral"  # the first row
        await pilot.press("up")
        assert screen.selected().title == "Fresh Referral", "no wrap round to the last row"
        assert screen.query_one("#today-list").scroll_y == 0, "its heading in view"
        await pilot.press("]")
        assert screen.selected().title == "Due 0"  # the follow-ups' first row
        await pilot.press("]")
        assert screen.selected().kind == "owed_partner"
        await pilot.press("[", "[")
        assert screen.selected().title == "Fresh Referral"
        await pilot.press("end", "down")
        last = screen.selected()
        await pilot.press("down")
        assert screen.selected() == last


@pytest.mark.parametrize("write_meanwhile", [False, True])
async def test_coming_back_to_today_starts_from_the_top(app, make_lead, write_meanwhile):
    """From another screen, Today shows again from its first row and heading (whether or
    not the sections were read again); back from a record opened on Today, the place
    is kept."""
    for number in range(30):
        make_lead(f"Due {number:02}", due_date=date(2026, 11, 1), next_action="Call back")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        listing = screen.query_one("#today-list")
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        deep = screen.selected().title
        assert deep != "Due 00" and listing.scroll_y > 0
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.selected().title == deep, "back from the record: the same row"
        await pilot.press("2")
        await pilot.pause()
        if write_meanwhile:
            await pilot.press("n", *"Zed New", "enter")
            await pilot.pause()
            assert Lead.select().count() == 31
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.selected().title == "Due 00"
        assert listing.scroll_y == 0, "the first section's heading in view"


async def test_a_read_that_fails_in_todays_worker_is_told_not_a_crash(app, monkeypatch):
    from pegboard.errors import StoreError
    from pegboard.services.today import TodayService

    def lost(self, limit=50):
        raise StoreError("the database server went away")

    monkeypatch.setattr(TodayService, "sections", lost)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert [n.message for n in app._notifications] == ["the database server went away"]
