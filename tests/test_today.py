"""The Today triage rules with a fixed "today": each section's members and order, done, snooze, undo."""

from datetime import date, timedelta

import pytest

from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.services.today import TodayService, today_records
from pegboard.store.models import Contact, Lead, Referral, Touch
from tests.conftest import FIXED_NOW, undo


@pytest.fixture
def world(services):
    return services.today, services.partners, services.loyalty


def section(today, key):
    return next(s for s in today.sections() if s.key == key)


def test_follow_ups_due_today_or_overdue_oldest_first(world, make_lead):
    today, _, _ = world
    make_lead("Later", due_date=date(2026, 11, 25))
    make_lead("Today", due_date=date(2026, 11, 23))
    make_lead("Old", due_date=date(2026, 11, 10))
    make_lead("Won one", stage="won", due_date=date(2026, 11, 1))
    due = section(today, "due")
    assert [row.title for row in due.rows] == ["Old", "Today"]
    assert due.rows[0].detail.endswith("13d overdue") and due.count == 2


def test_new_referral_until_first_touch(world):
    today, partners, _ = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    rows = section(today, "new_referral").rows
    assert [(r.title, r.detail) for r in rows] == [
        ("Ann", "no phone or email yet · from Dana · not contacted yet")
    ]
    today.done(rows[0])
    assert section(today, "new_referral").count == 0
    assert Touch.select().where(Touch.lead == logged.lead_id).count() == 1
    assert undo(today)
    assert section(today, "new_referral").count == 1


def test_a_new_referral_comes_first_with_its_phone_and_value(world, leads):
    """Call-ready: the warmest lead on top, with the number to dial and what it is worth."""
    today, partners, _ = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = partners.log_referral(
        ReferralDraft("received", "Hector Ruiz", partner_id=dana, reach="+1 555 0199")
    )
    Lead.update(value_cents=180000).where(Lead.id == logged.lead_id).execute()
    sections = today.sections()
    assert sections[0].key == "new_referral"
    (row,) = sections[0].rows
    assert row.detail == "+1 555 0199 · from Dana · $1,800 · not contacted yet"


def test_stale_leads_by_stage_threshold(world, leads, make_lead):
    today, _, _ = world
    fresh = make_lead("Fresh")
    quiet = make_lead("Quiet")
    Lead.update(last_touch_at=FIXED_NOW - timedelta(days=5)).where(Lead.id == quiet).execute()
    Lead.update(last_touch_at=FIXED_NOW - timedelta(days=2)).where(Lead.id == fresh).execute()
    stale = section(today, "stale")
    assert [row.title for row in stale.rows] == ["Quiet"]
    assert "no touch for 5d" in stale.rows[0].detail


def test_snooze_hides_a_row_until_the_day_and_moves_a_due_date(world, make_lead):
    today, _, _ = world
    quiet = make_lead("Quiet")
    Lead.update(last_touch_at=FIXED_NOW - timedelta(days=9)).where(Lead.id == quiet).execute()
    due = make_lead("Due", due_date=date(2026, 11, 20))
    today.snooze(section(today, "stale").rows[0], 7)
    assert section(today, "stale").count == 0
    today.snooze(section(today, "due").rows[0], 1)
    assert Lead.get_by_id(due).due_date == date(2026, 11, 24)
    assert section(today, "due").count == 0
    undo(today)
    assert Lead.get_by_id(due).due_date == date(2026, 11, 20)
    undo(today)
    assert section(today, "stale").count == 1


def test_done_on_a_follow_up_clears_it_and_logs_a_touch(world, make_lead):
    today, _, _ = world
    lead_id = make_lead("Due", next_action="Send proposal", due_date=date(2026, 11, 20))
    assert today.done(section(today, "due").rows[0]) == "follow-up done"
    lead = Lead.get_by_id(lead_id)
    assert lead.due_date is None
    assert Touch.get(Touch.lead == lead_id).note == "Done: Send proposal"
    undo(today)
    assert Lead.get_by_id(lead_id).due_date == date(2026, 11, 20)
    assert Touch.select().count() == 0


def test_partners_owed_customers_and_loops(world, leads, clock):
    today, partners, loyalty = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    raj = partners.create_partner(PartnerDraft("Raj"))
    logged = partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    leads.move_lead(logged.lead_id, "won", value_cents=1000)
    given = partners.log_referral(
        ReferralDraft("given", "Bob", partner_id=raj), at=FIXED_NOW - timedelta(days=40)
    )
    partners.log_referral(ReferralDraft("given", "Cy", partner_id=raj))
    ann = Lead.get_by_id(logged.lead_id).contact_id
    loyalty.record_purchase(ann, 5000, on=clock.today())
    owed = section(today, "owed_partner")
    assert [row.title for row in owed.rows] == ["Dana"]
    customers = section(today, "customer")
    assert [(row.title, row.detail) for row in customers.rows] == [("Ann", "ask for a referral")]
    loops = section(today, "loop")
    assert [(row.kind, row.ref_id) for row in loops.rows] == [
        ("thank", logged.referral_id),
        ("ask_given", given.referral_id),
    ]
    today.done(loops.rows[0])
    assert Referral.get_by_id(logged.referral_id).thanked_at is not None
    today.done(customers.rows[0])
    assert Contact.get_by_id(ann).asked_referral_at is not None
    assert section(today, "customer").count == 0
    summary = today.summary(today.sections())
    assert summary.startswith("0 follow-ups due, 0 new referrals,")
    assert set(today_records(today.sections())) == {
        "due",
        "new_referral",
        "stale",
        "owed_partner",
        "meet",
        "customer",
        "discount_ending",
        "loop",
    }


def test_a_new_referral_is_not_also_listed_as_due(world):
    today, partners, _ = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    assert section(today, "new_referral").count == 1
    assert section(today, "due").count == 0


def test_sections_take_a_fixed_number_of_queries(world, leads, clock, make_lead):
    from playhouse.test_utils import count_queries

    from pegboard.services.demo import write_demo

    today, partners, _ = world
    write_demo(today.settings, clock, leads=300, seed=3)
    with count_queries() as small:
        today.sections()
    for n in range(40):
        make_lead(f"Extra {n}", due_date=date(2026, 11, 1))
        partners.log_referral(
            ReferralDraft("given", f"Sent {n}", new_partner=f"New {n}"),
            at=FIXED_NOW - timedelta(days=60),
        )
    with count_queries() as large:
        sections = today.sections()
    assert section_counts(sections)["due"] > 40
    assert large.count == small.count <= 18


def section_counts(sections):
    return {s.key: s.count for s in sections}


def test_snoozed_customer_leaves_the_count_too(world, clock):
    today, _, loyalty = world
    for name in ("Ann", "Bob"):
        contact = Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW).id
        loyalty.record_purchase(contact, 1000, on=clock.today() - timedelta(days=5))
        loyalty.record_purchase(contact, 1000, on=clock.today())
    customers = section(today, "customer")
    assert customers.count == 2
    today.snooze(customers.rows[0], 7)
    after = section(today, "customer")
    assert after.count == 1 and len(after.rows) == 1


def sections_by_key(today):
    return {s.key: s for s in today.sections()}


@pytest.mark.sqlite_only
def test_sections_are_kept_until_a_table_they_read_is_written(world, leads, make_lead, db_target):
    """At 100,000 leads the customers and partners sections are most of Today's time: a
    stage move (leads only) works out again only the sections that read leads. Writes by
    another process count too (the counters are the database's)."""
    import subprocess
    import sys

    today, partners, loyalty = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    lead_id = make_lead("Bo", due_date=date(2026, 11, 20))
    customer = Contact.create(name="Cy", created_at=FIXED_NOW, updated_at=FIXED_NOW).id
    before = sections_by_key(today)
    leads.move_lead(lead_id, "contacted")
    after_move = sections_by_key(today)
    for key in ("owed_partner", "customer", "loop"):
        assert after_move[key] is before[key], key
    for key in ("due", "new_referral", "stale"):
        assert after_move[key] is not before[key], key
    assert after_move == sections_by_key(
        TodayService(today.settings, today.clock, leads, partners, loyalty)
    )
    # A purchase (in another process) is seen by the customers section.
    loyalty.record_purchase(customer, 5000, "Books", on=date(2025, 1, 2))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pegboard",
            "--db",
            str(db_target),
            "lead",
            "move",
            str(lead_id),
            "proposal",
        ],
        check=True,
        capture_output=True,
    )
    again = sections_by_key(today)
    assert again["customer"] is not after_move["customer"]
    assert [row.title for row in again["customer"].rows] == ["Cy"]
    assert again["owed_partner"] is after_move["owed_partner"]
    assert again == sections_by_key(
        TodayService(today.settings, today.clock, leads, partners, loyalty)
    )


@pytest.mark.sqlite_only
def test_new_referrals_are_read_through_the_untouched_leads_index(world):
    """Not by checking every open lead's touches: the leads no one touched have an index
    of their own (schema 13), and a touch logged by plain SQL takes a lead off it."""
    from playhouse.test_utils import count_queries

    from pegboard.store.models import db

    today, partners, _ = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    with count_queries() as counted:
        today._new_referrals(8)
    (sql, params), *_ = [
        (query.msg[0], query.msg[1])
        for query in counted.get_queries()
        if "touch_count" in query.msg[0]
    ]
    plan = " ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "USING INDEX lead_untouched" in plan, plan
    db.execute_sql(
        "INSERT INTO touch (lead_id, contact_id, kind, at, note) "
        "SELECT id, contact_id, 'call', '2026-11-23 10:00:00', 'by hand' FROM lead WHERE id = ?",
        (logged.lead_id,),
    )
    assert section(today, "new_referral").count == 0


@pytest.mark.sqlite_only
def test_a_referred_lead_moved_between_open_stages_leaves_its_referral_unwritten(world, leads):
    """The referral follows its lead only where its outcome changes: a move between two
    open stages writes no referral, so the sections that read referrals are kept."""
    from pegboard.store.table_generations import generations

    today, partners, _ = world
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    today.sections()
    before = generations()
    leads.move_lead(logged.lead_id, "contacted")
    after = generations()
    assert after["lead"] > before["lead"] and after["referral"] == before["referral"]
    leads.move_lead(logged.lead_id, "won", value_cents=50000)
    referral = Referral.get(Referral.lead == logged.lead_id)
    assert (referral.outcome, referral.value_cents) == ("converted", 50000)
    assert generations()["referral"] > after["referral"]
    assert undo(leads) and Referral.get_by_id(referral.id).outcome == "open"
