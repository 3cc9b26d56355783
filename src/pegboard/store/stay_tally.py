"""The stays in each stage, kept on write (part of schema 12, see store.tallies).

`stay_tally` counts, over all time, the stays that ended (a stage change records the
stay it ends) per stage and length in hours, of leads not archived. A period's stays
are all of them less those that ended before it, read from the stage changes through
their index by time, or, where the period holds the fewer, the period's own read the
same way: either way the rows read are the smaller side of the period's first instant.
"""

from __future__ import annotations

from datetime import datetime

from pegboard.store import day_counts
from pegboard.store.models import db

STAYS = "from_stage IS NOT NULL AND stay_hours IS NOT NULL"


def stay_statements(row: str, sign: int) -> list[str]:
    """A lead row's stays (`row` an alias: OLD or NEW) taken out of the tally (sign -1)
    or put in (1), when the lead is not archived."""
    return [
        "INSERT INTO stay_tally (stage, hours, stays) "
        f"SELECT from_stage, stay_hours, {sign} * COUNT(*) FROM stage_change "
        f"WHERE lead_id = {row}.id AND {row}.archived_at IS NULL AND {STAYS} "
        "GROUP BY from_stage, stay_hours "
        "ON CONFLICT (stage, hours) DO UPDATE SET stays = stay_tally.stays + excluded.stays"
    ]


def change_statements(row: str, sign: int, day: str) -> list[str]:
    """A stage change's stay (`row`: OLD or NEW) taken out or put in, when its lead is
    not archived; and the change counted on its day (`day`, the SQL of its UTC day)."""
    return [
        day_counts.count_statement("stage_change", day, sign),
        "INSERT INTO stay_tally (stage, hours, stays) "
        f"SELECT {row}.from_stage, {row}.stay_hours, {sign} "
        f"WHERE {row}.from_stage IS NOT NULL AND {row}.stay_hours IS NOT NULL "
        f"AND EXISTS (SELECT 1 FROM lead WHERE lead.id = {row}.lead_id "
        "AND lead.archived_at IS NULL) "
        "ON CONFLICT (stage, hours) DO UPDATE SET stays = stay_tally.stays + excluded.stays",
    ]


RECOMPUTED = (
    "SELECT from_stage, stay_hours, COUNT(*) FROM stage_change "
    f"WHERE {STAYS} AND lead_id IN (SELECT id FROM lead WHERE archived_at IS NULL) "
    "GROUP BY from_stage, stay_hours"
)
"""stay_tally's rows worked out from the stage changes."""


def rebuild(database, day: str) -> None:
    """Both tables worked out from the stage changes (`day`: the SQL of a change's UTC
    day)."""
    database.execute_sql("DELETE FROM stay_tally")
    database.execute_sql(f"INSERT INTO stay_tally (stage, hours, stays) {RECOMPUTED}")
    day_counts.rebuild(database, "stage_change", "stage_change", day)


def _counts(rows) -> dict[tuple[str, int], int]:
    """(stage, hours, count) rows as counts per (stage, hours), without the changes
    that end no stay (a lead's first) and without zeros."""
    return {
        (stage, int(hours)): int(count)
        for stage, hours, count in rows
        if stage is not None and hours is not None and count
    }


def _kept() -> dict[tuple[str, int], int]:
    return _counts(db.execute_sql("SELECT stage, hours, stays FROM stay_tally"))


def disagreement(day: str) -> str | None:
    """What is wrong with the two tables, against the stage changes (`day` as for
    `rebuild`); None when they agree."""
    if not day_counts.agree("stage_change", "stage_change", day):
        return "the stage changes counted per day disagree with the stage changes"
    if _kept() != _counts(db.execute_sql(RECOMPUTED)):
        return (
            "the stays in stage kept for Insights disagree with the stage changes "
            "(pegboard check --rebuild-summaries works them out again)"
        )
    return None


def _ended(where: str, params: list) -> dict[tuple[str, int], int]:
    # Only the time in the WHERE, and a stage the other index cannot group by, so that
    # the index by time is the one taken.
    archived = "SELECT id FROM lead WHERE archived_at IS NOT NULL"
    return _counts(
        db.execute_sql(
            "SELECT from_stage || '', stay_hours, COUNT(*) FROM stage_change "
            f"WHERE {where} AND lead_id NOT IN ({archived}) "
            "GROUP BY from_stage || '', stay_hours",
            params,
        )
    )


def stays_since(start: datetime | None) -> dict[tuple[str, int], int]:
    """The stays that ended from `start` (naive UTC, as stored; None: all time) on, per
    (stage, hours)."""
    return day_counts.since("stage_change", "changed_at", start, _kept(), _ended)
