"""pegboard check: SQLite's own integrity check plus the rules the data must keep."""

from __future__ import annotations

from peewee import Case, SqliteDatabase, fn

from pegboard.config import Settings
from pegboard.store import tallies
from pegboard.store.models import Contact, Lead, Purchase, Referral, db


def check_database(settings: Settings) -> list[str]:
    """Every problem found, one line each; an empty list means all is well."""
    problems: list[str] = []
    if isinstance(db.obj, SqliteDatabase):
        for (verdict,) in db.execute_sql("PRAGMA integrity_check").fetchall():
            if verdict != "ok":
                problems.append(f"integrity: {verdict}")
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"{table} row {rowid} points to a missing {parent}")
    unknown = (
        Lead.select(Lead.stage, fn.COUNT(Lead.id))
        .where(Lead.stage.not_in(list(settings.stage_ids)))
        .group_by(Lead.stage)
        .tuples()
    )
    for stage, count in unknown:
        problems.append(f"{count} lead(s) in stage {stage!r}, which config.toml does not list")
    mismatched = (
        Referral.select(fn.COUNT(Referral.id))
        .join(Lead, on=Referral.lead == Lead.id)
        .where(
            (Referral.direction == "received")
            & ((Lead.referred_by.is_null()) | (Lead.referred_by != Referral.partner))
        )
        .scalar()
    )
    if mismatched:
        problems.append(f"{mismatched} received referral(s) whose lead names another partner")
    wrong_customer = (
        Purchase.select(fn.COUNT(Purchase.id))
        .join(Lead, on=Purchase.lead == Lead.id)
        .where(Purchase.contact != Lead.contact)
        .scalar()
    )
    if wrong_customer:
        problems.append(f"{wrong_customer} purchase(s) from a lead belong to another customer")
    negative = (
        Purchase.select()
        .where(
            (Purchase.amount_cents < 0)
            | (Purchase.amount_cents != Purchase.list_cents - Purchase.discount_cents)
        )
        .count()
    )
    if negative:
        problems.append(f"{negative} purchase(s) whose charged amount is not price minus discount")
    problems += stage_disagreements(settings)
    problems += broken_rules()
    problems += tallies.disagreements()
    return problems


def rebuild_summaries() -> None:
    """Work the figures kept on write out again from the rows (`check --rebuild-summaries`),
    in one transaction."""
    with db.atomic():
        tallies.rebuild()


def broken_rules() -> list[str]:
    """Rows no door of pegboard writes: negative money, a nameless contact, a referral
    neither received nor given."""
    checks = (
        (Lead.select().where(Lead.value_cents < 0), "lead(s) with a negative value"),
        (
            Purchase.select().where((Purchase.list_cents < 0) | (Purchase.discount_cents < 0)),
            "purchase(s) with a negative price or discount",
        ),
        (Referral.select().where(Referral.value_cents < 0), "referral(s) with a negative value"),
        (Contact.select().where(fn.TRIM(Contact.name) == ""), "contact(s) without a name"),
        (
            Referral.select().where(
                Referral.direction.not_in(["received", "given"])
                | Referral.outcome.not_in(["open", "converted", "no_fit"])
            ),
            "referral(s) neither received nor given, or with an unknown outcome",
        ),
    )
    return [f"{count} {what}" for query, what in checks if (count := query.count())]


def stage_disagreements(settings: Settings) -> list[str]:
    """Leads whose stage disagrees with what follows it: a live purchase from a lead that
    is not won, a received referral whose outcome is not its lead's (won: converted,
    lost: no fit, open: open). A lead in a stage config.toml does not list is reported
    as that alone."""
    known = Lead.stage.in_(list(settings.stage_ids))
    won = [stage.id for stage in settings.stages if stage.closes == "won"]
    lost = [stage.id for stage in settings.stages if stage.closes == "lost"]
    problems = []
    unwon = (
        Purchase.select(Purchase.id, Lead.id, Lead.stage)
        .join(Lead, on=Purchase.lead == Lead.id)
        .where(Purchase.archived_at.is_null() & known & Lead.stage.not_in(won))
        .order_by(Lead.id)
        .tuples()
    )
    for purchase_id, lead_id, stage in unwon:
        problems.append(f"lead {lead_id} is in {stage!r} but its purchase {purchase_id} is live")
    live_purchase = Purchase.select(Purchase.id).where(
        (Purchase.lead == Lead.id) & Purchase.archived_at.is_null()
    )
    unpaid = (
        Lead.select(Lead.id)
        .where(
            Lead.stage.in_(won)
            & (Lead.value_cents > 0)
            & Lead.archived_at.is_null()
            & ~fn.EXISTS(live_purchase)
        )
        .order_by(Lead.id)
        .tuples()
    )
    problems += [f"lead {lead_id} is won but is no customer's purchase" for (lead_id,) in unpaid]
    expected = Case(
        None, [(Lead.stage.in_(won), "converted"), (Lead.stage.in_(lost), "no_fit")], "open"
    )
    disagreeing = (
        Referral.select(Referral.id, Lead.id, Lead.stage, Referral.outcome)
        .join(Lead, on=Referral.lead == Lead.id)
        .where(
            (Referral.direction == "received")
            & Referral.archived_at.is_null()
            & known
            & (Referral.outcome != expected)
        )
        .order_by(Lead.id)
        .tuples()
    )
    for referral_id, lead_id, stage, outcome in disagreeing:
        problems.append(
            f"lead {lead_id} is in {stage!r} but its referral {referral_id} is {outcome!r}"
        )
    return problems
