"""A full disk or a read-only file: a clear message, nothing typed is lost, the app goes on.

The failures are SQLite's own: `PRAGMA max_page_count` caps the file at its present
size (SQLITE_FULL, "database or disk is full", as a full disk gives), and
`PRAGMA query_only` refuses every write ("attempt to write a readonly database", as a
read-only file gives). Both are set on the connection the app itself writes through.
"""

from datetime import date

import pytest

from pegboard.errors import StorageError
from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft, PartnerService, ReferralDraft
from pegboard.store.models import Lead, Referral, db
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.quick_log import QuickLog
from pegboard.ui.screens.board import BoardScreen
from pegboard.ui.widgets.form_field import FormField
from pegboard.wiring import Services
from tests.conftest import undo

pytestmark = pytest.mark.sqlite_only

SIZE = (120, 40)


def disk_full() -> None:
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")


def read_only(on: bool = True) -> None:
    db.execute_sql(f"PRAGMA query_only = {int(on)}")


def test_a_write_on_a_full_disk_is_refused_whole_with_a_clear_message(leads, settings, clock):
    partners = PartnerService(settings, clock, leads)
    dana = partners.create_partner(PartnerDraft("Dana"))
    disk_full()
    big_note = "x" * 200_000  # needs pages the capped file cannot have
    with pytest.raises(StorageError, match="The disk is full: nothing was saved"):
        partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana, note=big_note))
    # All or nothing: no referral, no lead, no contact half written.
    assert Referral.select().count() == 0 and Lead.select().count() == 0


def test_a_read_only_database_refuses_writes_but_still_reads(leads, make_lead):
    lead_id = make_lead("Ann", due_date=date(2026, 11, 23))
    leads.move_lead(lead_id, "contacted")
    read_only()
    with pytest.raises(StorageError, match="The database is read-only"):
        leads.create_lead(LeadDraft("Bo"))
    # Undo that fails keeps the step, to try again once the file is writable.
    with pytest.raises(StorageError):
        undo(leads)
    assert Lead.get_by_id(lead_id).stage == "contacted"
    read_only(False)
    assert undo(leads) == ("move to Contacted", lead_id)
    assert Lead.get_by_id(lead_id).stage == "new"


async def test_quick_log_on_a_full_disk_keeps_what_was_typed(database, settings, clock):
    app = PegboardApp(Services(settings, clock), start_mode="board")
    app.services.partners.create_partner(PartnerDraft("Dana Fox"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        disk_full()
        await pilot.press("r", *"dan", "tab", *"Gina Ruiz", "tab", *"+1 555 0199")
        app.screen.query_one("#note", FormField).input.value = "y" * 200_000
        await pilot.press("enter")
        await pilot.pause()
        # Still the form, with every field as typed, and the reason on screen.
        assert isinstance(app.screen, QuickLog)
        assert app.screen.query_one("#person", FormField).value == "Gina Ruiz"
        assert app.screen.query_one("#reach", FormField).value == "+1 555 0199"
        assert any("The disk is full" in n.message for n in app._notifications)
        assert Referral.select().count() == 0
        # Room again: the same enter saves it.
        db.execute_sql("PRAGMA max_page_count = 1073741823")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert Referral.select().count() == 1


async def test_the_board_stays_usable_for_reading_when_writes_fail(
    database, settings, clock, make_lead
):
    make_lead("Ann")
    make_lead("Bo")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        read_only()
        board = app.screen
        before = board.selected_card().name
        await pilot.press("J", "a")  # reorder, archive: both writes
        await pilot.pause()
        assert app.is_running and app.screen is board
        assert sum("read-only" in n.message for n in app._notifications) >= 2
        assert Lead.select().where(Lead.archived_at.is_null(False)).count() == 0
        await pilot.press("j")
        await pilot.pause()
        assert board.selected_card().name != before  # reading and moving about still work
        await pilot.press("2")
        await pilot.press("n", *"Cy")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#name", FormField).value == "Cy"
