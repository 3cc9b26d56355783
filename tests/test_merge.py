"""One person, once: likely duplicates found with why, and a merge moving every lead,
touch, referral, purchase and partner role to the contact kept; the loyalty counts and
partner tallies after it, and its undo across every table (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from pegboard.services.merge import likely_duplicates, merge_contacts, undo_merge
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.models import Contact, ContactMerge, Lead, Partner, Purchase, Referral, Touch
from tests.conftest import FIXED_NOW


def contact(name: str, **fields) -> int:
    from pegboard.phones import phone_key

    if "phone" in fields:
        fields["phone_key"] = phone_key(fields["phone"], "US")
    return Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW, **fields).id


@pytest.fixture
def book(services):
    """Ann Lee and "Ann L." share a phone; Ann L. is also a partner who sent Zed, and
    the person Dana sent me once; each has a lead, a touch and a purchase."""
    ann = contact("Ann Lee", phone="(555) 010-0177", company="Lee & Co")
    ann_l = contact("Ann L.", phone="555-010-0177", email="ann@lee.example")
    leads, partners, loyalty = services.leads, services.partners, services.loyalty
    from pegboard.services.leads import LeadDraft

    ids = {"ann": ann, "ann_l": ann_l}
    for key, who in (("ann", "Ann Lee"), ("ann_l", "Ann L.")):
        lead = leads.create_lead(LeadDraft(who, phone="555-010-0177"))
        assert Lead.get_by_id(lead).contact_id in (ann, ann_l)
        Lead.update(contact=ids[key]).where(Lead.id == lead).execute()
        leads.log_touch(lead, "call", f"Called {who}")
        ids[f"{key}_lead"] = lead
    loyalty.record_purchase(ann, 10000, "Books")
    loyalty.record_purchase(ann_l, 5000, "Pens")
    ids["ann_l_partner"] = partners.create_partner(PartnerDraft("Ann L."))
    assert Partner.get_by_id(ids["ann_l_partner"]).contact_id == ann_l
    partners.log_referral(ReferralDraft("received", "Zed", partner_id=ids["ann_l_partner"]))
    dana = partners.create_partner(PartnerDraft("Dana Keller"))
    ids["dana"] = dana
    given = partners.log_referral(ReferralDraft("given", "Ann L.", partner_id=dana))
    Referral.update(contact=ann_l).where(Referral.id == given.referral_id).execute()
    ids["given"] = given.referral_id
    contact("Bob Stone", company="Acme")
    contact("bob stone")
    contact("Cy Ray", email="CY@example.com")
    contact("Cyrus Ray", email="cy@example.com")
    return ids


def test_likely_duplicates_with_why(book):
    pairs = {(p.keep_name, p.other_name): p.why for p in likely_duplicates()}
    assert pairs[("Ann Lee", "Ann L.")] == ["same phone +15550100177"]
    assert pairs[("Bob Stone", "bob stone")] == ["same name"]
    assert pairs[("Cy Ray", "Cyrus Ray")] == ["same email cy@example.com"]
    assert len(pairs) == 3


def rows_of(contact_id: int) -> dict[str, int]:
    return {
        "leads": Lead.select().where(Lead.contact == contact_id).count(),
        "touches": Touch.select().where(Touch.contact == contact_id).count(),
        "purchases": Purchase.select().where(Purchase.contact == contact_id).count(),
        "referrals": Referral.select().where(Referral.contact == contact_id).count(),
        "partner": Partner.select().where(Partner.contact == contact_id).count(),
    }


def test_a_merge_moves_everything_and_its_undo_puts_it_back(services, book, clock):
    ann, ann_l = book["ann"], book["ann_l"]
    before = {ann: rows_of(ann), ann_l: rows_of(ann_l)}
    assert before[ann_l] == {"leads": 1, "touches": 1, "purchases": 1, "referrals": 1, "partner": 1}
    merge_id = merge_contacts(clock, services.undo_log, ann, ann_l)
    assert rows_of(ann) == {"leads": 2, "touches": 2, "purchases": 2, "referrals": 1, "partner": 1}
    assert rows_of(ann_l) == {
        "leads": 0,
        "touches": 0,
        "purchases": 0,
        "referrals": 0,
        "partner": 0,
    }
    kept = Contact.get_by_id(ann)
    assert (kept.company, kept.email, kept.phone) == (
        "Lee & Co",
        "ann@lee.example",
        "(555) 010-0177",
    )
    assert kept.also_reach == "555-010-0177", "the other way to write the phone is kept"
    assert Contact.get_by_id(ann_l).archived_at is not None
    # Loyalty counts one customer with both purchases; the partner is Ann Lee, with Zed.
    customers = {row.name: row for row in services.loyalty.customers()}
    # Each purchase was charged as it was then (both were a first): $100 + $50.
    assert customers["Ann Lee"].purchases == 2 and customers["Ann Lee"].lifetime_cents == 15000
    assert "Ann L." not in customers
    tallies = {row.name: row for row in services.partners.partner_rows()}
    assert tallies["Ann Lee"].received == 1 and "Ann L." not in tallies
    assert json.loads(ContactMerge.get_by_id(merge_id).moved)["lead"] == [book["ann_l_lead"]]
    services.undo_log.undo()
    assert {ann: rows_of(ann), ann_l: rows_of(ann_l)} == before
    assert Contact.get_by_id(ann_l).archived_at is None
    back = Contact.get_by_id(ann)
    assert (back.email, back.also_reach) == ("", "")
    assert ContactMerge.get_by_id(merge_id).undone_at is not None


def test_two_partners_merged_become_one_with_both_tallies(services, book, clock):
    dana_contact = Partner.get_by_id(book["dana"]).contact_id
    ann_l = book["ann_l"]
    merge_contacts(clock, services.undo_log, dana_contact, ann_l)
    tallies = {row.name: row for row in services.partners.partner_rows()}
    assert (tallies["Dana Keller"].received, tallies["Dana Keller"].given) == (1, 1)
    assert Partner.get_by_id(book["ann_l_partner"]).archived_at is not None
    zed_lead = Referral.get(Referral.direction == "received").lead_id
    assert Lead.get_by_id(zed_lead).referred_by_id == book["dana"]
    merge_id = ContactMerge.select().order_by(ContactMerge.id.desc()).get().id
    undo_merge(clock, merge_id)
    tallies = {row.name: row for row in services.partners.partner_rows()}
    assert tallies["Ann L."].received == 1 and tallies["Dana Keller"].received == 0
    assert Lead.get_by_id(zed_lead).referred_by_id == book["ann_l_partner"]
    with pytest.raises(Exception, match="taken back already"):
        undo_merge(clock, merge_id)


def test_the_cli_lists_merges_and_unmerges(services, book, db_target, capsys):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    assert main(["--db", db_target, "contacts", "duplicates", "--json"]) == 0
    pairs = json.loads(capsys.readouterr().out)
    ann = next(p for p in pairs if p["keep"]["name"] == "Ann Lee")
    assert ann["other"] == {"id": book["ann_l"], "name": "Ann L."}
    keep, other = str(book["ann"]), str(book["ann_l"])
    assert main(["--db", db_target, "contacts", "merge", keep, other, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["other"] == book["ann_l"]
    assert main(["--db", db_target, "contacts", "merge", keep, other]) == 2
    assert "archived, or merged already" in capsys.readouterr().err
    assert main(["--db", db_target, "contacts", "unmerge", other]) == 0
    assert "on its own again" in capsys.readouterr().out
    assert rows_of(book["ann_l"])["leads"] == 1
    close_database()


async def test_the_palette_opens_the_pairs_side_by_side_and_m_merges(services, book):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.duplicates import DuplicatesScreen

    app = PegboardApp(services, start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_duplicates()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen) and len(screen.pairs) == 3
        first = screen.query_one("#pairs").get_row_at(0)
        assert str(first[0]).startswith("Ann Lee") and str(first[1]).startswith("Ann L.")
        assert "ann@lee.example" in str(first[1])
        await pilot.press("x")  # keep Ann L. instead
        await pilot.press("m")
        await pilot.pause()
        assert Contact.get_by_id(book["ann"]).archived_at is not None
        assert rows_of(book["ann_l"])["leads"] == 2
        assert len(screen.pairs) == 2
        await pilot.press("u")
        await pilot.pause()
        assert Contact.get_by_id(book["ann"]).archived_at is None
        assert len(screen.pairs) == 3
