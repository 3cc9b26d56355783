"""The one undo log, on a real database: shared by every service, capped, one step per
user action, and refusing to put back what another window or script changed since."""

from datetime import timedelta

import pytest

from pegboard.errors import StorageError
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.services.today_rows import TriageRow
from pegboard.services.undo import UNDO_DEPTH, Step, UndoConflict, UndoLog
from pegboard.store.models import Contact, Lead, Purchase, Referral, Snooze
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, undo


def test_one_log_takes_back_the_newest_change_whichever_service_made_it(services, make_lead):
    lead_id = make_lead("Ann")
    dana = services.partners.create_partner(PartnerDraft("Dana"))
    services.leads.move_lead(lead_id, "contacted")
    services.partners.archive_partner(dana)
    services.loyalty.mark_asked(Lead.get_by_id(lead_id).contact_id)
    log = services.undo_log
    assert log is services.leads.undo_log is services.partners.undo_log
    assert log is services.loyalty.undo_log is services.today.undo_log
    assert [log.undo().description for _ in range(3)] == [
        "asked for a referral",
        "archive",
        "move to Contacted",
    ]
    assert log.undo() is None
    assert Lead.get_by_id(lead_id).stage == "new"
    assert services.partners.partner_rows()[0].id == dana
    assert Contact.get_by_id(Lead.get_by_id(lead_id).contact_id).asked_referral_at is None


def test_the_log_keeps_the_newest_steps_up_to_its_depth(services, make_lead):
    lead_id = make_lead("Ann")
    for _ in range(UNDO_DEPTH + 5):
        services.leads.log_touch(lead_id, "call")
    assert len(services.undo_log) == UNDO_DEPTH


def test_undo_refuses_a_move_when_another_window_changed_the_lead_since(
    database, settings, clock, services, make_lead
):
    """Move on the board, win it from elsewhere, press u: the win stands, nothing changes."""
    dana = services.partners.create_partner(PartnerDraft("Dana"))
    logged = services.partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    services.leads.move_lead(logged.lead_id, "contacted")
    elsewhere = Services(settings, clock)  # another window or `pegboard lead won`
    elsewhere.leads.move_lead(logged.lead_id, "won", value_cents=90000)
    with pytest.raises(UndoConflict, match=r"Not undone: move to Contacted \(Ann\).*stage"):
        services.undo_log.undo()
    lead = Lead.get_by_id(logged.lead_id)
    assert (lead.stage, lead.value_cents) == ("won", 90000)
    assert Purchase.get(Purchase.lead == logged.lead_id).archived_at is None
    assert Referral.get_by_id(logged.referral_id).outcome == "converted"
    # The refused step is gone: the next u is about the step before it, not this again.
    assert services.undo_log.undo() is None


def test_undo_refuses_when_the_won_leads_purchase_was_archived_elsewhere(
    settings, clock, services, make_lead
):
    lead_id = make_lead("Ann", value_cents=50000)
    services.leads.move_lead(lead_id, "won")
    Purchase.update(archived_at=FIXED_NOW).where(Purchase.lead == lead_id).execute()
    with pytest.raises(UndoConflict, match="archived at"):
        services.undo_log.undo()
    assert Lead.get_by_id(lead_id).stage == "won"


def test_an_edit_of_other_fields_does_not_block_undoing_a_move(services, make_lead):
    """Only what the step would put back counts: a renamed contact is not a conflict."""
    lead_id = make_lead("Ann")
    services.leads.move_lead(lead_id, "contacted")
    Contact.update(name="Ann Lee").where(Contact.id == Lead.get_by_id(lead_id).contact_id).execute()
    assert undo(services.leads) == ("move to Contacted", lead_id)
    assert Lead.get_by_id(lead_id).stage == "new"


def test_undo_twice_takes_back_two_moves_of_the_same_lead(services, make_lead):
    lead_id = make_lead("Ann")
    services.leads.move_lead(lead_id, "contacted")
    services.leads.move_lead(lead_id, "qualified")
    assert undo(services.leads) == ("move to Qualified", lead_id)
    assert undo(services.leads) == ("move to Contacted", lead_id)
    assert Lead.get_by_id(lead_id).stage == "new"


def test_todays_thanks_and_set_aside_are_one_step(services):
    partners, today = services.partners, services.today
    dana = partners.create_partner(PartnerDraft("Dana"))
    for person in ("Ann", "Bob"):
        logged = partners.log_referral(ReferralDraft("received", person, partner_id=dana))
        services.leads.move_lead(logged.lead_id, "won", value_cents=1000)
    steps_before = len(services.undo_log)
    row = TriageRow(kind="owed_partner", ref_id=dana, title="Dana", detail="")
    assert today.done(row) == "thanked and set aside for a week"
    assert len(services.undo_log) == steps_before + 1
    assert Referral.select().where(Referral.thanked_at.is_null()).count() == 0
    assert Snooze.select().count() == 1
    step = services.undo_log.undo()
    assert (step.description, step.kind, step.record_id) == (
        "thanked and set aside for a week",
        "partner",
        dana,
    )
    assert Referral.select().where(Referral.thanked_at.is_null()).count() == 2
    assert Snooze.select().count() == 0


def test_a_group_that_fails_leaves_no_step(services, make_lead):
    lead_id = make_lead("Ann")
    log = services.undo_log
    with pytest.raises(RuntimeError), log.group("done", "lead", lead_id, "Ann"):
        services.leads.log_touch(lead_id, "call")
        raise RuntimeError("the write after it failed")
    assert len(log) == 0


def test_a_recorded_purchase_is_archived_by_undo(services):
    loyalty = services.loyalty
    contact_id = loyalty.find_or_create_customer("Cleo", create=True)
    loyalty.record_purchase(contact_id, 12000, "Haircut")
    step = services.undo_log.undo()
    assert (step.notice, step.kind, step.record_id) == (
        "purchase recorded (Cleo)",
        "customer",
        contact_id,
    )
    (purchase,) = Purchase.select()
    assert purchase.archived_at == FIXED_NOW
    assert loyalty.customers() == []


def test_putting_off_a_follow_up_is_the_leads_own_step(services, make_lead):
    due = FIXED_NOW.date() - timedelta(days=2)
    lead_id = make_lead("Ann", next_action="Call back", due_date=due)
    version = Lead.get_by_id(lead_id).version
    row = TriageRow(kind="due", ref_id=lead_id, title="Ann", detail="", lead_id=lead_id)
    services.today.snooze(row, 3)
    assert Lead.get_by_id(lead_id).version == version + 1
    step = services.undo_log.undo()
    assert (step.kind, step.record_id) == ("lead", lead_id)
    assert Lead.get_by_id(lead_id).due_date == due


def test_a_step_that_cannot_be_written_stays_to_try_again(database):
    attempts = []

    def reverse():
        attempts.append(1)
        if len(attempts) == 1:
            raise StorageError("The disk is full: nothing was saved.")

    log = UndoLog()
    log.push(Step("archive", "lead", 1, "Ann", reverse))
    with pytest.raises(StorageError):
        log.undo()
    assert len(log) == 1
    assert log.undo().description == "archive"
    assert len(log) == 0
