"""The stays in each stage, kept on write (part of schema 12, see store.tallies).

`stage_change_day` counts the stage changes of each UTC day. `stay_tally` counts, over
all time, the stays that ended (a stage change records the
stay it ends) per stage and length in hours, of leads not archived. A period's stays
are all of them less those that ended before it, read from the stage changes through
their index by time, or, where the period holds the fewer, the period's own read the
same way: either way the rows read are the smaller side of the period's first instant.
"""

from __future__ import annotations

from datetime import datetime

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
        "INSERT INTO stage_change_day (day, changes) "
        f"SELECT {day}, {sign} WHERE true "
        "ON CONFLICT (day) DO UPDATE SET changes = stage_change_day.changes + excluded.changes",
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
    database.execute_sql("DELETE FROM stage_change_day")
    database.execute_sql(
        f"INSERT INTO stage_change_day (day, changes) SELECT {day}, COUNT(*) "
        f"FROM stage_change GROUP BY {day}"
    )


def disagreement(day: str) -> str | None:
    """What is wrong with the two tables, against the stage changes (`day` as for
    `rebuild`); None when they agree."""
    days = db.execute_sql("SELECT day, changes FROM stage_change_day WHERE changes <> 0")
    counted = db.execute_sql(f"SELECT {day}, COUNT(*) FROM stage_change GROUP BY {day}")
    if {(d, int(n)) for d, n in days.fetchall()} != {(d, int(n)) for d, n in counted.fetchall()}:
        return "the stage changes counted per day disagree with the stage changes"
    kept = {
        (stage, int(hours)): int(stays)
        for stage, hours, stays in db.execute_sql(
            "SELECT stage, hours, stays FROM stay_tally WHERE stays <> 0"
        ).fetchall()
    }
    worked_out = {
        (stage, int(hours)): int(stays)
        for stage, hours, stays in db.execute_sql(RECOMPUTED).fetchall()
    }
    if kept != worked_out:
        return (
            "the stays in stage kept for Insights disagree with the stage changes "
            "(pegboard check --rebuild-summaries works them out again)"
        )
    return None


def _ended(where: str, params: list) -> dict[tuple[str, int], int]:
    # Only the time in the WHERE, and a stage the other index cannot group by, so that
    # the index by time is the one taken; the changes that end no stay (a lead's first)
    # are left out after.
    archived = "SELECT id FROM lead WHERE archived_at IS NOT NULL"
    rows = db.execute_sql(
        "SELECT from_stage || '', stay_hours, COUNT(*) FROM stage_change "
        f"WHERE {where} AND lead_id NOT IN ({archived}) GROUP BY from_stage || '', stay_hours",
        params,
    ).fetchall()
    return {
        (stage, int(hours)): int(count)
        for stage, hours, count in rows
        if stage is not None and hours is not None
    }


def stays_since(start: datetime | None) -> dict[tuple[str, int], int]:
    """The stays that ended from `start` (naive UTC, as stored; None: all time) on, per
    (stage, hours)."""
    everything = {
        (stage, int(hours)): int(stays)
        for stage, hours, stays in db.execute_sql(
            "SELECT stage, hours, stays FROM stay_tally WHERE stays <> 0"
        ).fetchall()
    }
    if start is None:
        return everything
    param = db.param
    # The changes per day tell which side of `start` is the smaller (to its day): which
    # is read changes only the time taken, never the figures.
    total, inside = db.execute_sql(
        "SELECT COALESCE(SUM(changes), 0), "
        f"COALESCE(SUM(CASE WHEN day >= {param} THEN changes ELSE 0 END), 0) "
        "FROM stage_change_day",
        [start.date().isoformat()],
    ).fetchone()
    if total - inside < inside:
        for key, count in _ended(f"changed_at < {param}", [start]).items():
            everything[key] -= count
        return {key: count for key, count in everything.items() if count}
    return _ended(f"changed_at >= {param}", [start])
