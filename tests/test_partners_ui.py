"""The partners screen, a partner's detail and the quick log, driven by Pilot."""

import pytest

from pegboard.services.partner_match import rank_partners
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Lead, Partner, Referral
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.confirm import Confirm
from pegboard.ui.modals.quick_log import QuickLog
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.screens.filtered_table import SORT_ARROWS
from pegboard.ui.screens.partner_detail import PartnerDetailScreen
from pegboard.ui.screens.partners import PartnersScreen
from pegboard.ui.widgets.direction_toggle import DirectionToggle
from pegboard.ui.widgets.form_field import FormField
from pegboard.wiring import Services
from tests.conftest import type_in_a_burst

SIZE = (120, 40)


@pytest.fixture
def app(database, settings, clock):
    return PegboardApp(Services(settings, clock), start_mode="board")


@pytest.fixture
def seeded(app):
    """Dana sent three and got one; Raj got two; Lou is new."""
    partners = app.services.partners
    dana = partners.create_partner(PartnerDraft("Dana Keller", category="accountant"))
    raj = partners.create_partner(PartnerDraft("Raj Patel", category="realtor"))
    partners.create_partner(PartnerDraft("Lou Lawyer", category="lawyer"))
    for person in ("Ann", "Ben", "Cy"):
        partners.log_referral(ReferralDraft("received", person, partner_id=dana))
    for person in ("Di", "Ed", "Fi"):
        partners.log_referral(
            ReferralDraft("given", person, partner_id=raj if person != "Di" else dana)
        )
    return {"dana": dana, "raj": raj}


def table_names(screen):
    return [row.name for row in screen.rows]


async def test_quick_log_with_the_exact_phone_call_keystrokes(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        await pilot.press(*"dan", "tab", *"Gina Ruiz", "tab", *"+1 555 0199", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        referral = Referral.select().order_by(Referral.id.desc()).get()
        assert (referral.partner_id, referral.direction) == (seeded["dana"], "received")
        lead = Lead.get_by_id(referral.lead_id)
        assert (lead.contact.name, lead.contact.phone, lead.source) == (
            "Gina Ruiz",
            "+1 555 0199",
            "referral",
        )
        assert lead.due_date.isoformat() == "2026-11-23"
        # It is on the board already, on top of the first column.
        assert app.screen.column("new").cards[0].name == "Gina Ruiz"
        # The next call starts on a blank form, not one that says what is missing.
        await pilot.press("r")
        await pilot.pause()
        fields = list(app.screen.query(FormField))
        assert [field.input.value for field in fields] == [""] * len(fields)
        assert [str(field.query_one(".field-error").render()) for field in fields] == [""] * len(
            fields
        )
        assert not any(field.input.has_class("-invalid") for field in fields)


async def test_a_name_typed_at_once_after_r_lands_in_the_quick_log(app, seeded):
    """On the phone, r and the partner's name come in one burst: the letters are the
    form's, not the board's keys (a would archive the lead under the cursor)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)  # the quick log is built just after the first paint
        type_in_a_burst(app, "r", *"dana")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.screen.query_one("#partner", FormField).value == "dana"
        assert Lead.select().where(Lead.archived_at.is_null(False)).count() == 0
        await pilot.press("escape", "y")  # discard what was typed
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        # On the partners table r offers the partner under the cursor, selected: letters
        # typed at once replace it (the caller may be another partner), never land in Person.
        type_in_a_burst(app, "r", *"raj")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.screen.query_one("#partner", FormField).value == "raj"
        assert app.screen.query_one("#person", FormField).value == ""


async def test_quick_log_arrow_keys_pick_another_match(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"a", "down", "tab")
        partner_field = app.screen.query_one("#partner", FormField)
        ranked = [m.name for m in rank_partners(app.screen.partners, "a", 5)]
        assert partner_field.value == ranked[1]
        assert app.focused is app.screen.query_one("#person", FormField).input


async def test_unknown_partner_is_created_on_the_spot(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"Nina Newpartner", "tab", *"Hal", "enter")
        await pilot.pause()
        partner = Partner.select().order_by(Partner.id.desc()).get()
        assert partner.contact.name == "Nina Newpartner"
        assert Referral.get(Referral.partner == partner).contact.name == "Hal"


async def test_given_direction_records_no_lead(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"raj", "tab", *"Ivy", "tab", "tab", "tab")
        assert isinstance(app.focused, DirectionToggle)
        await pilot.press("space", "enter")
        await pilot.pause()
        referral = Referral.select().order_by(Referral.id.desc()).get()
        assert (referral.direction, referral.partner_id, referral.lead_id) == (
            "given",
            seeded["raj"],
            None,
        )


async def test_rejected_quick_log_keeps_what_was_typed(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"dan", "tab", "tab", *"not-a-phone!", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.screen.query_one("#partner", FormField).value == "Dana Keller"
        assert app.screen.query_one("#reach", FormField).value == "not-a-phone!"
        person = app.screen.query_one("#person", FormField)
        assert "name" in str(person.query_one(".field-error").content)
        assert Referral.select().count() == 6


async def test_escape_asks_before_discarding_typed_text(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"dan", "tab", *"Gina", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("r")  # the app's r opens no second quick log over a dialog
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.screen.query_one("#person", FormField).value == "Gina"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert Referral.select().count() == 6
        # An untouched form closes without asking.
        await pilot.press("r", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_partners_table_shows_reciprocity_and_sorts(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PartnersScreen)
        assert table_names(screen) == ["Dana Keller", "Lou Lawyer", "Raj Patel"]
        dana = screen.rows[0]
        assert (dana.received, dana.given, dana.balance, dana.owed) == (3, 1, 2, True)
        row = screen.table.get_row_at(0)
        cell = dict(zip([key.value for key in screen.table.columns], row, strict=True))
        assert str(cell["balance"]) == "+2" and "send back" in cell["owed"]
        await pilot.press("s")  # balance -> closed
        assert screen.sort == "closed"
        await pilot.press("s", "s", "s")  # -> network -> last -> name (ascending)
        assert screen.sort == "name" and not screen.descending
        assert table_names(screen) == ["Dana Keller", "Lou Lawyer", "Raj Patel"]
        await pilot.press("S")
        assert table_names(screen) == ["Raj Patel", "Lou Lawyer", "Dana Keller"]
        assert "▲" not in str(screen.table.columns["name"].label)


async def test_a_click_on_a_column_label_sorts_by_it_and_again_reverses(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen

        async def click_label(label: str) -> None:
            header = screen.table.render_line(0).text
            await pilot.click(screen.table, offset=(header.index(label) + 1, 0))
            await pilot.pause()

        await click_label("Partner")
        assert (screen.sort, screen.descending) == ("name", False)
        assert table_names(screen) == ["Dana Keller", "Lou Lawyer", "Raj Patel"]
        await click_label("Partner")
        assert (screen.sort, screen.descending) == ("name", True)
        assert table_names(screen) == ["Raj Patel", "Lou Lawyer", "Dana Keller"]
        await click_label("Gave")
        assert (screen.sort, screen.descending) == ("given", True)
        assert table_names(screen)[0] == "Raj Patel"
        await click_label("Owed")
        assert screen.sort == "given", "a column that does not sort leaves the order"


async def test_the_sort_arrow_shows_beside_every_column_label(app, seeded):
    """A column is as wide as its label and cells were when added: the arrow added to
    the sorted column's label later was cut off ("Balance ▼" drawn as "Balance")."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in screen.COLUMNS:
            for _ in range(2):
                header = screen.table.render_line(0).text.replace(" ", "")
                label = dict(screen.COLUMNS)[screen.sort].replace(" ", "")
                assert label + SORT_ARROWS[screen.descending].strip() in header, header
                seen.append(screen.sort)
                await pilot.press("S")
                await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
        assert len(set(seen)) > 1


async def test_partners_filter_and_archive_undo(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        await pilot.press("slash", *"real", "enter")
        assert table_names(screen) == ["Raj Patel"]
        await pilot.press("a")
        assert table_names(screen) == []
        await pilot.press("escape", "u")
        assert "Raj Patel" in table_names(screen)
        assert Partner.get_by_id(seeded["raj"]).archived_at is None


async def test_a_burst_after_slash_filters_the_partners(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        type_in_a_burst(app, "slash", *"real")
        await pilot.pause()
        assert app.screen.query_one("#filter-input").value == "real"
        assert table_names(app.screen) == ["Raj Patel"]
        assert Partner.select().where(Partner.archived_at.is_null(False)).count() == 0


async def test_new_partner_from_the_table(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "n", *"Zed Banker", "tab", "tab", "tab", "tab", *"banker", "enter")
        await pilot.pause()
        partner = Partner.select().order_by(Partner.id.desc()).get()
        assert (partner.contact.name, partner.category) == ("Zed Banker", "banker")
        assert app.screen.selected().name == "Zed Banker"


async def test_partner_detail_outcomes_thanks_and_logging(app, seeded, leads):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, PartnerDetailScreen)
        assert detail.detail.name == "Dana Keller"
        assert len(detail.exchanges) == 4
        # The newest exchange is the given one to Di: cycle its outcome and set its value.
        first = detail.exchanges[0]
        assert (first.direction, first.person) == ("given", "Di")
        await pilot.press("o")
        assert Referral.get_by_id(first.id).outcome == "converted"
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"900", "enter")
        await pilot.pause()
        assert Referral.get_by_id(first.id).value_cents == 90000
        # A received referral follows its lead; thank Dana for it.
        await pilot.press("down")
        received = detail.exchanges[1]
        assert received.direction == "received"
        await pilot.press("o")
        assert Referral.get_by_id(received.id).outcome == "open"
        await pilot.press("k")
        assert Referral.get_by_id(received.id).thanked_at is not None
        # g logs a given referral with Dana already filled in.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.focused is app.screen.query_one("#person", FormField).input
        await pilot.press(*"Jo", "enter")
        await pilot.pause()
        assert len(app.screen.exchanges) == 5
        assert app.screen.exchanges[0].person == "Jo"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PartnersScreen)
        assert app.screen.rows[0].given == 2


async def test_palette_lists_log_referral(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Log referral", "Board", "Partners"} <= set(titles)


async def test_quick_log_takes_an_optional_warmth(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"dan", "tab", *"Kim", "tab", "tab", "tab", "tab", *"9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        await pilot.press("backspace", "4", "enter")
        await pilot.pause()
        referral = Referral.select().order_by(Referral.id.desc()).get()
        assert (referral.warmth, referral.contact.name) == (4, "Kim")


async def test_detail_archives_a_referral_and_undoes(app, seeded):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "enter")
        await pilot.pause()
        first = app.screen.exchanges[0]
        await pilot.press("a")
        assert Referral.get_by_id(first.id).archived_at is not None
        assert len(app.screen.exchanges) == 3
        await pilot.press("u")
        assert Referral.get_by_id(first.id).archived_at is None
        assert len(app.screen.exchanges) == 4


@pytest.mark.sqlite_only
async def test_a_referral_logged_over_the_board_redraws_only_the_first_column(
    app, seeded, monkeypatch
):
    """The board under the quick log hears of the new lead (LeadAdded) and redraws its
    one column; coming back on top it reloads nothing more. SQLite only: PostgreSQL's
    write counter (its statistics) counts this session's writes too and trails them, so
    there a later poll may reload the board as if another process had written."""
    redraws = []
    redraw = BoardScreen.refresh_board

    def spy(self, stage_ids=None, **options):
        redraws.append(stage_ids)
        return redraw(self, stage_ids, **options)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(BoardScreen, "refresh_board", spy)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"dan", "tab", *"Hugo Lane", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.column("new").cards[0].name == "Hugo Lane"
    assert redraws == [{"new"}]


@pytest.mark.sqlite_only
async def test_a_referral_logged_from_a_partner_page_reads_the_page_once(app, seeded, monkeypatch):
    """Under the quick log a partner's page is left alone; it reads its data once, as it
    shows again (not also as the lead is added, nor again as the dialog closes). SQLite
    only, for the reason the board's twin above gives."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartnerDetailScreen)
        reads = []
        read = PartnerDetailScreen.reload_data

        def spy(self):
            reads.append(self.partner_id)
            return read(self)

        monkeypatch.setattr(PartnerDetailScreen, "reload_data", spy)
        partner_id = app.screen.partner_id
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Iris Moe", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PartnerDetailScreen)
        assert reads == [partner_id]


async def test_letters_typed_after_r_on_the_partners_table_go_to_the_partner(app, seeded):
    """The table's highlighted partner is offered, selected: typing replaces it (a call
    from another partner is never filed under the row the cursor happened to be on),
    and tab keeps it."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        highlighted = app.screen.selected()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        assert app.screen.field("partner").value == highlighted.name
        other = "raj" if highlighted.name != "Raj Patel" else "dan"
        await pilot.press(*other, "tab", *"Ivy Stone", "enter")
        await pilot.pause()
        ivy = Referral.select().order_by(Referral.id.desc()).get()
        assert ivy.partner_id == (seeded["raj"] if other == "raj" else seeded["dana"])
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("tab", *"Jo Park", "enter")
        await pilot.pause()
        jo = Referral.select().order_by(Referral.id.desc()).get()
        assert jo.partner_id == app.screen.selected().id


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 48)])
async def test_the_tables_fit_their_width_dropping_the_least_useful_columns(app, seeded, size):
    """Partners and Loyalty at each size: every column shown fits on screen (nothing
    to scroll sideways to), the narrow tables keep the figures and drop the category
    or the first purchase date."""
    from pegboard.ui.screens.loyalty import LoyaltyScreen

    async with app.run_test(size=size) as pilot:
        for key, screen_type in (("3", PartnersScreen), ("4", LoyaltyScreen)):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, screen_type)
            table = screen.table
            needed = sum(column.get_render_width(table) for column in table.columns.values())
            assert needed <= table.size.width, (screen_type.__name__, size, needed)
            shown = [str(column.label).rstrip(" ▲▼") for column in table.columns.values()]
            if screen_type is PartnersScreen:
                assert "Got" in shown and ("Category" in shown) == (size[0] >= 110)


async def test_s_sorts_only_by_the_columns_shown(app, seeded):
    """At 80 columns the category and network columns are left out: s skips them."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in range(8):
            await pilot.press("s")
            await pilot.pause()
            seen.append(screen.sort)
        assert "category" not in seen and "network" not in seen
        assert set(seen) == {"name", "received", "given", "balance", "closed", "last"}


@pytest.mark.sqlite_only  # PostgreSQL keeps no counters of writes: the table is read each time
async def test_the_partners_table_is_read_again_only_after_a_write_to_what_it_shows(
    app, seeded, make_lead, monkeypatch
):
    """A lead moved between open stages writes none of the partners' tables: coming back,
    the rows are kept. A referral (their sums), a purchase (their networks' customers) or
    a one-to-one (their last meeting) is read again."""
    reads = []
    real_read = PartnersScreen.read_page
    monkeypatch.setattr(
        PartnersScreen, "read_page", lambda self, *a: reads.append(1) or real_read(self, *a)
    )
    lead = make_lead("Mo Mover")
    services = app.services
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert len(reads) == 1
        services.leads.move_lead(lead, "contacted")
        await pilot.press("2", "3")
        await pilot.pause()
        assert len(reads) == 1 and app.screen is screen
        writes = [
            lambda: services.partners.log_referral(
                ReferralDraft("given", "Gus", partner_id=seeded["raj"])
            ),
            lambda: services.loyalty.record_purchase(
                Lead.get_by_id(lead).contact_id, 5000, "visit"
            ),
            lambda: services.partners.log_meeting(seeded["dana"], note="coffee"),
        ]
        for count, write in enumerate(writes, start=2):
            write()
            await pilot.press("2", "3")
            await pilot.pause()
            assert len(reads) == count
        assert screen.rows[0].name == "Dana Keller" and screen.rows[0].last_met is not None
