"""Switching between the five screens: what is shown stays current, and nothing is done
again that does not need doing (no reload with nothing written, no footer rebuilt with
the same keys, no full restyle, no 50 ms hold before the paint)."""

from datetime import date

import pytest
from textual.widgets._footer import FooterKey, FooterLabel

from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft
from pegboard.store.database import open_sqlite_file
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.quick_log import QuickLog
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.screens.today import TodayScreen
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.wiring import Services

SIZE = (120, 40)


@pytest.fixture
def app(database, settings, clock):
    return PegboardApp(Services(settings, clock), start_mode="board")


async def switch(app, pilot, key: str) -> None:
    await pilot.press(key)
    await app.workers.wait_for_complete()
    await pilot.pause()


def count_calls(monkeypatch, cls, method: str) -> list:
    calls = []
    original = getattr(cls, method)

    def counted(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, counted)
    return calls


def footer_keys(screen) -> list[FooterKey]:
    return list(screen.query_one(KeyFooter).query(FooterKey))


@pytest.mark.sqlite_only  # PostgreSQL cannot tell that nothing was written: it reloads
async def test_coming_back_with_nothing_written_reloads_nothing(app, make_lead, monkeypatch):
    make_lead("Ann Early")
    async with app.run_test(size=SIZE) as pilot:
        await switch(app, pilot, "1")
        await switch(app, pilot, "2")
        board_loads = count_calls(monkeypatch, BoardScreen, "refresh_board")
        today_loads = count_calls(monkeypatch, TodayScreen, "reload_data")
        for key in "1212":
            await switch(app, pilot, key)
        assert board_loads == [] and today_loads == []
        assert app.screen.summaries["new"].count == 1


async def test_coming_back_after_a_write_shows_it(app, make_lead):
    make_lead("Ann Early")
    async with app.run_test(size=SIZE) as pilot:
        await switch(app, pilot, "1")
        await switch(app, pilot, "2")
        board = app.screen
        assert board.summaries["new"].count == 1
        await switch(app, pilot, "1")
        today = app.screen
        assert "Bea Later" not in {row.title for row in today.rows.values()}
        app.services.leads.create_lead(LeadDraft("Bea Later", due_date=date(2026, 11, 23)))
        await switch(app, pilot, "2")
        assert board.summaries["new"].count == 2
        await switch(app, pilot, "1")
        assert "Bea Later" in {row.title for row in today.rows.values()}


async def test_the_footer_is_rebuilt_only_when_its_keys_change(app):
    async with app.run_test(size=SIZE) as pilot:
        await switch(app, pilot, "1")
        await switch(app, pilot, "2")
        board = app.screen
        keys = footer_keys(board)
        assert "r" in [key.key for key in keys]
        await switch(app, pilot, "1")
        await switch(app, pilot, "2")
        assert footer_keys(board) == keys  # the same widgets: not recomposed
        await pilot.press("slash")  # the filter has focus: other keys apply
        await pilot.pause()
        assert footer_keys(board) != keys
        # Keys are made in the footer's own style, not compact and then restyled.
        assert not any(key.has_class("-compact") for key in footer_keys(board))


async def test_the_phone_call_key_leads_every_footer(app):
    """r comes first on every screen, and the five screen keys take one entry: after
    the screen's own keys it fell off the end of the footer at 120 columns."""
    async with app.run_test(size=SIZE) as pilot:
        for key in "12345":
            await switch(app, pilot, key)
            footer = app.screen.query_one(KeyFooter)
            keys = footer_keys(app.screen)
            assert (keys[0].key, keys[0].description) == ("r", "Log referral"), key
            assert [k.key for k in keys].count("r") == 1
            assert "Screens" in [str(label.render()) for label in footer.query(FooterLabel)]
            grouped = [k.key for k in keys if k.has_class("-grouped")]
            assert grouped == list("12345")
            assert footer.region.right >= keys[0].region.right  # drawn, not cut off


async def test_a_theme_picked_elsewhere_shows_on_the_board_when_it_comes_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await switch(app, pilot, "1")
        await switch(app, pilot, "2")
        dark = app.screen.styles.background
        await switch(app, pilot, "1")
        app.theme = "textual-light"
        await pilot.pause()
        await switch(app, pilot, "2")
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.styles.background.brightness > dark.brightness


async def test_a_screen_built_already_is_painted_without_a_hold(app):
    """Textual holds paints for 50 ms as it switches modes; only a first showing, which
    builds the screen, needs that."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        held = app._batch_count
        app.switch_mode("today")
        assert app._batch_count == held + 1  # Today is being built: the paint is held
        await app.workers.wait_for_complete()
        await pilot.pause()
        held = app._batch_count
        app.switch_mode("board")
        assert app._batch_count == held  # built already: no hold


async def test_the_kept_quick_log_is_restyled_only_when_the_styles_changed(app, monkeypatch):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        restyles = count_calls(monkeypatch, QuickLog, "update_node_styles")
        for _ in range(3):
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, QuickLog)
            await pilot.press("escape")
            await pilot.pause()
        assert len(restyles) == 1  # its first showing
        dark = app.get_screen("quick-log").styles.background
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert len(restyles) == 2
        assert app.screen.styles.background.brightness > dark.brightness


async def test_a_referral_logged_over_the_board_redraws_only_its_column(app, make_lead):
    """The quick log's new lead shows on the board below it at once; the board then has
    nothing to reload as it shows again (on PostgreSQL it reloads: no stamp there)."""
    make_lead("Ann Early")
    app.services.partners.create_partner(PartnerDraft("Dana Keller"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        loads = []
        original = board.refresh_board
        board.refresh_board = lambda *args, **kwargs: (
            loads.append(args) or original(*args, **kwargs)
        )
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        await pilot.press(*"dana", "tab", *"Gina Ruiz", "tab", *"555 0199", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is board
        assert loads[0] == ({"new"},)
        if open_sqlite_file():
            assert loads == [({"new"},)]
        assert [card.name for card in board.column("new").cards] == ["Gina Ruiz", "Ann Early"]
        assert board.summaries["new"].count == 2
