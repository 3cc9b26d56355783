"""A partner's brief on a hand-built book, every figure worked out by hand:

Dana sent Ann (won $1,200 after 10 days), Ben (won $2,400 after 20 days), Cy and Di
(both lost: "price") and Ed (still open); I sent Dana two, one of which converted.
Ann also bought "Year-end accounts" again for $500 (10% off her 2nd purchase: $450).

So: 5 introduced, 2 customers, $3,600 closed, a typical deal of $1,800 (the median of
$1,200 and $2,400), 15 days to close (the median of 10 and 20), bought Year-end
accounts (twice) then Payroll set-up, 2 did not fit (price), 1 open, 2 sent back and 1
converted. My best customers are Ben ($2,400) then Ann ($1,650): no trade shared (a
bakery, a roofer), typical purchase $1,200 (the median of $1,200, $450 and $2,400).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pegboard.services.brief import Wanted, brief_lines, partner_brief
from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft, ReferralDraft
from tests.conftest import FIXED_NOW


@pytest.fixture
def dana(services):
    partners, leads = services.partners, services.leads
    dana = partners.create_partner(PartnerDraft("Dana Keller"))
    start = FIXED_NOW - timedelta(days=60)
    people = {
        "Ann": ("Silva Bakery", "Year-end accounts", 120000, 10),
        "Ben": ("Roe Roofing", "Payroll set-up", 240000, 20),
        "Cy": ("", "Tax return", None, 5),
        "Di": ("", "Tax return", None, 6),
        "Ed": ("", "Advisory", None, None),
    }
    ids = {}
    for number, (person, (company, title, won, days)) in enumerate(people.items()):
        at = start + timedelta(days=number)
        logged = partners.log_referral(ReferralDraft("received", person, partner_id=dana), at=at)
        lead = leads.get(logged.lead_id)
        draft = leads.draft_of(lead.id)
        leads.update_lead(
            lead.id,
            LeadDraft(**{**draft.__dict__, "title": title, "company": company}),
            expected_version=leads.version_of(lead.id),
        )
        if won is not None:
            leads.move_lead(lead.id, "won", value_cents=won, at=at + timedelta(days=days))
        elif days is not None:
            leads.move_lead(lead.id, "lost", lost_reason="price", at=at + timedelta(days=days))
        ids[person] = logged
    services.loyalty.record_purchase_by_name("Ann", 50000, "Year-end accounts")
    for person in ("Fay", "Gus"):
        given = partners.log_referral(ReferralDraft("given", person, partner_id=dana))
        if person == "Fay":
            partners.set_outcome(given.referral_id, "converted", 90000)
    return dana


def test_the_brief_figures_worked_out_by_hand(dana, clock):
    brief = partner_brief(dana, clock, "all")
    assert (brief.introduced, brief.became_customers, brief.closed_cents) == (5, 2, 360000)
    assert (brief.typical_deal_cents, brief.days_to_close) == (180000, 15.0)
    assert brief.bought == ["Year-end accounts", "Payroll set-up"]
    assert (brief.not_a_fit, brief.lost_reasons, brief.open_now) == (2, ["price"], 1)
    assert (brief.sent_back, brief.sent_back_converted) == (2, 1)
    assert brief.wanted == Wanted(
        kind="a business owner",
        buys="Year-end accounts",
        typical_cents=120000,
        like="Ben (Roe Roofing)",
    )


def test_a_shorter_period_counts_only_its_introductions(dana, clock):
    """The 30 days before FIXED_NOW hold none of Dana's introductions (60 to 56 days
    ago) but both referrals I gave (today)."""
    brief = partner_brief(dana, clock, "30d")
    assert (brief.introduced, brief.became_customers, brief.sent_back) == (0, 0, 2)
    assert brief.since == (FIXED_NOW - timedelta(days=30)).date().isoformat()


def test_the_brief_reads_as_a_note_in_text_and_markdown(dana, clock):
    brief = partner_brief(dana, clock, "all")
    assert brief_lines(brief, "USD") == [
        "Referrals from Dana Keller",
        "",
        "  You introduced 5 people so far.",
        "  2 became customers, $3,600 in all; a typical deal was $1,800.",
        "  They bought Year-end accounts, Payroll set-up.",
        "  They signed 15 days after we first spoke.",
        "  2 introductions did not fit (price).",
        "  1 introduction still open.",
        "  I sent you 2 referrals, 1 of them became your customer.",
        "",
        "Send me more like this: a business owner who buys year-end accounts, around $1,200 "
        "a purchase, like Ben (Roe Roofing).",
    ]
    markdown = brief_lines(brief, "USD", markdown=True)
    assert markdown[0] == "## Referrals from Dana Keller"
    assert markdown[2] == "- You introduced 5 people so far."


def test_pegboard_partner_brief_in_each_format(dana, db_target, capsys):
    from pegboard.cli import main
    from pegboard.store.database import close_database

    argv = ["--db", db_target, "partner", "brief", "Dana Keller", "--period", "all"]
    assert main([*argv, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["closed_cents"] == 360000 and data["wanted"]["like"] == "Ben (Roe Roofing)"
    assert main([*argv, "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("## Referrals from Dana Keller\n")
    assert main(argv) == 0
    assert "  You introduced 5 people so far.\n" in capsys.readouterr().out
    assert main(["--db", db_target, "partner", "brief", "Nobody"]) == 2
    close_database()


async def test_b_on_the_partner_page_shows_copies_and_saves_it(services, dana, tmp_path):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.modals.brief_view import BriefView

    app = PegboardApp(services, start_mode="partners")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, BriefView)
        assert "Send me more like this:" in str(view.query_one("#brief-text").render())
        await pilot.press("c")
        assert app.clipboard.startswith("Referrals from Dana Keller")
        await pilot.press("s")
        await pilot.pause()
        saved = list((tmp_path / "data" / "briefs").glob("brief-dana-keller-*.md"))
        assert len(saved) == 1
        assert saved[0].read_text().startswith("## Referrals from Dana Keller\n")
        assert saved[0].stat().st_mode & 0o077 == 0, "private, as every file pegboard writes"
