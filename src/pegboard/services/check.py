"""pegboard check: SQLite's own integrity check plus the rules the data must keep."""

from __future__ import annotations

from peewee import SqliteDatabase, fn

from pegboard.config import Settings
from pegboard.store.models import Lead, Purchase, Referral, db


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
    return problems
