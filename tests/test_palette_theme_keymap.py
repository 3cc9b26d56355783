"""Command palette search, theme persistence across restarts, and the [keymap] table."""

import pytest
from textual.command import CommandList

from pegboard.config import Settings, load_settings
from pegboard.services.demo import write_demo
from pegboard.services.partners import PartnerDraft
from pegboard.services.search import search_records
from pegboard.store.models import Lead
from pegboard.ui.app import PegboardApp
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.screens.lead_detail import LeadDetailScreen
from pegboard.ui.screens.partner_detail import PartnerDetailScreen
from pegboard.ui.textual_private import PromptPalette
from pegboard.wiring import Services

SIZE = (120, 40)


def test_search_finds_a_lead_among_many_by_part_of_a_name(database, settings, clock, make_lead):
    write_demo(settings, clock, leads=3000, seed=4)
    target = make_lead("Zebulon Quartermaine", company="Unusual Widgets")
    hits = search_records("quarterm")
    assert [(h.kind, h.id) for h in hits] == [("lead", target)]
    assert search_records("unusual widg")[0].id == target
    assert search_records("q") == []
    assert len(search_records("a", limit=5)) == 0
    assert 0 < len(search_records("an", limit=5)) <= 15


async def test_palette_jumps_to_a_lead_and_a_partner(database, settings, clock, make_lead):
    make_lead("Zebulon Quartermaine")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    app.services.partners.create_partner(PartnerDraft("Xavier Partnerson", category="lawyer"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, PromptPalette)
        await pilot.press(*"quarterm")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        listed = app.screen.query_one(CommandList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("Zebulon Quartermaine" in prompt for prompt in prompts)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LeadDetailScreen)
        assert app.screen.detail.name == "Zebulon Quartermaine"
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"partnerson")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartnerDetailScreen)


async def test_theme_chosen_in_the_app_is_used_at_the_next_start(database, clock, tmp_path):
    config = tmp_path / "cfg" / "config.toml"
    app = PegboardApp(Services(Settings(), clock), config_path=config)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert load_settings(config).theme == "nord"
    again = PegboardApp(Services(load_settings(config), clock), config_path=config)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_keymap_remaps_by_binding_id_and_reports_unknown_ids(database, clock, make_lead):
    make_lead("Ann")
    settings = Settings(keymap={"board.won": "W", "board.nonsense": "z"})
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("board.nonsense" in n.message for n in app._notifications)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("W")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert Lead.get().stage == "won"
        help_rows = app.help_rows(app.screen)
        assert ("this screen", "W", "Won") in help_rows
        everywhere = {what: keys for where, keys, what in help_rows if where == "everywhere"}
        assert everywhere["Command palette"] == "^p"
        assert everywhere["Quit"] == "^q"


@pytest.mark.parametrize("query", ["", " "])
def test_empty_search_finds_nothing(database, query):
    assert search_records(query) == []


async def test_palette_lists_the_screens_actions_and_runs_them(database, settings, clock):
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = {command.title for command in commands}
        assert not {"Down", "Up", "Left", "Right", "First card"} & titles, "cursor moves are keys"
        won = next(command for command in commands if command.title == "Mark the lead won")
        assert won.help == "Board · press w"
        assert {
            "New",
            "Mark the lead won",
            "Mark the lead lost",
            "Archive",
            "Undo",
            "Filter the board",
            "Log referral",
            "Today",
            "Board",
            "Partners",
            "Loyalty",
            "Loyalty rules",
        } <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"filter the")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.query_one("#filter-bar").display
