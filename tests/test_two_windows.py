"""Two pegboards on one file: edits made meanwhile are detected, and other writers are noticed."""

import subprocess
import sys

import pytest

from pegboard.errors import EditConflict
from pegboard.services.leads import LeadDraft
from pegboard.store.models import Lead
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.lead_form import LeadForm
from pegboard.ui.widgets.form_field import FormField
from pegboard.wiring import Services


def other_process(db_target, *args):
    """Run pegboard in another process on the same database, as a second window or script
    would."""
    result = subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(db_target), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_edit_of_a_lead_changed_meanwhile_is_refused(leads, make_lead, db_target):
    lead_id = make_lead("Ann", company="Acme")
    version = leads.version_of(lead_id)
    other_process(db_target, "lead", "move", str(lead_id), "contacted")
    with pytest.raises(EditConflict, match="another window"):
        leads.update_lead(lead_id, LeadDraft(name="Ann", company="Mine"), expected_version=version)
    assert Lead.get_by_id(lead_id).contact.company == "Acme"
    leads.update_lead(
        lead_id, LeadDraft(name="Ann", company="Mine"), expected_version=leads.version_of(lead_id)
    )
    assert Lead.get_by_id(lead_id).contact.company == "Mine"


async def test_board_edit_conflict_tells_the_user_and_keeps_the_typing(
    database, settings, clock, make_lead, db_target
):
    lead_id = make_lead("Ann", company="Acme")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        company = app.screen.query_one("#company", FormField)
        company.input.focus()
        await pilot.press(*" Two")
        other_process(db_target, "lead", "move", str(lead_id), "proposal")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm)
        assert app.screen.query_one("#company", FormField).value == "Acme Two"
        assert any("another window" in n.message for n in app._notifications)
        assert Lead.get_by_id(lead_id).contact.company == "Acme"
        await pilot.press("enter")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).contact.company == "Acme Two"
        assert Lead.get_by_id(lead_id).stage == "proposal"


async def test_the_open_board_shows_what_another_process_wrote(
    database, settings, clock, make_lead, db_target
):
    make_lead("Ann")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.summaries["new"].count == 1
        other_process(db_target, "lead", "add", "From A Script")
        await pilot.pause(1.5)
        assert app.screen.summaries["new"].count == 2
        assert app.screen.column("new").cards[0].name == "From A Script"


def test_a_partner_edited_meanwhile_is_not_overwritten(database, settings, clock, db_target):
    from pegboard.services.leads import LeadService
    from pegboard.services.partners import PartnerDraft, PartnerService

    partners = PartnerService(settings, clock, LeadService(settings, clock))
    dana = partners.create_partner(PartnerDraft("Dana", category="lawyer"))
    version = partners.version_of(dana)
    # Another window logs a referral with her under a new email: her contact changes.
    other_process(db_target, "referral", "log", "--partner", "Dana", "--given", "--person", "Eve")
    partners.update_partner(dana, PartnerDraft("Dana", category="banker"), expected_version=version)
    # Logging a referral did not touch her record; an edit of her record does.
    version = partners.version_of(dana)
    other = PartnerService(settings, clock, LeadService(settings, clock))
    other.update_partner(dana, PartnerDraft("Dana K", category="banker"))
    with pytest.raises(EditConflict, match="another window"):
        partners.update_partner(
            dana, PartnerDraft("Dana", category="accountant"), expected_version=version
        )
    assert partners.draft_of(dana).name == "Dana K"


async def test_a_write_noticed_as_the_app_closes_is_ignored(
    database, settings, clock, make_lead, db_target
):
    """The poll for other writers can fire after the app has taken its screens down (CI
    once failed on this with ScreenStackError): it must then do nothing."""
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert app.screen_stack == []
    other_process(db_target, "lead", "add", "From A Script")
    app._refresh_if_changed_elsewhere()
    # What the poll calls once it sees the write (PostgreSQL's statistics, which the
    # watcher reads, may show it only a second later).
    app.reload_screen()
