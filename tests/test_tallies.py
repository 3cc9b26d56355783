"""The figures kept on write (store.tallies, store.stay_tally) against the rows they
come from: after random work through every door, after another process writes with
plain SQL, at a period's first instant, and when broken and rebuilt.

(Every test that opens a `database` also ends by checking that its tallies agree with
a recomputation: see conftest.)"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import timedelta

import pytest
from peewee import fn

from pegboard.cli.entry import main
from pegboard.services.leads import LeadDraft
from pegboard.services.merge import merge_contacts
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store import tallies
from pegboard.store.database import close_database, open_database, schema_version
from pegboard.store.migrations import SCHEMA_VERSION
from pegboard.store.models import Contact, Lead, Partner, Purchase, Referral, StageChange, db
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW

SOURCES = ["referral", "website", "event", "", "walk-in"]


def _random_work(services, seed: int, steps: int = 160) -> None:
    """Leads made, moved back and forth, touched, archived and brought back, undone;
    referrals, purchases (and their edits and archives) and a merge, in a random order
    and at random times over the last two years."""
    rng = random.Random(seed)
    leads, partners, loyalty = services.leads, services.partners, services.loyalty
    stages = [stage.id for stage in services.settings.stages]
    partner_ids = [partners.create_partner(PartnerDraft(name=f"Partner {n}")) for n in range(3)]
    lead_ids: list[int] = []
    purchases: list[int] = []
    for step in range(steps):
        at = FIXED_NOW - timedelta(days=rng.uniform(0, 730))
        roll = rng.random()
        try:
            if roll < 0.25 or not lead_ids:
                draft = LeadDraft(
                    name=f"Person {step}",
                    value_cents=rng.choice([0, 50_000, 120_050]),
                    source=rng.choice(SOURCES),
                )
                referred_by = rng.choice([None, *partner_ids])
                lead_ids.append(leads.create_lead(draft, at=at, referred_by=referred_by))
            elif roll < 0.55:
                stage = rng.choice(stages)
                leads.move_lead(
                    rng.choice(lead_ids), stage, lost_reason="price", at=at + timedelta(days=3)
                )
            elif roll < 0.65:
                leads.log_touch(rng.choice(lead_ids), "call", "rang", at=at)
            elif roll < 0.72:
                leads.archive(rng.choice(lead_ids))
            elif roll < 0.8:
                services.undo_log.undo()
            elif roll < 0.86:
                contact = leads.get(rng.choice(lead_ids)).contact_id
                on = (at + timedelta(days=1)).date()
                loyalty.record_purchase(contact, rng.choice([999, 25_000]), "visit", on=on)
                purchases.append(Purchase.select(fn.MAX(Purchase.id)).scalar())
            elif roll < 0.88 and purchases:
                loyalty.archive_purchase(rng.choice(purchases))
            elif roll < 0.9 and purchases:
                loyalty.edit_purchase(rng.choice(purchases), 31_000, "visit", at.date())
            elif roll < 0.95:
                logged = partners.log_referral(
                    ReferralDraft(
                        direction=rng.choice(["received", "given"]),
                        person=f"Friend {step}",
                        partner_id=rng.choice(partner_ids),
                    ),
                    at=at,
                )
                if rng.random() < 0.2:
                    partners.archive_referral(logged.referral_id)
            elif roll < 0.98 and (referrals := [row.id for row in Referral.select(Referral.id)]):
                # A referral's business closed, or its partner thanked (or not after all).
                referral_id = rng.choice(referrals)
                if rng.random() < 0.5:
                    partners.set_outcome(referral_id, "converted", rng.choice([0, 80_000]))
                else:
                    partners.mark_thanked(referral_id, thanked=rng.random() < 0.7)
            elif len(lead_ids) > 2:
                first, second = rng.sample(lead_ids, 2)
                keep, other = leads.get(first).contact_id, leads.get(second).contact_id
                if keep != other:
                    merge_contacts(services.clock, services.undo_log, keep, other)
        except Exception as error:  # a step refused by a rule (a lost lead's reason...)
            if type(error).__module__.split(".")[0] != "pegboard":
                raise


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tallies_agree_with_the_rows_after_random_work(services, seed):
    _random_work(services, seed)
    assert tallies.disagreements() == []
    assert Lead.select().count() > 20
    _assert_partner_rows_match_the_referrals(services)


def test_partner_sums_follow_outcomes_thanks_archives_undo_and_plain_sql(services, db_target):
    """What the partners table and "partners I owe" read is kept on each kind of write:
    the undo and another program's plain SQL write only the columns they change."""
    partners = services.partners
    partner = partners.create_partner(PartnerDraft(name="Dana Keller"))
    referrals = [
        partners.log_referral(
            ReferralDraft(direction=direction, person=f"Friend {n}", partner_id=partner)
        ).referral_id
        for n, direction in enumerate(["received", "received", "received", "given"])
    ]
    first, second = referrals[:2]
    partners.set_outcome(first, "converted", 50_000)
    partners.set_outcome(second, "converted", 20_000)
    partners.mark_thanked(first)

    def row():
        _assert_partner_rows_match_the_referrals(services)
        assert tallies.disagreements() == []
        shown = services.partners.partner_rows()[0]
        return shown.received, shown.given, shown.closed_value_cents, shown.unthanked

    assert row() == (3, 1, 70_000, 1)
    services.undo_log.undo()  # the thanks taken back, by an UPDATE of thanked_at alone
    assert row() == (3, 1, 70_000, 2)
    partners.archive_referral(second)
    assert row() == (2, 1, 50_000, 1)
    services.undo_log.undo()
    assert row() == (3, 1, 70_000, 2)
    db.execute_sql(f"UPDATE referral SET thanked_at = '2026-01-02 03:04:05' WHERE id = {second}")
    assert row() == (3, 1, 70_000, 1)
    owed, count = partners.first_owed_partners(5)
    assert ([r.id for r in owed], count) == ([partner], 1)


def _assert_partner_rows_match_the_referrals(services) -> None:
    """Each partner's row (received, given, closed, unthanked, last exchange, owed),
    counted in Python from their live referral rows, in every sort of the table."""
    threshold = services.settings.owe_when_balance_over
    expected = {}
    for partner_id in [
        partner.id for partner in Partner.select().where(Partner.archived_at.is_null())
    ]:
        live = [
            r
            for r in Referral.select().where(Referral.partner == partner_id)
            if r.archived_at is None
        ]
        received = [r for r in live if r.direction == "received"]
        converted = [r for r in received if r.outcome == "converted"]
        unthanked = sum(1 for r in converted if r.thanked_at is None)
        expected[partner_id] = (
            len(received),
            sum(1 for r in live if r.direction == "given"),
            sum(r.value_cents for r in converted),
            unthanked,
            max((r.at for r in live), default=None),
            len(received) - (len(live) - len(received)) > threshold or unthanked > 0,
        )
    for sort in ("balance", "last", "name", "closed"):
        rows = services.partners.partner_rows(sort=sort)
        got = {
            row.id: (
                row.received,
                row.given,
                row.closed_value_cents,
                row.unthanked,
                row.last_exchange,
                row.owed,
            )
            for row in rows
        }
        assert got == expected, sort
    owed = [partner_id for partner_id, row in expected.items() if row[-1]]
    first, count = services.partners.first_owed_partners(10)
    assert count == len(owed)
    assert {row.id for row in first} <= set(owed)


def _by_source_from_rows(settings, since) -> dict[str, tuple[int, int, int, int, int]]:
    """Each source's leads, qualified, won, lost and revenue, counted in Python from the
    lead rows themselves (nothing kept)."""
    won = {stage.id for stage in settings.stages if stage.closes == "won"}
    lost = {stage.id for stage in settings.stages if stage.closes == "lost"}
    figures: dict[str, list[int]] = {}
    for lead in Lead.select().where(Lead.archived_at.is_null()):
        counts = figures.setdefault(lead.source, [0, 0, 0, 0, 0])
        counts[0] += lead.created_at >= since
        counts[1] += lead.qualified_at is not None and lead.qualified_at >= since
        closed_in = lead.closed_at is not None and lead.closed_at >= since
        counts[2] += closed_in and lead.stage in won
        counts[3] += closed_in and lead.stage in lost
        counts[4] += lead.value_cents if closed_in and lead.stage in won else 0
    return {source: tuple(counts) for source, counts in figures.items() if any(counts[:4])}


@pytest.mark.parametrize("period", ["30d", "90d", "365d", "all"])
def test_report_from_tallies_matches_the_rows_counted_one_by_one(services, period):
    _random_work(services, seed=7, steps=200)
    report = services.insights.report(period)
    since = report.since or FIXED_NOW.replace(year=1970)
    expected = _by_source_from_rows(services.settings, since)
    shown = {
        figure.source: (
            figure.leads,
            figure.qualified,
            figure.won,
            figure.lost,
            figure.revenue_cents,
        )
        for figure in report.by_source
        if any((figure.leads, figure.qualified, figure.won, figure.lost))
    }
    assert shown == expected
    given = Counter(
        referral.partner_id
        for referral in Referral.select().where(
            Referral.archived_at.is_null()
            & (Referral.direction == "given")
            & (Referral.at >= since)
        )
    )
    # Three partners: every one with a referral given is in the top ten.
    assert {f.partner_id: f.given for f in report.partners_by_given} == dict(given)
    stays = {figure.stage: figure.stays for figure in report.funnel if figure.stage != "won"}
    archived = Lead.select(Lead.id).where(Lead.archived_at.is_null(False))
    ended = StageChange.select().where(
        StageChange.stay_hours.is_null(False)
        & (StageChange.changed_at >= since)
        & StageChange.lead.not_in(archived)
    )
    open_stages = [stage.id for stage in services.settings.open_stages]
    for stage in open_stages:
        going = Lead.select().where(Lead.archived_at.is_null() & (Lead.stage == stage)).count()
        finished = sum(1 for change in ended if change.from_stage == stage)
        assert stays[stage] == going + finished, stage


def test_a_period_starting_mid_day_counts_only_what_came_after_its_first_instant(
    services, make_lead
):
    start = FIXED_NOW - timedelta(days=30)
    before = make_lead("Just Before", source="website")
    after = make_lead("Just After", source="website")
    Lead.update(created_at=start - timedelta(minutes=1)).where(Lead.id == before).execute()
    Lead.update(created_at=start + timedelta(minutes=1)).where(Lead.id == after).execute()
    website = next(f for f in services.insights.report("30d").by_source if f.source == "website")
    assert website.leads == 1
    assert tallies.disagreements() == []


@pytest.mark.sqlite_only
def test_another_process_writing_plain_sql_keeps_the_tallies(services, db_path, make_lead):
    for n in range(6):
        make_lead(f"Lead {n}", source="event")
    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE lead SET stage = 'won', closed_at = created_at WHERE id % 2 = 0")
        other.execute("UPDATE lead SET archived_at = created_at WHERE id = 3")
        other.execute(
            "INSERT INTO touch (contact_id, lead_id, kind, note, at) "
            "SELECT contact_id, id, 'call', '', created_at FROM lead"
        )
        other.execute(
            "INSERT INTO purchase (contact_id, purchased_on, what, list_cents, discount_cents, "
            "amount_cents, rule, created_at) SELECT contact_id, '2026-11-01', 'x', 500, 0, 500, "
            "'', created_at FROM lead WHERE id < 3"
        )
    other.close()
    assert tallies.disagreements() == []
    event = next(f for f in services.insights.report("all").by_source if f.source == "event")
    # Leads 2, 4 and 6 won; lead 3 archived; one touch each.
    assert (event.leads, event.won, event.touches_per_won) == (5, 3, 1.0)
    spent = Contact.select().join(Purchase).count()
    assert spent == 2


def test_check_finds_a_broken_tally_and_rebuild_mends_it(services, db_target, make_lead, capsys):
    make_lead("Ann Example", source="website")
    services.leads.move_lead(make_lead("Bo Example"), "won", value_cents=10_000)
    db.execute_sql("UPDATE lead_tally SET leads = leads + 5")
    db.execute_sql("UPDATE stay_tally SET stays = stays + 1")
    db.execute_sql("UPDATE partner_tally SET given = given + 1")
    db.execute_sql("DELETE FROM customer_tally")
    assert main(["--db", db_target, "check"]) == 1
    out = capsys.readouterr().out
    assert "pegboard check --rebuild-summaries" in out
    assert "customer tallies disagree" in out
    assert main(["--db", db_target, "check", "--rebuild-summaries"]) == 0
    assert "summaries rebuilt" in capsys.readouterr().out
    assert tallies.disagreements() == []


@pytest.mark.sqlite_only
def test_the_partners_parts_are_kept_until_a_table_they_read_is_written(
    services, make_lead, monkeypatch
):
    """A stage move writes to no partner table: the network and the partners' sums are
    not read again; a referral is, and they are."""
    import pegboard.services.lineage as lineage

    partner = services.partners.create_partner(PartnerDraft(name="Dana Keller"))
    lead = make_lead("Ann Example", source="website")
    reads = []
    real = lineage.network_ranking
    monkeypatch.setattr(lineage, "network_ranking", lambda *a: reads.append(1) or real(*a))
    services.insights.report("all")
    services.leads.move_lead(lead, "contacted")
    moved = services.insights.report("all")
    assert len(reads) == 1
    services.partners.log_referral(
        ReferralDraft(direction="given", person="Bo Friend", partner_id=partner)
    )
    given = services.insights.report("all")
    assert len(reads) == 2
    assert moved.partners_by_given == []
    assert [(f.name, f.given) for f in given.partners_by_given] == [("Dana Keller", 1)]


@pytest.mark.sqlite_only
def test_a_schema_13_file_gets_each_partners_received_and_unthanked_counts(
    services, db_path, settings, clock
):
    """A file from before schema 14 (no received or unthanked kept) is migrated: the
    counts are worked out from its referrals, and kept on write from then on."""
    partners = services.partners
    partner = partners.create_partner(PartnerDraft(name="Dana Keller"))
    for n in range(3):
        logged = partners.log_referral(
            ReferralDraft(direction="received", person=f"Friend {n}", partner_id=partner)
        )
        partners.set_outcome(logged.referral_id, "converted", 10_000)
    partners.mark_thanked(logged.referral_id)
    # Back to schema 13's shape: the old triggers gone (they are replaced by name), the two
    # columns not there yet.
    tallies.drop_triggers()
    for column in ("received", "unthanked"):
        db.execute_sql(f"ALTER TABLE partner_tally DROP COLUMN {column}")
    db.execute_sql("UPDATE schema_info SET value = '13' WHERE key = 'schema_version'")
    close_database()

    open_database(str(db_path))
    assert schema_version(db.obj) == SCHEMA_VERSION
    migrated = Services(settings, clock)
    shown = migrated.partners.partner_rows()[0]
    assert (shown.received, shown.unthanked, shown.closed_value_cents) == (3, 2, 30_000)
    migrated.partners.mark_thanked(logged.referral_id, thanked=False)
    assert migrated.partners.partner_rows()[0].unthanked == 3
    assert tallies.disagreements() == []
