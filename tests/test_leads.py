"""Lead services on a real SQLite file: the pipeline rules, history, undo and touches."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from pegboard.errors import ServiceError
from pegboard.services.lead_records import lead_detail, lead_records
from pegboard.services.leads import LeadDraft
from pegboard.store.models import Contact, Lead, StageChange, Touch
from tests.conftest import FIXED_NOW, undo


def stages_of(lead_id):
    return [
        (change.from_stage, change.to_stage)
        for change in StageChange.select()
        .where(StageChange.lead == lead_id)
        .order_by(StageChange.id)
    ]


def test_new_lead_goes_on_top_of_the_first_stage_with_history(make_lead):
    first = make_lead("Ann Lee", company="Acme", value_cents=120000, source="referral")
    second = make_lead("Bob Stone")
    ann, bob = Lead.get_by_id(first), Lead.get_by_id(second)
    assert ann.stage == bob.stage == "new"
    assert bob.position < ann.position
    assert ann.title == "Ann Lee"
    assert ann.created_at == FIXED_NOW
    assert ann.last_touch_at == FIXED_NOW
    assert stages_of(first) == [(None, "new")]


def test_draft_rules_are_enforced(leads):
    with pytest.raises(ServiceError, match="name"):
        leads.create_lead(LeadDraft(name="  "))
    with pytest.raises(ServiceError, match="email"):
        leads.create_lead(LeadDraft(name="X", email="not-an-email"))
    with pytest.raises(ServiceError, match="source"):
        leads.create_lead(LeadDraft(name="X", source="carrier pigeon"))
    with pytest.raises(ServiceError, match="no stage"):
        leads.create_lead(LeadDraft(name="X"), stage="limbo")
    assert Lead.select().count() == 0


def test_same_person_is_not_typed_twice(make_lead):
    make_lead("Ann Lee", email="ann@example.com")
    make_lead("Ann L.", email="ANN@example.com", phone="+1 555 0100")
    make_lead("Someone", phone="+1 555 0100")
    make_lead("Bob", company="One")
    make_lead("bob", company="Two")
    assert Contact.select().count() == 3
    ann = Contact.get(Contact.email == "ann@example.com")
    assert ann.phone == "+1 555 0100"
    assert ann.leads.count() == 3


def test_move_records_history_and_closing_details(leads, make_lead):
    lead_id = make_lead("Ann", value_cents=1000)
    leads.move_lead(lead_id, "contacted")
    leads.move_lead(lead_id, "won", value_cents=250000)
    lead = Lead.get_by_id(lead_id)
    assert lead.stage == "won"
    assert lead.value_cents == 250000
    assert lead.closed_at == FIXED_NOW
    assert lead.version == 3
    assert stages_of(lead_id) == [(None, "new"), ("new", "contacted"), ("contacted", "won")]
    leads.move_lead(lead_id, "proposal")
    reopened = Lead.get_by_id(lead_id)
    assert reopened.closed_at is None and reopened.lost_reason == ""


def test_lost_needs_a_reason_and_keeps_it(leads, make_lead):
    lead_id = make_lead("Ann")
    with pytest.raises(ServiceError, match="why"):
        leads.move_lead(lead_id, "lost", lost_reason="  ")
    assert Lead.get_by_id(lead_id).stage == "new"
    leads.move_lead(lead_id, "lost", lost_reason="No budget")
    assert Lead.get_by_id(lead_id).lost_reason == "No budget"


def test_moving_into_the_same_stage_is_refused(leads, make_lead):
    lead_id = make_lead("Ann")
    with pytest.raises(ServiceError, match="already"):
        leads.move_lead(lead_id, "new")


def test_qualification_ticks_are_stored_and_checked(leads, make_lead, settings):
    lead_id = make_lead("Ann")
    ticks = list(settings.qualification[:2])
    leads.move_lead(lead_id, "qualified", qualification=ticks)
    assert json.loads(Lead.get_by_id(lead_id).qualification) == ticks
    with pytest.raises(ServiceError, match="criterion"):
        leads.move_lead(lead_id, "proposal", qualification=["Likes cats"])


def test_moved_card_lands_on_top_of_its_new_column(leads, make_lead):
    first = make_lead("A", stage="contacted")
    second = make_lead("B")
    leads.move_lead(second, "contacted")
    assert Lead.get_by_id(second).position < Lead.get_by_id(first).position


def test_backdated_move_uses_the_given_time(leads, make_lead):
    lead_id = make_lead("Ann")
    at = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    leads.move_lead(lead_id, "contacted", at=at)
    lead = Lead.get_by_id(lead_id)
    assert lead.stage_entered_at == at
    assert lead.updated_at == FIXED_NOW


def test_reorder_swaps_with_the_neighbour_and_stops_at_the_ends(leads, make_lead):
    bottom, middle, top = make_lead("A"), make_lead("B"), make_lead("C")

    def order():
        return [
            lead.id for lead in Lead.select().where(Lead.stage == "new").order_by(Lead.position)
        ]

    assert order() == [top, middle, bottom]
    assert leads.reorder(bottom, -1)
    assert order() == [top, bottom, middle]
    assert leads.reorder(bottom, -1)
    assert order() == [bottom, top, middle]
    assert not leads.reorder(bottom, -1)
    assert leads.reorder(bottom, 1)
    assert order() == [top, bottom, middle]


def test_archive_and_undo_bring_back_exactly_what_was_there(leads, make_lead):
    lead_id = make_lead("Ann")
    leads.archive(lead_id)
    assert Lead.get_by_id(lead_id).archived_at == FIXED_NOW
    assert lead_records() == []
    assert undo(leads) == ("archive", lead_id)
    assert Lead.get_by_id(lead_id).archived_at is None
    assert undo(leads) is None


def test_undo_takes_back_moves_in_reverse_order_with_their_history(leads, make_lead):
    lead_id = make_lead("Ann")
    position = Lead.get_by_id(lead_id).position
    leads.move_lead(lead_id, "contacted")
    leads.move_lead(lead_id, "lost", lost_reason="Timing")
    assert undo(leads) == ("move to Lost", lead_id)
    lead = Lead.get_by_id(lead_id)
    assert (lead.stage, lead.lost_reason, lead.closed_at) == ("contacted", "", None)
    assert undo(leads) == ("move to Contacted", lead_id)
    lead = Lead.get_by_id(lead_id)
    assert (lead.stage, lead.position) == ("new", position)
    assert stages_of(lead_id) == [(None, "new")]


def test_a_move_records_the_stay_it_ends_and_when_the_lead_first_qualified(leads, make_lead):
    lead_id = leads.create_lead(LeadDraft("Ann"), at=datetime(2026, 11, 1, 12, tzinfo=UTC))
    leads.move_lead(lead_id, "qualified", at=datetime(2026, 11, 4, 0, tzinfo=UTC))
    leads.move_lead(lead_id, "contacted", at=datetime(2026, 11, 5, 0, tzinfo=UTC))
    leads.move_lead(lead_id, "proposal", at=datetime(2026, 11, 6, 0, tzinfo=UTC))
    stays = [c.stay_hours for c in StageChange.select().order_by(StageChange.id)]
    assert stays == [None, 60, 24, 24]
    # Qualified once: moving back and on again keeps the first time.
    assert Lead.get_by_id(lead_id).qualified_at == datetime(2026, 11, 4, 0, tzinfo=UTC)
    undo(leads)
    undo(leads)
    undo(leads)
    assert Lead.get_by_id(lead_id).qualified_at is None
    assert (
        make_lead("Won at once", stage="won")
        and Lead.select().where(Lead.qualified_at.is_null(False)).count() == 1
    )


def test_touch_updates_last_touch_and_follow_up(leads, make_lead):
    lead_id = make_lead("Ann", next_action="Call", due_date=date(2026, 11, 20))
    leads.log_touch(
        lead_id, "call", "Talked pricing", next_action="Send proposal", due_date=date(2026, 11, 25)
    )
    lead = Lead.get_by_id(lead_id)
    assert lead.next_action == "Send proposal"
    assert lead.due_date == date(2026, 11, 25)
    assert lead.last_touch_at == FIXED_NOW
    touch = Touch.get(Touch.lead == lead_id)
    assert (touch.kind, touch.note, touch.contact_id) == ("call", "Talked pricing", lead.contact_id)
    earlier = FIXED_NOW - timedelta(days=3)
    leads.log_touch(lead_id, "note", "backfilled", at=earlier)
    assert Lead.get_by_id(lead_id).last_touch_at == FIXED_NOW
    with pytest.raises(ServiceError, match="touch is one of"):
        leads.log_touch(lead_id, "telepathy")


def test_edit_changes_lead_and_contact(leads, make_lead):
    lead_id = make_lead("Ann", company="Acme")
    leads.update_lead(
        lead_id,
        LeadDraft(
            name="Ann Lee", company="Acme Ltd", title="Books", value_cents=5000, source="event"
        ),
    )
    draft = leads.draft_of(lead_id)
    assert (draft.name, draft.company, draft.title, draft.value_cents, draft.source) == (
        "Ann Lee",
        "Acme Ltd",
        "Books",
        5000,
        "event",
    )


def test_detail_has_fields_touches_and_history(leads, make_lead):
    lead_id = make_lead("Ann", company="Acme", value_cents=100)
    leads.move_lead(lead_id, "contacted")
    leads.log_touch(lead_id, "email", "Sent info")
    detail = lead_detail(lead_id)
    assert (detail.name, detail.company, detail.stage) == ("Ann", "Acme", "contacted")
    assert [kind for _, kind, _ in detail.touches] == ["email"]
    assert [(origin, target) for _, origin, target in detail.history] == [
        (None, "new"),
        ("new", "contacted"),
    ]


def test_lead_records_have_the_documented_keys(make_lead):
    make_lead(
        "Ann",
        company="Acme",
        email="ann@example.com",
        value_cents=120050,
        due_date=date(2026, 12, 1),
    )
    (record,) = lead_records()
    assert set(record) >= {
        "id",
        "title",
        "contact",
        "company",
        "email",
        "phone",
        "stage",
        "source",
        "partner",
        "value_cents",
        "next_action",
        "due",
        "created_at",
        "updated_at",
        "archived",
    }
    assert record["value_cents"] == 120050
    assert record["due"] == "2026-12-01"
    assert record["created_at"] == "2026-11-23T15:00:00Z"
