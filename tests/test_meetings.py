"""One-to-ones with partners: logged from the partners table, the partner page, Today and
the CLI; "last met" on the table; partners not met for `meet_every_days` on Today,
those who send the most first."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from pegboard.services.meetings import last_meetings, partners_to_meet
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Partner, Touch
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, drawn_text


@pytest.fixture
def book(database, settings, clock):
    """Dana sent three, Raj one, Lou none; all partners for 90 days; Raj met 10 days ago."""
    services = Services(replace(settings, meet_every_days=30), clock)
    partners = services.partners
    ids = {
        name: partners.create_partner(PartnerDraft(name))
        for name in ("Dana Keller", "Raj Patel", "Lou Lawyer", "New Nora")
    }
    Partner.update(created_at=FIXED_NOW - timedelta(days=90)).where(
        Partner.id != ids["New Nora"]
    ).execute()
    for person in ("Ann", "Ben", "Cy"):
        partners.log_referral(ReferralDraft("received", person, partner_id=ids["Dana Keller"]))
    partners.log_referral(ReferralDraft("received", "Di", partner_id=ids["Raj Patel"]))
    partners.log_meeting(ids["Raj Patel"], FIXED_NOW - timedelta(days=10), "Coffee")
    return services, ids


def test_a_one_to_one_is_a_meeting_on_the_partners_contact_and_undo_takes_it_back(book):
    services, ids = book
    partners = services.partners
    touch_id = partners.log_meeting(ids["Lou Lawyer"], note="Lunch")
    touch = Touch.get_by_id(touch_id)
    assert (touch.kind, touch.lead_id, touch.note) == ("meeting", None, "Lunch")
    assert touch.contact_id == Partner.get_by_id(ids["Lou Lawyer"]).contact_id
    assert last_meetings([ids["Lou Lawyer"]]) == {ids["Lou Lawyer"]: FIXED_NOW}
    services.undo_log.undo()
    assert Touch.get_or_none(Touch.id == touch_id) is None
    assert last_meetings([ids["Lou Lawyer"]]) == {}


def test_partners_not_met_show_on_today_who_send_most_first(book, clock):
    services, _ = book
    due, count = partners_to_meet(services.settings, clock, 10)
    # Raj was met 10 days ago (not due); New Nora is a partner of today (not due yet).
    assert [(name, last, sent) for _, name, last, sent in due] == [
        ("Dana Keller", None, 3),
        ("Lou Lawyer", None, 0),
    ]
    assert count == 2
    today = services.today
    section = next(s for s in today.sections() if s.key == "meet")
    assert section.title == "Partners to meet one to one" and section.count == 2
    dana = section.rows[0]
    assert dana.detail == "never met one to one · sent you 3 referrals"
    assert "2 partners to meet" in today.summary(today.sections())
    assert today.done(dana) == "one-to-one logged"
    assert [row.title for row in next(s for s in today.sections() if s.key == "meet").rows] == [
        "Lou Lawyer"
    ]
    services.undo_log.undo()
    assert next(s for s in today.sections() if s.key == "meet").count == 2
    lou = next(s for s in today.sections() if s.key == "meet").rows[1]
    today.snooze(lou, 7)
    assert next(s for s in today.sections() if s.key == "meet").count == 1


def test_without_meet_every_days_today_asks_for_no_meetings(database, settings, clock):
    services = Services(settings, clock)
    partner = services.partners.create_partner(PartnerDraft("Dana Keller"))
    Partner.update(created_at=FIXED_NOW - timedelta(days=900)).where(
        Partner.id == partner
    ).execute()
    today = services.today
    assert next(s for s in today.sections() if s.key == "meet").count == 0
    assert "to meet" not in today.summary(today.sections())


def test_the_partners_listing_says_when_each_was_last_met(book):
    services, _ = book
    rows = {row.name: row for row in services.partners.partner_rows()}
    assert rows["Raj Patel"].last_met == FIXED_NOW - timedelta(days=10)
    assert rows["Dana Keller"].last_met is None


def test_pegboard_partner_met_logs_it_and_refuses_a_day_to_come(book, db_target, capsys, tmp_path):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    _, ids = book
    assert (
        main(["--db", db_target, "partner", "met", "Dana Keller", "--at", "2026-11-20", "--json"])
        == 0
    )
    met = json.loads(capsys.readouterr().out)
    assert met["partner"] == ids["Dana Keller"] and met["on"] == "2026-11-20"
    assert Touch.get_by_id(met["touch"]).kind == "meeting"
    assert main(["--db", db_target, "partner", "met", "Dana Keller", "--at", "2099-01-01"]) == 2
    assert "--at: a one-to-one is logged once it took place" in capsys.readouterr().err
    assert main(["--db", db_target, "partner", "met", "Nobody"]) == 2
    assert "no partner named 'Nobody'" in capsys.readouterr().err
    assert main(["--db", db_target, "partners", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["Dana Keller"]["last_met"].startswith("2026-11-20T")
    close_database()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_t_logs_a_one_to_one_on_the_table_and_the_page(book, size):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.modals.meeting_form import MeetingForm
    from pegboard.ui.screens.partner_detail import PartnerDetailScreen

    services, ids = book
    app = PegboardApp(services, start_mode="partners")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        while screen.selected().name != "Lou Lawyer":
            await pilot.press("down")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MeetingForm)
        await pilot.press(*"Talked bakeries", "tab")
        app.screen.field("when").input.value = "tomorrow"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingForm), "a day to come is refused"
        app.screen.field("when").input.value = "yesterday"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        met = last_meetings([ids["Lou Lawyer"]])[ids["Lou Lawyer"]]
        assert met.date() == (FIXED_NOW - timedelta(days=1)).date()
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, PartnerDetailScreen)
        info = page.query_one("#partner-info")
        text = drawn_text(info)
        assert "One to ones" in text and "(1 day ago) · 1 in all" in text
        await pilot.press("t", *"Again", "enter")
        await pilot.pause()
        text = drawn_text(info)
        assert "(today) · 2 in all" in text
