"""Archived things can always be seen and brought back, after a restart too: from the
service, the command line and the app's archive screen (at 80x24)."""

import pytest

from pegboard.errors import NotFound, ServiceError
from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft
from pegboard.store.models import Lead, Partner, Purchase
from pegboard.ui.app import PegboardApp
from pegboard.ui.screens.archive import ArchiveScreen
from pegboard.wiring import Services
from tests.conftest import undo


def test_archived_leads_partners_and_purchases_are_listed_and_come_back(
    services, settings, clock, make_lead
):
    lead_id = make_lead("Ann", value_cents=5000)
    dana = services.partners.create_partner(PartnerDraft("Dana", category="lawyer"))
    customer = services.loyalty.find_or_create_customer("Cleo", create=True)
    services.loyalty.record_purchase(customer, 12000, "Haircut")
    purchase_id = Purchase.get().id
    services.leads.archive(lead_id)
    services.partners.archive_partner(dana)
    Purchase.update(archived_at=clock.now()).where(Purchase.id == purchase_id).execute()
    # A new session (after a restart): the undo log is empty, the archive is not.
    later = Services(settings, clock)
    assert later.undo_log.undo() is None
    listed = {(r.kind, r.id, r.name, r.what) for r in later.archive.records()}
    assert listed == {
        ("lead", lead_id, "Ann", "Ann"),
        ("partner", dana, "Dana", "lawyer"),
        ("purchase", purchase_id, "Cleo", "Haircut"),
    }
    for kind, record_id in (("lead", lead_id), ("partner", dana), ("purchase", purchase_id)):
        assert later.archive.bring_back(kind, record_id).id == record_id
    assert later.archive.records() == []
    assert Lead.get_by_id(lead_id).archived_at is None
    assert Partner.get_by_id(dana).archived_at is None
    # Bringing back is a step like any other.
    assert undo(later.archive) == ("bring back", purchase_id)
    assert Purchase.get_by_id(purchase_id).archived_at is not None


def test_what_cannot_come_back_says_why(services, make_lead):
    lead_id = make_lead("Ann", value_cents=5000)
    with pytest.raises(NotFound, match="no archived lead"):
        services.archive.bring_back("lead", lead_id)
    services.leads.move_lead(lead_id, "won")
    services.leads.move_lead(lead_id, "proposal")  # the won lead's purchase is archived
    (purchase,) = Purchase.select()
    assert purchase.archived_at is not None
    with pytest.raises(ServiceError, match="comes back when the lead is won again"):
        services.archive.bring_back("purchase", purchase.id)


def test_the_command_line_lists_and_brings_back(tmp_path, capsys):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    db = tmp_path / "book.db"
    assert main(["--db", str(db), "lead", "add", "Ann Lee", "--value", "250"]) == 0
    close_database()
    from pegboard.store.database import open_database
    from pegboard.store.models import Contact

    open_database(str(db))
    # A name as another program left it: the command line now refuses such text.
    Contact.update(name="Ann \x1b[2J Lee").execute()
    Lead.update(archived_at=Lead.created_at).execute()
    close_database()
    capsys.readouterr()
    assert main(["--db", str(db), "archived"]) == 0
    close_database()
    out = capsys.readouterr().out
    assert "lead" in out and "$250.00" in out
    assert "\x1b" not in out and "␛[2J" in out
    assert main(["--db", str(db), "unarchive", "lead", "1"]) == 0
    close_database()
    assert main(["--db", str(db), "archived", "--json"]) == 0
    close_database()
    assert capsys.readouterr().out.strip().endswith("[]")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_archive_screen_brings_a_lead_back(database, settings, clock, size):
    app = PegboardApp(Services(settings, clock), start_mode="board")
    lead_id = app.services.leads.create_lead(LeadDraft("Ann Lee"))
    app.services.leads.archive(lead_id)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.open_archive()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArchiveScreen)
        assert [r.name for r in screen.records] == ["Ann Lee"]
        assert "1 archived" in str(screen.query_one("#archive-title").render())
        await pilot.press("b")
        await pilot.pause()
        assert Lead.get_by_id(lead_id).archived_at is None
        assert "Nothing is archived" in str(screen.query_one("#archive-title").render())
        await pilot.press("u")
        await pilot.pause()
        assert [r.name for r in screen.records] == ["Ann Lee"]
        await pilot.press("b", "escape")
        await pilot.pause()
        assert app.screen.id != "archive" and not isinstance(app.screen, ArchiveScreen)
        # The board shows the lead again.
        assert lead_id in [card.id for card in app.screen.column("new").cards]
