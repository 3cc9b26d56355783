"""The demo data set: realistic, complete, and only into an empty database."""

import pytest
from peewee import fn

from pegboard.errors import ServiceError
from pegboard.services.demo import write_demo
from pegboard.store.models import Contact, Lead, Partner, Purchase, Referral, StageChange, Touch


def test_demo_fills_every_table_and_every_stage(database, settings, clock):
    summary = write_demo(settings, clock, leads=400, seed=3)
    assert summary.leads == Lead.select().count() == 400
    assert Partner.select().count() == summary.partners >= 6
    assert Contact.select().count() == summary.contacts
    assert Touch.select().count() == summary.touches > 400
    assert Referral.select().count() == summary.referrals > 0
    assert Purchase.select().count() == summary.purchases > 0
    stages = {lead.stage for lead in Lead.select(Lead.stage)}
    assert stages == set(settings.stage_ids)
    directions = {r.direction for r in Referral.select(Referral.direction)}
    assert directions == {"received", "given"}
    repeat = {
        p.contact_id
        for p in Purchase.select(Purchase.contact)
        .group_by(Purchase.contact)
        .having(fn.COUNT(Purchase.id) >= 2)
    }
    asked = {c.id for c in Contact.select().where(Contact.asked_referral_at.is_null(False))}
    assert asked and asked <= repeat and len(asked) < len(repeat)
    # Every lead has a history that starts in the first stage and ends where it is.
    for lead in Lead.select().limit(50):
        history = list(
            StageChange.select().where(StageChange.lead == lead).order_by(StageChange.id)
        )
        assert history[0].to_stage == "new" and history[-1].to_stage == lead.stage
        assert lead.last_touch_at >= lead.created_at


def test_referred_leads_really_convert_better_in_the_demo(database, settings, clock):
    write_demo(settings, clock, leads=2000, seed=11)

    def win_rate(condition):
        closed = Lead.select().where(condition & Lead.stage.in_(("won", "lost")))
        won = closed.where(Lead.stage == "won").count()
        return won / closed.count()

    referred = win_rate(Lead.source == "referral")
    other = win_rate(Lead.source != "referral")
    assert referred > 1.5 * other


def test_demo_is_repeatable_for_a_seed(tmp_path, settings, clock):
    from pegboard.store.database import close_database, open_database

    titles = []
    for name in ("a.db", "b.db"):
        open_database(str(tmp_path / name))
        write_demo(settings, clock, leads=50, seed=5)
        titles.append([(lead.title, lead.stage, lead.value_cents) for lead in Lead.select()])
        close_database()
    assert titles[0] == titles[1]


def test_demo_refuses_a_database_with_data(database, settings, clock, make_lead):
    make_lead("Real Customer")
    with pytest.raises(ServiceError, match="already has data"):
        write_demo(settings, clock, leads=10)
    assert Lead.select().count() == 1
