"""The board driven through Pilot: keys pressed as a user would, then screen and database checked."""

import io
import json

import pytest
from playhouse.test_utils import assert_query_count

from pegboard.services.demo import write_demo
from pegboard.store.database import open_sqlite_file
from pegboard.store.models import Lead, StageChange, Touch
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.close_forms import LostForm, WonForm
from pegboard.ui.modals.lead_form import LeadForm
from pegboard.ui.modals.qualify_form import QualifyForm
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.screens.lead_detail import LeadDetailScreen
from pegboard.ui.widgets.board_column import LeadCard
from pegboard.ui.widgets.form_field import FormField
from pegboard.wiring import Services
from tests.conftest import type_in_a_burst

SIZE = (120, 40)


@pytest.fixture
def app(database, settings, clock):
    return PegboardApp(Services(settings, clock), start_mode="board")


def board(app) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def selected(app):
    card = board(app).selected_card()
    return card.name if card else None


def header_text(app, stage_id):
    column = board(app).column(stage_id)
    return str(column.query_one(".column-header").content)


async def test_board_shows_a_column_per_stage_with_count_and_value(app, make_lead):
    make_lead("Ann Lee", company="Acme", value_cents=120000, source="referral")
    make_lead("Bob Stone", value_cents=30000, source="website")
    make_lead("Cara Won", stage="won", value_cents=5000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [column.stage_id for column in board(app).query("BoardColumn")] == [
            "new",
            "contacted",
            "qualified",
            "proposal",
            "won",
            "lost",
        ]
        assert header_text(app, "new") == "NEW · 2\n$1.5k"
        assert header_text(app, "won") == "WON · 1\n$50"
        cards = [
            str(card.content) for card in board(app).column("new").query(LeadCard) if card.display
        ]
        assert cards[0].startswith("Bob Stone")
        assert cards[1].startswith("★ Ann Lee\nAcme\n$1,200 · referral")
        assert selected(app) == "Bob Stone"


async def test_cursor_walks_with_arrows_and_vim_keys(app, make_lead):
    make_lead("Ann")
    make_lead("Bob")
    make_lead("Cara", stage="contacted")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert selected(app) == "Bob"
        await pilot.press("j")
        assert selected(app) == "Ann"
        await pilot.press("down")  # already at the bottom: stays
        assert selected(app) == "Ann"
        await pilot.press("l")
        assert selected(app) == "Cara"
        await pilot.press("left", "k")
        assert selected(app) == "Bob"


async def test_card_walks_across_stages_with_the_cursor_following(app, make_lead):
    lead_id = make_lead("Ann")
    make_lead("Other", stage="contacted")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("L")
        assert Lead.get_by_id(lead_id).stage == "contacted"
        assert board(app).stage.id == "contacted" and selected(app) == "Ann"
        # Into qualified: the checklist shows; tick the first two, save.
        await pilot.press("shift+right")
        await pilot.pause()
        assert isinstance(app.screen, QualifyForm)
        await pilot.press("space", "down", "space")
        await pilot.pause()
        # Ticked and unticked boxes differ in shape, not only in colour.
        checklist = app.screen.query_one("#criteria")
        boxes = [checklist.render_line(y).text[:3] for y in range(3)]
        assert boxes == [" ☑ ", " ☑ ", " ☐ "]
        await pilot.press("enter")
        await pilot.pause()
        lead = Lead.get_by_id(lead_id)
        assert lead.stage == "qualified"
        assert json.loads(lead.qualification) == list(app.settings.qualification[:2])
        assert selected(app) == "Ann"
        await pilot.press("H")
        assert Lead.get_by_id(lead_id).stage == "contacted"
        changes = StageChange.select().where(StageChange.lead == lead_id).order_by(StageChange.id)
        assert [c.to_stage for c in changes] == [
            "new",
            "contacted",
            "qualified",
            "contacted",
        ]
        assert "CONTACTED · 2\n" in header_text(app, "contacted")


async def test_cancelling_the_checklist_does_not_move(app, make_lead):
    lead_id = make_lead("Ann", stage="contacted")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "L")
        await pilot.pause()
        assert isinstance(app.screen, QualifyForm)
        await pilot.press("escape")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).stage == "contacted"


async def test_won_asks_the_value(app, make_lead):
    lead_id = make_lead("Ann", value_cents=100000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WonForm)
        field = app.screen.query_one(FormField)
        assert field.input.value == "1000.00"
        field.input.value = ""
        await pilot.press(*"1,450.5", "enter")
        await pilot.pause()
        lead = Lead.get_by_id(lead_id)
        assert (lead.stage, lead.value_cents) == ("won", 145050)
        assert board(app).stage.id == "won" and selected(app) == "Ann"
        assert "Ann won · $1,450.50 · u to undo" in [n.message for n in app._notifications]
        await pilot.press("H")
        await pilot.pause()
        assert "Ann moved to Proposal · u to undo" in [n.message for n in app._notifications]


async def test_a_run_of_moves_shows_one_notice_in_the_last_ones_place(app, make_lead):
    """Each move's notice takes the place of the one before (a toast is a widget to mount
    and lay out: a stack of them held moves' paints back), and no other notice."""
    lead_id = make_lead("Bo")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.notify("Something else to read")
        await pilot.press("L")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert notices == ["Something else to read", "Bo moved to Contacted · u to undo"]
        await pilot.press("H")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert notices == ["Something else to read", "Bo moved to New · u to undo"]
        assert Lead.get_by_id(lead_id).stage == "new"
        await pilot.pause(0.1)
        assert [str(toast.render()) for toast in app.screen.query("Toast")] == notices
        for key in "LHLHLH":  # the rack keeps a holder a toast: none is left behind
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.1)
        assert len(app.screen.query("ToastHolder")) == len(app._notifications) == 2


async def test_lost_needs_a_reason_and_the_form_keeps_what_was_typed(app, make_lead):
    lead_id = make_lead("Ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LostForm)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LostForm)
        error = app.screen.query_one(".field-error")
        assert "say why" in str(error.content)
        await pilot.press(*"No budget", "enter")
        await pilot.pause()
        lead = Lead.get_by_id(lead_id)
        assert (lead.stage, lead.lost_reason) == ("lost", "No budget")


async def test_new_lead_form_validates_as_you_type_and_keeps_input(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm)
        await pilot.press(*"Dana Fox", "tab", *"Fox Print", "tab", *"dana@", "tab")
        await pilot.pause()
        email = app.screen.query_one("#email", FormField)
        assert "not an email address" in str(email.query_one(".field-error").content)
        await pilot.press("tab", "tab", *"12.345")
        await pilot.press("enter")
        await pilot.pause()
        # Refused: still open, nothing saved, every typed character still there.
        assert isinstance(app.screen, LeadForm)
        assert Lead.select().count() == 0
        assert app.screen.query_one("#name", FormField).value == "Dana Fox"
        assert app.screen.query_one("#company", FormField).value == "Fox Print"
        assert app.focused is email.input
        await pilot.press(*"example.com")
        value = app.screen.query_one("#value", FormField)
        value.input.focus()
        await pilot.press("backspace", "tab", *"referral", "tab", *"Call back", "tab", *"+2d")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        lead = Lead.get()
        assert (lead.contact.name, lead.contact.company, lead.contact.email) == (
            "Dana Fox",
            "Fox Print",
            "dana@example.com",
        )
        assert (lead.value_cents, lead.source, lead.next_action) == (1234, "referral", "Call back")
        assert lead.due_date.isoformat() == "2026-11-25"
        assert selected(app) == "Dana Fox"


async def test_escape_asks_before_dropping_what_was_typed(app):
    from pegboard.ui.modals.confirm import Confirm

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("n", *"Nobody", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert isinstance(app.screen, LeadForm) and app.screen.field("name").value == "Nobody"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert Lead.select().count() == 0


async def test_the_touch_kind_takes_one_letter_and_tab(app, make_lead):
    lead_id = make_lead("Ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("e", "tab", *"Sent the brochure", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    touch = Touch.get(Touch.lead == lead_id)
    assert (touch.kind, touch.note) == ("email", "Sent the brochure")


async def test_a_half_typed_choice_shows_what_tab_takes_not_an_error(app):
    """The lead form's Source while its suggestion shows: `ref` is on the way to
    `referral`, not wrong; tab takes it; a source that is no choice is an error."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        source = form.field("source")
        await pilot.click(source.input)
        await pilot.press(*"ref")
        await pilot.pause()
        note = source.query_one(".field-error")
        assert str(note.render()) == "tab → referral"
        assert not source.input.has_class("-invalid") and note.has_class("-reading")
        await pilot.press("tab")
        await pilot.pause()
        assert source.input.value == "referral" and str(note.render()) == ""
        source.input.value = "refx"
        await pilot.pause()
        assert str(note.render()).startswith("one of: ")
        assert source.input.has_class("-invalid")


async def test_edit_lead(app, make_lead):
    lead_id = make_lead("Ann", company="Acme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#company", FormField).value == "Acme"
        form.query_one("#company", FormField).input.focus()
        await pilot.press(*" Ltd", "enter")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).contact.company == "Acme Ltd"


async def test_log_a_touch_with_the_next_follow_up(app, make_lead):
    lead_id = make_lead("Ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("tab", *"Discussed scope", "tab", *"Send proposal", "tab", *"tomorrow")
        await pilot.press("enter")
        await pilot.pause()
        touch = Touch.get(Touch.lead == lead_id)
        assert (touch.kind, touch.note) == ("call", "Discussed scope")
        lead = Lead.get_by_id(lead_id)
        assert (lead.next_action, lead.due_date.isoformat()) == ("Send proposal", "2026-11-24")


async def test_archive_then_undo(app, make_lead):
    ann = make_lead("Ann")
    make_lead("Bob")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        assert selected(app) == "Ann"
        await pilot.press("a")
        assert Lead.get_by_id(ann).archived_at is not None
        assert "NEW · 1\n" in header_text(app, "new")
        assert selected(app) == "Bob"
        await pilot.press("u")
        assert Lead.get_by_id(ann).archived_at is None
        assert selected(app) == "Ann"


async def test_undo_a_move_puts_the_card_and_cursor_back(app, make_lead):
    ann = make_lead("Ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L", "u")
        assert Lead.get_by_id(ann).stage == "new"
        assert board(app).stage.id == "new" and selected(app) == "Ann"


async def test_reorder_within_the_column(app, make_lead):
    make_lead("Ann")
    make_lead("Bob")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("J")
        names = [card.name for card in board(app).column("new").cards]
        assert names == ["Ann", "Bob"]
        assert selected(app) == "Bob"
        await pilot.press("shift+up")
        assert [card.name for card in board(app).column("new").cards] == ["Bob", "Ann"]


async def test_reorder_in_a_filtered_column_swaps_with_the_neighbour_shown(app, make_lead):
    make_lead("Ann Lee")
    make_lead("Bob Stone")  # between the two, hidden by the filter
    make_lead("Cara Lee")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"lee", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [card.name for card in board(app).column("new").cards] == ["Cara Lee", "Ann Lee"]
        await pilot.press("J")
        assert [card.name for card in board(app).column("new").cards] == ["Ann Lee", "Cara Lee"]
        assert selected(app) == "Cara Lee"
        assert "NEW · 2\n" in header_text(app, "new")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = [card.name for card in board(app).column("new").cards]
        assert names.index("Ann Lee") < names.index("Cara Lee")


async def test_a_moved_card_lands_on_top_of_a_scrolled_column_with_the_cursor(app, make_lead):
    for n in range(12):
        make_lead(f"Waiting {n}", stage="contacted")
    make_lead("Ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "end", "h")
        assert board(app).cursors["contacted"].cursor == 11
        await pilot.press("L")
        screen = board(app)
        assert screen.stage.id == "contacted" and selected(app) == "Ann"
        assert screen.cursors["contacted"].cursor == 0
        assert screen.column("contacted").cards[0].name == "Ann"
        assert "CONTACTED · 13\n" in header_text(app, "contacted")
        assert "NEW · 0\n" in header_text(app, "new")


async def test_enter_opens_the_lead_with_its_history(app, make_lead, leads):
    lead_id = make_lead("Ann", company="Acme")
    leads.log_touch(lead_id, "email", "Sent brochure")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LeadDetailScreen)
        assert app.screen.detail.history[-1][1:] == ("new", "contacted")
        touches = app.screen.detail.touches
        assert touches[0][1:] == ("email", "Sent brochure")
        from rich.console import Console

        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen._timeline())
        lines = [line for line in console.export_text().splitlines() if line.strip()]
        assert lines[0].split() == ["When", "What"]
        assert any("email" in line and "Sent brochure" in line for line in lines)
        assert any("New → Contacted" in line for line in lines)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_the_lead_page_scrolls_and_acts_like_the_board(app, make_lead, leads):
    lead_id = make_lead("Ann", company="Acme")
    for number in range(30):
        leads.log_touch(lead_id, "call", f"Call number {number}")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LeadDetailScreen)
        scroller = screen.query_one("VerticalScroll")
        assert scroller.has_focus and scroller.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert scroller.scroll_y > 0, "End reaches the timeline at the bottom"
        await pilot.press("L")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).stage == "contacted"
        assert screen.detail.stage == "contacted"
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("tab", *"Left a message", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LeadDetailScreen)
        assert "Left a message" in [note for _, _, note in screen.detail.touches]
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).stage == "won"
        await pilot.press("u")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).stage == "contacted"
        assert screen.detail.stage == "contacted"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_space_ticks_the_checklist_on_the_lead_page_and_the_board(app, make_lead, settings):
    """In any stage, space opens the checklist (☑/☐), space ticks, enter keeps, u undoes."""
    lead_id = make_lead("Ann", company="Acme")
    first, second = settings.qualification[:2]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, LeadDetailScreen)
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, QualifyForm)
        assert app.screen.query_one("#form-title").content == "Checklist: Ann"
        await pilot.press("space", "down", "space", "enter")
        await pilot.pause()
        assert app.screen is page
        assert json.loads(Lead.get_by_id(lead_id).qualification) == [first, second]
        assert Lead.get_by_id(lead_id).stage == "new", "ticking does not move the lead"
        shown = str(page.query_one("#lead-qualification").render())
        assert f"☑ {first}" in shown and f"☑ {second}" in shown
        await pilot.press("u")
        await pilot.pause()
        assert json.loads(Lead.get_by_id(lead_id).qualification or "[]") == []
        assert f"☐ {first}" in str(page.query_one("#lead-qualification").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, QualifyForm)
        await pilot.press("down", "space", "escape")
        await pilot.pause()
        assert json.loads(Lead.get_by_id(lead_id).qualification or "[]") == []
        await pilot.press("space", "down", "space", "enter")
        await pilot.pause()
        assert json.loads(Lead.get_by_id(lead_id).qualification) == [second]
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_mouse_selects_opens_and_scrolls_cards(app, make_lead, size):
    """A click selects a card (and its column), a double click opens it, the wheel walks
    the column under the pointer, and a click on a folded stage unfolds it."""
    from textual.events import MouseScrollDown, MouseScrollUp

    for number in range(12):
        make_lead(f"New {number:02}")
    make_lead("Cara", stage="contacted")
    make_lead("Dev", stage="contacted")
    make_lead("Wes", stage="won")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = board(app)
        second = screen.column("contacted").slots[1]
        await pilot.click(second)
        assert screen.stage.id == "contacted" and selected(app) == "Cara"
        assert "-selected" in second.classes
        await pilot._post_mouse_events([MouseScrollDown], screen.column("new"))
        await pilot._post_mouse_events([MouseScrollDown], screen.column("new"))
        assert screen.stage.id == "new" and selected(app) == "New 09"
        await pilot._post_mouse_events([MouseScrollUp], screen.column("new"))
        assert selected(app) == "New 10"
        await pilot.double_click(screen.column("contacted").slots[0])
        await pilot.pause()
        assert isinstance(app.screen, LeadDetailScreen)
        assert app.screen.detail.name == "Dev"
        await pilot.press("escape")
        await pilot.pause()
        won = screen.column("won")
        await pilot.click(won)
        assert screen.stage.id == "won" and selected(app) == "Wes"
        assert not won.has_class("-folded")


async def test_filter_narrows_and_escape_clears(app, make_lead):
    make_lead("Ann Lee", source="website")
    make_lead("Bob Stone", source="event")
    make_lead("Cara Lee", stage="contacted", source="event")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"lee")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "NEW · 1\n" in header_text(app, "new")
        assert "CONTACTED · 1\n" in header_text(app, "contacted")
        await pilot.press("enter")
        assert app.focused is None
        await pilot.press("l")
        assert selected(app) == "Cara Lee"
        await pilot.press("slash", *" source:website")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "CONTACTED · 0\n" in header_text(app, "contacted")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "NEW · 2\n" in header_text(app, "new")
        assert not board(app).query_one("#filter-bar").display


async def test_keys_typed_in_a_burst_after_slash_go_to_the_filter(app, make_lead):
    """A fast typist (or a paste) sends "/anne" before the app has drawn a frame: the
    letters are the filter's, not the board's keys (a archives, n adds a lead)."""
    make_lead("Anne Fox")
    make_lead("Bob Stone")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        type_in_a_burst(app, "slash", *"anne")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert board(app).query_one("#filter-input").value == "anne"
        assert Lead.select().where(Lead.archived_at.is_null(False)).count() == 0
        assert "NEW · 1\n" in header_text(app, "new")
        assert selected(app) == "Anne Fox"
        type_in_a_burst(app, "slash", *"fox")
        await pilot.pause()
        assert board(app).query_one("#filter-input").value == "anne/fox", "/ is text there"


async def test_empty_board_keys_do_not_crash(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "L", "w", "x", "e", "t", "a", "enter", "J", "u")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert "NEW · 0\n" in header_text(app, "new")


async def test_big_board_mounts_a_bounded_pool_of_cards(app, settings, clock):
    write_demo(settings, clock, leads=3000, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = board(app)
        slots = len(screen.query(LeadCard))
        assert slots == len(settings.stages) * screen.capacity
        # One query for every column's count and sum, one per column for its cards, and
        # on SQLite one for the data stamp (what was written since), however many leads.
        stamp = 1 if open_sqlite_file() else 0
        with assert_query_count(1 + len(settings.stages) + stamp):
            screen.refresh_board()
        assert screen.capacity <= 8
        await pilot.press("end")
        await pilot.pause()
        count = screen.summaries["new"].count
        assert screen.cursors["new"].cursor == count - 1
        last = (
            Lead.select()
            .where(Lead.stage == "new", Lead.archived_at.is_null())
            .order_by(Lead.position.desc(), Lead.id.desc())
            .first()
        )
        assert screen.selected_card().id == last.id
        assert len(screen.query(LeadCard)) == slots


async def test_small_terminal_fits_fewer_cards(app, settings, clock):
    write_demo(settings, clock, leads=200, seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert board(app).capacity == 3
        await pilot.press("down", "down", "down", "down")
        screen = board(app)
        assert screen.cursors["new"].top == 2
        assert screen.selected_card() is not None


async def test_closed_cards_owe_no_follow_up_and_a_lost_one_says_why(database, settings, clock):
    from datetime import date

    from pegboard.services.leads import LeadDraft
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.widgets.board_column import LeadCard
    from pegboard.wiring import Services

    services = Services(settings, clock)
    leads = services.leads
    won = leads.create_lead(LeadDraft("Wanda Won", due_date=date(2026, 11, 1)))
    leads.move_lead(won, "won")
    lost = leads.create_lead(LeadDraft("Larry Lost", due_date=date(2026, 11, 1)))
    leads.move_lead(lost, "lost", lost_reason="went with a cheaper firm")
    app = PegboardApp(services, start_mode="board")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        cards = {
            str(view.render()).split("\n")[0].strip(): view for view in app.screen.query(LeadCard)
        }
        text = {name: str(view.render()) for name, view in cards.items()}
    wanda = next(t for n, t in text.items() if "Wanda" in n)
    larry = next(t for n, t in text.items() if "Larry" in n)
    assert "⚠" not in wanda and wanda.endswith(f"won {clock.today():%b %d}"), "the day it was won"
    assert "lost: went with a cheaper firm" in larry and "⚠" not in larry
    assert not any(view.has_class("-overdue") for view in cards.values())


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 48)])
async def test_no_count_value_or_date_is_cut_on_the_board(database, settings, clock, size):
    """At 80x24 the closed stages the cursor is not in fold to their count and value,
    headers give way in the label, never the count, and a card's due date drops the
    days in stage before it rather than be cut."""
    from datetime import date, timedelta

    from pegboard.money import format_cents
    from pegboard.services.leads import LeadDraft
    from pegboard.ui.widgets.board_column import BoardColumn, LeadCard

    services = Services(settings, clock)
    for number, stage in enumerate(["new", "contacted", "qualified", "proposal"] * 3):
        services.leads.create_lead(
            LeadDraft(
                f"Someone Long-Named {number}",
                company="A Company With A Long Name",
                value_cents=123_400 + number,
                source="referral",
                due_date=date(2026, 11, 10) + timedelta(days=number),
            ),
            stage=stage,
        )
    for outcome in ("won", "lost"):
        lead = services.leads.create_lead(LeadDraft(f"Closed {outcome}", value_cents=999_900))
        services.leads.move_lead(lead, outcome, lost_reason="price")
    app = PegboardApp(services, start_mode="board")
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        for column in app.screen.query(BoardColumn):
            summary = app.screen.summaries[column.stage_id]
            header = str(column.query_one(".column-header").render())
            first, second = header.split("\n")
            assert first.endswith(f"{summary.count:,}"), header
            assert second.strip().startswith(format_compact_total(summary, settings)), header
            assert len(first) <= column.size.width and len(second) <= column.size.width
        folded = [c.stage_id for c in app.screen.query(BoardColumn) if c.has_class("-folded")]
        assert folded == (["won", "lost"] if size[0] < 120 else [])
        for card in app.screen.query(LeadCard):
            if not card.display or card.shown is None or not card.content_size.width:
                continue
            lines = str(card.render()).split("\n")
            value = format_cents(card.shown[0].value_cents, settings.currency, whole=True)
            width = card.content_size.width
            assert lines[2].startswith(value) and len(value) <= width
            assert len(lines[3]) <= width, lines[3]


def format_compact_total(summary, settings) -> str:
    from pegboard.money import format_compact

    return format_compact(summary.total_cents, settings.currency)
