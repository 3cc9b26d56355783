"""Partners and referrals on a real SQLite file: reciprocity, owed rules, leads, outcomes."""

from datetime import date, timedelta

import pytest
from playhouse.test_utils import assert_query_count

from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.services.partner_match import fuzzy_score
from pegboard.services.partner_views import partner_records
from pegboard.services.partners import PartnerDraft, PartnerService, ReferralDraft
from pegboard.store.models import Contact, Lead, Partner, Referral
from tests.conftest import FIXED_NOW, undo


@pytest.fixture
def partners(services):
    return services.partners


def received(partners, partner_id, person, reach="", **extra):
    return partners.log_referral(
        ReferralDraft(
            direction="received", person=person, partner_id=partner_id, reach=reach, **extra
        )
    )


def given(partners, partner_id, person):
    return partners.log_referral(
        ReferralDraft(direction="given", person=person, partner_id=partner_id)
    )


def test_received_referral_becomes_a_warm_lead_due_today(partners):
    dana = partners.create_partner(PartnerDraft("Dana Keller", category="accountant"))
    logged = received(partners, dana, "Ann Lee", "+1 555 0100", note="Needs books", warmth=4)
    lead = Lead.get_by_id(logged.lead_id)
    assert (lead.stage, lead.source, lead.referred_by_id) == ("new", "referral", dana)
    assert lead.due_date == date(2026, 11, 23)
    assert lead.contact.phone == "+1 555 0100"
    referral = Referral.get_by_id(logged.referral_id)
    assert (referral.direction, referral.outcome, referral.warmth) == ("received", "open", 4)
    assert referral.contact_id == lead.contact_id
    assert referral.note == "Needs books"
    assert not logged.partner_created


def test_given_referral_records_the_person_and_no_lead(partners):
    dana = partners.create_partner(PartnerDraft("Dana Keller"))
    logged = given(partners, dana, "Bob Stone")
    assert logged.lead_id is None
    assert Lead.select().count() == 0
    assert Referral.get_by_id(logged.referral_id).contact.name == "Bob Stone"


def test_an_existing_contact_is_reused(partners, make_lead):
    make_lead("Ann Lee", email="ann@example.com")
    dana = partners.create_partner(PartnerDraft("Dana Keller"))
    received(partners, dana, "Ann L.", "ANN@example.com")
    assert Contact.select().where(Contact.email == "ann@example.com").count() == 1


def test_unknown_partner_is_created_on_the_spot(partners):
    logged = partners.log_referral(
        ReferralDraft(direction="received", person="Ann", new_partner="Lou Lawyer")
    )
    assert logged.partner_created
    assert Partner.get_by_id(logged.partner_id).contact.name == "Lou Lawyer"
    again = partners.log_referral(
        ReferralDraft(direction="given", person="Bob", new_partner="lou lawyer")
    )
    assert again.partner_id == logged.partner_id and not again.partner_created


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (ReferralDraft(direction="received", person="", new_partner="X"), "needs a name"),
        (ReferralDraft(direction="sideways", person="A", new_partner="X"), "received or given"),
        (ReferralDraft(direction="given", person="A"), "which partner"),
        (ReferralDraft(direction="given", person="A", new_partner="X", reach="a@b"), "email"),
        (ReferralDraft(direction="given", person="A", new_partner="X", warmth=9), "warmth"),
    ],
)
def test_bad_referrals_write_nothing(partners, draft, message):
    with pytest.raises(ServiceError, match=message):
        partners.log_referral(draft)
    assert Referral.select().count() == Partner.select().count() == Lead.select().count() == 0


def test_reciprocity_counts_balance_and_owed(partners, leads):
    dana = partners.create_partner(PartnerDraft("Dana Keller", category="accountant"))
    raj = partners.create_partner(PartnerDraft("Raj Realtor", category="realtor"))
    even = partners.create_partner(PartnerDraft("Eve Even", category="lawyer"))
    for person in ("A", "B", "C"):
        received(partners, dana, person)
    given(partners, dana, "D")
    given(partners, raj, "E")
    received(partners, even, "F")
    given(partners, even, "G")
    # The sums kept on write; the rows' last exchanges; the network (the partners, their
    # links, their closed business, the customers they sent); the last one-to-ones.
    with assert_query_count(7):
        rows = {row.name: row for row in partners.partner_rows()}
    assert (rows["Dana Keller"].received, rows["Dana Keller"].given) == (3, 1)
    assert rows["Dana Keller"].balance == 2 and rows["Dana Keller"].owed
    assert rows["Raj Realtor"].balance == -1 and not rows["Raj Realtor"].owed
    assert rows["Eve Even"].balance == 0 and not rows["Eve Even"].owed
    assert [row.name for row in partners.partner_rows()] == [
        "Dana Keller",
        "Eve Even",
        "Raj Realtor",
    ]
    assert [row.name for row in partners.partner_rows("given", descending=True)] == [
        "Dana Keller",
        "Eve Even",
        "Raj Realtor",
    ]
    assert [row.name for row in partners.partner_rows("name", descending=False)] == [
        "Dana Keller",
        "Eve Even",
        "Raj Realtor",
    ]
    assert [row.name for row in partners.partner_rows(text="realt")] == ["Raj Realtor"]


def test_owed_threshold_comes_from_settings(leads, clock):
    lenient = PartnerService(Settings(owe_when_balance_over=2), clock, leads)
    dana = lenient.create_partner(PartnerDraft("Dana"))
    for person in ("A", "B"):
        received(lenient, dana, person)
    assert not lenient.partner_rows()[0].owed
    received(lenient, dana, "C")
    assert lenient.partner_rows()[0].owed


def test_won_lead_converts_its_referral_and_thanks_are_owed(partners, leads):
    dana = partners.create_partner(PartnerDraft("Dana"))
    given(partners, dana, "X")
    given(partners, dana, "Y")
    logged = received(partners, dana, "Ann")
    leads.move_lead(logged.lead_id, "won", value_cents=250000)
    referral = Referral.get_by_id(logged.referral_id)
    assert (referral.outcome, referral.value_cents) == ("converted", 250000)
    row = partners.partner_rows()[0]
    assert row.closed_value_cents == 250000
    assert row.balance == -1 and row.unthanked == 1 and row.owed
    partners.mark_thanked(logged.referral_id)
    row = partners.partner_rows()[0]
    assert row.unthanked == 0 and not row.owed
    # Undo the thanks, then the win: the referral is open again.
    assert undo(leads) == ("thanked", logged.referral_id)
    undo(leads)
    referral = Referral.get_by_id(logged.referral_id)
    assert (referral.outcome, referral.value_cents) == ("open", 0)


def test_lost_lead_makes_its_referral_no_fit_and_reopening_opens_it(partners, leads):
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = received(partners, dana, "Ann")
    leads.move_lead(logged.lead_id, "lost", lost_reason="Timing")
    assert Referral.get_by_id(logged.referral_id).outcome == "no_fit"
    leads.move_lead(logged.lead_id, "contacted")
    assert Referral.get_by_id(logged.referral_id).outcome == "open"


def test_given_referral_outcome_and_value_set_later(partners):
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = given(partners, dana, "Bob")
    partners.set_outcome(logged.referral_id, "converted", 90000)
    referral = Referral.get_by_id(logged.referral_id)
    assert (referral.outcome, referral.value_cents) == ("converted", 90000)
    # Closed value counts only business they sent me.
    assert partners.partner_rows()[0].closed_value_cents == 0
    with pytest.raises(ServiceError, match="outcome"):
        partners.set_outcome(logged.referral_id, "maybe")


def test_detail_lists_every_exchange_newest_first(partners, leads, clock):
    dana = partners.create_partner(PartnerDraft("Dana", email="dana@example.com"))
    early = partners.log_referral(
        ReferralDraft(direction="received", person="Ann", partner_id=dana),
        at=FIXED_NOW - timedelta(days=5),
    )
    given(partners, dana, "Bob")
    detail = partners.partner_detail(dana)
    assert detail.email == "dana@example.com"
    assert [(x.direction, x.person) for x in detail.exchanges] == [
        ("given", "Bob"),
        ("received", "Ann"),
    ]
    assert detail.exchanges[1].lead_id == early.lead_id
    assert detail.exchanges[1].lead_stage == "new"


def test_partner_archive_and_undo(partners):
    dana = partners.create_partner(PartnerDraft("Dana"))
    partners.archive_partner(dana)
    assert partners.partner_rows() == []
    assert partners.match_partners("dan") == []
    assert undo(partners) == ("archive", dana)
    assert [row.id for row in partners.partner_rows()] == [dana]


def test_partner_twice_is_refused(partners):
    partners.create_partner(PartnerDraft("Dana", email="d@example.com"))
    with pytest.raises(ServiceError, match="already a partner"):
        partners.create_partner(PartnerDraft("Dana K", email="d@example.com"))


def test_fuzzy_match_ranks_prefix_then_word_then_letters(partners):
    for name in ("Dana Keller", "Adam Dane", "Lou Lawyer", "Kendra Ito"):
        partners.create_partner(PartnerDraft(name))
    assert [m.name for m in partners.match_partners("dan")] == ["Dana Keller", "Adam Dane"]
    assert [m.name for m in partners.match_partners("dk")] == ["Dana Keller"]
    assert partners.match_partners("zzz") == []
    assert fuzzy_score("lw", "Lou Lawyer") > 0
    assert fuzzy_score("", "anything") > 0


def test_partner_records_have_the_documented_keys(partners):
    dana = partners.create_partner(PartnerDraft("Dana", category="accountant"))
    received(partners, dana, "Ann")
    (record,) = partner_records(partners.partner_rows())
    assert set(record) >= {
        "name",
        "category",
        "received",
        "given",
        "balance",
        "closed_value_cents",
        "last_exchange",
        "owed",
    }
    assert record["last_exchange"] == "2026-11-23T15:00:00Z"
    assert record["owed"] is True


def test_archived_referral_leaves_the_counts_and_undo_restores_it(partners):
    dana = partners.create_partner(PartnerDraft("Dana"))
    logged = given(partners, dana, "Bob")
    partners.archive_referral(logged.referral_id)
    assert partners.partner_rows()[0].given == 0
    assert partners.partner_detail(dana).exchanges == []
    assert undo(partners) == ("archive referral", logged.referral_id)
    assert partners.partner_rows()[0].given == 1
