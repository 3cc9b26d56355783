"""Each partner's referrals summed over all time (part of schema 12, see store.tallies):
the closed business they sent (received and converted: how many, and its value) and the
referrals I gave them, of live referrals. A period's figures are these less the
referrals before it, or the period's own, whichever side is the smaller (day_counts).

Since schema 14 also every referral they sent, and their converted ones not yet thanked:
the partners table and "partners I owe" read these instead of summing every referral."""

from __future__ import annotations

from datetime import datetime

from pegboard.store import day_counts
from pegboard.store.models import db

CONVERTED = "direction = 'received' AND outcome = 'converted'"
MEASURES = (
    f"SUM(CASE WHEN {CONVERTED} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {CONVERTED} THEN value_cents ELSE 0 END), "
    "SUM(CASE WHEN direction = 'given' THEN 1 ELSE 0 END)"
)
"""A group of referrals' converted count, converted value and given count."""
OWED_MEASURES = (
    "SUM(CASE WHEN direction = 'received' THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {CONVERTED} AND thanked_at IS NULL THEN 1 ELSE 0 END)"
)
"""A group's received count and its converted ones not yet thanked (not by period)."""
COLUMNS = "partner_id, converted, closed_cents, given, received, unthanked"


def referral_statements(row: str, sign: int, day: str) -> list[str]:
    """A referral (`row`: OLD or NEW) taken out of its partner's sums (sign -1) or put in
    (1) when it is live, and counted on its day (`day`: the SQL of its UTC day)."""
    received = f"{row}.direction = 'received'"
    converted = f"{received} AND {row}.outcome = 'converted'"
    return [
        f"INSERT INTO partner_tally ({COLUMNS}) "
        f"SELECT {row}.partner_id, "
        f"{sign} * CASE WHEN {converted} THEN 1 ELSE 0 END, "
        f"{sign} * CASE WHEN {converted} THEN {row}.value_cents ELSE 0 END, "
        f"{sign} * CASE WHEN {row}.direction = 'given' THEN 1 ELSE 0 END, "
        f"{sign} * CASE WHEN {received} THEN 1 ELSE 0 END, "
        f"{sign} * CASE WHEN {converted} AND {row}.thanked_at IS NULL THEN 1 ELSE 0 END "
        f"WHERE {row}.archived_at IS NULL "
        "ON CONFLICT (partner_id) DO UPDATE SET "
        "converted = partner_tally.converted + excluded.converted, "
        "closed_cents = partner_tally.closed_cents + excluded.closed_cents, "
        "given = partner_tally.given + excluded.given, "
        "received = partner_tally.received + excluded.received, "
        "unthanked = partner_tally.unthanked + excluded.unthanked",
        day_counts.count_statement("referral", day, sign),
    ]


RECOMPUTED = (
    f"SELECT partner_id, {MEASURES}, {OWED_MEASURES} FROM referral "
    "WHERE archived_at IS NULL GROUP BY partner_id"
)


def rebuild(database, day: str) -> None:
    database.execute_sql("DELETE FROM partner_tally")
    database.execute_sql(f"INSERT INTO partner_tally ({COLUMNS}) {RECOMPUTED}")
    day_counts.rebuild(database, "referral", "referral", day)


def _sums(rows) -> dict[tuple[int, int], int]:
    """(partner, converted, cents, given[, received, unthanked]) rows as counts per
    (partner, measure): the measure 0, 1, 2... in that order, zeros left out."""
    return {
        (partner_id, measure): int(value)
        for partner_id, *values in rows
        for measure, value in enumerate(values)
        if value
    }


KEPT = "SELECT partner_id, converted, closed_cents, given FROM partner_tally"
"""The measures a period's figures are worked out from (MEASURES)."""


def disagreement(day: str) -> str | None:
    kept = _sums(db.execute_sql(f"SELECT {COLUMNS} FROM partner_tally"))
    if kept != _sums(db.execute_sql(RECOMPUTED)) or not day_counts.agree(
        "referral", "referral", day
    ):
        return (
            "the partners' referral sums kept for Insights and the partners table disagree with the referrals "
            "(pegboard check --rebuild-summaries works them out again)"
        )
    return None


def _side(where: str, params: list) -> dict[tuple[int, int], int]:
    # Grouped by an expression, so that the index by time is read (the range only), not
    # the partners' index whole.
    return _sums(
        db.execute_sql(
            f"SELECT partner_id + 0, {MEASURES} FROM referral "
            f"WHERE {where} AND archived_at IS NULL GROUP BY partner_id + 0",
            params,
        )
    )


def referrals_since(start: datetime | None) -> dict[int, tuple[int, int, int]]:
    """Per partner: converted, closed cents, given, of the live referrals from `start`
    (naive UTC, as stored; None: all time) on."""
    counted = day_counts.since("referral", "at", start, _sums(db.execute_sql(KEPT)), _side)
    sums: dict[int, list[int]] = {}
    for (partner_id, measure), value in counted.items():
        sums.setdefault(partner_id, [0, 0, 0])[measure] = value
    return {partner_id: tuple(values) for partner_id, values in sums.items()}
