"""Figures kept on write (schema 12): Insights reads these instead of every lead.

- `lead_tally`: per UTC day, the leads created, qualified and closed, by source, by
  whether a partner sent them, by closing stage, by whether they were qualified, and
  (for those created) by the stages they reached, with their value, their seconds from
  creation to close and their touches.
- `customer_tally`: per customer, what they spent, how many purchases, the first and
  the last purchase's day; and of their live leads, how many a partner sent and their
  sources (so that whether they came by referral is read without their leads).

Triggers keep them, on SQLite and PostgreSQL alike, in the transaction of whatever
writes (every door of pegboard, another process, a bulk load once at its end). A
lead's figures are a function of its own row: the stages it reached and its number of
touches are two columns of `lead` kept by triggers on `stage_change` and `touch` (not
in the peewee model, so that no `save()` writes them back stale), and a change to the
lead takes its old contribution out and puts its new one in.

Nothing here is a rule of the business: which stages are won, and what counts as a
referral, are applied by the reader (config.toml can change them at any time).
`rebuild` works everything out again from the base tables; `disagreements` compares
what is kept with that, as `pegboard check` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from peewee import Database

from pegboard.store import customer_tally, partner_tally, stay_tally
from pegboard.store.customer_tally import customer_leads_statement, customer_statements
from pegboard.store.dialect import is_postgres
from pegboard.store.models import db
from pegboard.store.partner_tally import referral_statements
from pegboard.store.stay_tally import change_statements, stay_statements

KEPT_LEAD_COLUMNS = ("reached", "touch_count")
"""lead's columns the triggers keep and the peewee model leaves out."""
TALLY_KEY = ("event", "day", "source", "partnered", "stage", "qualified", "reached")
MEASURES = ("leads", "value_cents", "seconds", "touches")
LEAD_COLUMNS = (
    "contact_id",
    "source",
    "referred_by_id",
    "stage",
    "created_at",
    "qualified_at",
    "closed_at",
    "archived_at",
    "value_cents",
    "reached",
    "touch_count",
)
"""The lead's columns its figures (and its customer's) depend on: a change to any other
(a reorder, a note) leaves the tallies alone."""


@dataclass(frozen=True)
class TallyRow:
    """The figures of one kind of lead event, summed over a period."""

    event: str
    """created, qualified or closed."""
    source: str
    partnered: bool
    stage: str
    """The closing stage (closed events only)."""
    qualified: bool
    """Whether the lead had been qualified (closed events only)."""
    reached: frozenset[str]
    """The stages the lead went through (created events only)."""
    leads: int
    value_cents: int
    seconds: int
    touches: int


def _day(column: str, pg: bool) -> str:
    if pg:
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def _seconds(start: str, end: str, pg: bool) -> str:
    if pg:
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


def _events(
    row: str, pg: bool, reached: str | None = None, touches: str | None = None
) -> tuple[list[tuple], str, str]:
    """Each event a lead row `row` (an alias: NEW, OLD or lead) counts in (its name, the
    column of its time, and its key and measure expressions after the day), and the
    row's source and partnered expressions. `reached` and `touches` replace the kept
    columns (for a recomputation)."""
    reached = reached or f"{row}.reached"
    touches = touches or f"{row}.touch_count"
    partnered = f"CASE WHEN {row}.referred_by_id IS NULL THEN 0 ELSE 1 END"
    qualified = f"CASE WHEN {row}.qualified_at IS NULL THEN 0 ELSE 1 END"
    closing = [
        f"{row}.stage",
        qualified,
        "''",
        f"{row}.value_cents",
        _seconds(f"{row}.created_at", f"{row}.closed_at", pg),
        touches,
    ]
    return (
        [
            ("created", f"{row}.created_at", ["''", "0", reached, "0", "0", "0"]),
            ("qualified", f"{row}.qualified_at", ["''", "0", "''", "0", "0", "0"]),
            ("closed", f"{row}.closed_at", closing),
        ],
        f"{row}.source",
        partnered,
    )


def _contributions(row: str, sign: int, pg: bool) -> list[str]:
    """The statements that add (sign 1) or take out (-1) lead row `row`'s figures."""
    events, source, partnered = _events(row, pg)
    statements = []
    for event, when, (stage, qualified, reached, value, seconds, touches) in events:
        statements.append(
            "INSERT INTO lead_tally (event, day, source, partnered, stage, qualified, reached, "
            "leads, value_cents, seconds, touches) "
            f"SELECT '{event}', {_day(when, pg)}, {source}, {partnered}, {stage}, {qualified}, "
            f"{reached}, {sign}, {sign} * {value}, {sign} * {seconds}, {sign} * {touches} "
            f"WHERE {row}.archived_at IS NULL AND {when} IS NOT NULL "
            f"ON CONFLICT ({', '.join(TALLY_KEY)}) DO UPDATE SET "
            + ", ".join(f"{m} = lead_tally.{m} + excluded.{m}" for m in MEASURES)
        )
    return statements


def _reached_of(lead_id: str, pg: bool) -> str:
    if pg:
        return (
            "(SELECT COALESCE(string_agg(DISTINCT to_stage, ',' ORDER BY to_stage), '') "
            f"FROM stage_change WHERE stage_change.lead_id = {lead_id})"
        )
    return (
        "(SELECT COALESCE(group_concat(DISTINCT to_stage), '') "
        f"FROM stage_change WHERE stage_change.lead_id = {lead_id})"
    )


def _touches_of(lead_id: str) -> str:
    return f"(SELECT COUNT(*) FROM touch WHERE touch.lead_id = {lead_id})"


def _reached_statement(row: str, pg: bool) -> str:
    reached = _reached_of("lead.id", pg)
    return f"UPDATE lead SET reached = {reached} WHERE id = {row}.lead_id AND reached <> {reached}"


def _touch_statement(row: str, step: str) -> str:
    return f"UPDATE lead SET touch_count = touch_count {step} 1 WHERE id = {row}.lead_id"


# What each trigger does, by table: (statements for OLD, statements for NEW).
def _trigger_bodies(pg: bool) -> dict[str, tuple[list[str], list[str]]]:
    return {
        "lead": (
            [
                *_contributions("OLD", -1, pg),
                customer_leads_statement("OLD.contact_id", pg),
                *stay_statements("OLD", -1),
            ],
            [
                *_contributions("NEW", 1, pg),
                customer_leads_statement("NEW.contact_id", pg),
                *stay_statements("NEW", 1),
            ],
        ),
        "stage_change": (
            [
                _reached_statement("OLD", pg),
                *change_statements("OLD", -1, _day("OLD.changed_at", pg)),
            ],
            [
                _reached_statement("NEW", pg),
                *change_statements("NEW", 1, _day("NEW.changed_at", pg)),
            ],
        ),
        "touch": ([_touch_statement("OLD", "-")], [_touch_statement("NEW", "+")]),
        "referral": (
            referral_statements("OLD", -1, _day("OLD.at", pg)),
            referral_statements("NEW", 1, _day("NEW.at", pg)),
        ),
        "purchase": (
            customer_statements("OLD.contact_id", pg),
            customer_statements("NEW.contact_id", pg),
        ),
    }


UPDATE_COLUMNS = {
    "lead": LEAD_COLUMNS,
    "stage_change": ("lead_id", "from_stage", "to_stage", "stay_hours", "changed_at"),
    "touch": ("lead_id",),
    "referral": (
        "partner_id",
        "direction",
        "outcome",
        "value_cents",
        "thanked_at",
        "at",
        "archived_at",
    ),
    "purchase": ("contact_id", "amount_cents", "purchased_on", "archived_at"),
}


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table, (old, new) in _trigger_bodies(pg=False).items():
        on_update = ", ".join(UPDATE_COLUMNS[table])
        for event, statements in (
            ("INSERT", new),
            (f"UPDATE OF {on_update}", old + new),
            ("DELETE", old),
        ):
            name = f"{table}_tally_{event.split()[0].lower()}"
            body = "; ".join(statements)
            triggers[name] = f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}; END"
    return triggers


def _postgres_triggers() -> dict[str, str]:
    triggers = {}
    for table, (old, new) in _trigger_bodies(pg=True).items():
        name = f"{table}_tally"
        on_update = ", ".join(UPDATE_COLUMNS[table])
        triggers[name] = (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {'; '.join(old)}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {'; '.join(new)}; END IF; "
            "RETURN NULL; END $$; "
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {on_update} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    return triggers


def _triggers(pg: bool) -> dict[str, str]:
    return _postgres_triggers() if pg else _sqlite_triggers()


def create_triggers(database: Database | None = None) -> None:
    database = database or db.obj
    for sql in _triggers(is_postgres(database)).values():
        database.execute_sql(sql)


def drop_triggers(database: Database | None = None) -> None:
    database = database or db.obj
    pg = is_postgres(database)
    for name in _triggers(pg):
        if pg:
            table = name.removesuffix("_tally")
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(database: Database | None = None) -> None:
    """Work every tally out again from the base tables, inside the caller's transaction
    (`pegboard check --rebuild-summaries`, the migration, and after a bulk load)."""
    database = database or db.obj
    pg = is_postgres(database)
    drop_triggers(database)
    database.execute_sql(f"UPDATE lead SET reached = {_reached_of('lead.id', pg)}")
    database.execute_sql(f"UPDATE lead SET touch_count = {_touches_of('lead.id')}")
    database.execute_sql("DELETE FROM lead_tally")
    columns = ", ".join((*TALLY_KEY, *MEASURES))
    for select in _recomputed(pg):
        database.execute_sql(f"INSERT INTO lead_tally ({columns}) {select}")
    customer_tally.rebuild(database, pg)
    stay_tally.rebuild(database, _day("changed_at", pg))
    partner_tally.rebuild(database, _day("at", pg))
    create_triggers(database)


def _recomputed(
    pg: bool,
    reached: str | None = None,
    touches: str | None = None,
    where: str = "",
    by_day: bool = True,
) -> Iterator[str]:
    """A SELECT per event of the tally rows worked out from the leads themselves."""
    events, source, partnered = _events("lead", pg, reached, touches)
    for event, when, (stage, qualified, reached_sql, value, seconds, touch_sql) in events:
        day = _day(when, pg) if by_day else "''"
        keys = [f"'{event}'", day, source, partnered, stage, qualified, reached_sql]
        yield (
            f"SELECT {', '.join(keys)}, COUNT(*), SUM({value}), SUM({seconds}), SUM({touch_sql}) "
            f"FROM lead WHERE lead.archived_at IS NULL AND {when} IS NOT NULL "
            + where.format(when=when)
            + f" GROUP BY {', '.join(key for key in keys if 'lead.' in key)}"
        )


@contextmanager
def tallied_after_bulk_load() -> Iterator[None]:
    """For a bulk load, inside the caller's transaction: the tally triggers are off while
    the rows go in, and every tally is worked out once after."""
    drop_triggers()
    yield
    rebuild()


def lead_tallies(start: datetime) -> list[TallyRow]:
    """Every lead event from the instant `start` on, summed by kind: the kept days after
    `start`'s own (UTC) day, and the events of that day from `start` on read from the
    leads themselves, through the index on each event's time."""
    start = start.astimezone(UTC)
    day_end = datetime.combine(start.date() + timedelta(days=1), time(), UTC)
    naive = [moment.replace(tzinfo=None) for moment in (start, day_end)]
    param = db.param
    kept = (
        "SELECT event, '', source, partnered, stage, qualified, reached, SUM(leads), "
        f"SUM(value_cents), SUM(seconds), SUM(touches) FROM lead_tally WHERE day > {param} "
        "GROUP BY event, source, partnered, stage, qualified, reached"
    )
    edge = f"AND {{when}} >= {param} AND {{when}} < {param}"
    selects = [kept, *_recomputed(is_postgres(), where=edge, by_day=False)]
    params = [start.date().isoformat(), *(naive * 3)]
    return summed(db.execute_sql(" UNION ALL ".join(selects), params).fetchall())


def summed(rows) -> list[TallyRow]:
    """Rows in `lead_tally`'s column order summed by their key without the day, with the
    stages reached read as a set (their order in the text is the order they were seen)."""
    totals = _totals(rows, by_day=False)
    return [TallyRow(*key, *measures) for key, measures in totals.items()]


def _totals(rows, by_day: bool) -> dict[tuple, tuple[int, ...]]:
    """Rows in `lead_tally`'s column order summed by their key (the day left out unless
    `by_day`; the stages reached as a set), keys whose sums are all zero dropped."""
    totals: dict[tuple, list[int]] = {}
    for event, day, source, partnered, stage, qualified, reached, *measures in rows:
        flags = (bool(partnered), stage, bool(qualified), _stage_set(reached))
        key = (event, day, source, *flags) if by_day else (event, source, *flags)
        kept = totals.setdefault(key, [0, 0, 0, 0])
        for index, value in enumerate(measures):
            kept[index] += int(value or 0)
    return {key: tuple(values) for key, values in totals.items() if any(values)}


def _stage_set(reached: str) -> frozenset[str]:
    return frozenset(stage for stage in reached.split(",") if stage)


def disagreements() -> list[str]:
    """Where the kept tallies differ from the base tables worked out again: one line per
    kind of figure that differs; none when they agree."""
    problems = []
    pg = is_postgres()
    kept_leads = db.execute_sql(
        f"SELECT {', '.join((*TALLY_KEY, *MEASURES))} FROM lead_tally"
    ).fetchall()
    recomputed = [
        row
        for select in _recomputed(pg, _reached_of("lead.id", pg), _touches_of("lead.id"))
        for row in db.execute_sql(select).fetchall()
    ]
    if _totals(kept_leads, by_day=True) != _totals(recomputed, by_day=True):
        problems.append(
            "the lead figures kept for Insights disagree with the leads "
            "(pegboard check --rebuild-summaries works them out again)"
        )
    stale = db.execute_sql(
        f"SELECT COUNT(*) FROM lead WHERE touch_count <> {_touches_of('lead.id')}"
    ).fetchone()[0]
    if stale:
        problems.append(f"{stale} lead(s) whose kept count of touches is wrong")
    if stays := stay_tally.disagreement(_day("changed_at", pg)):
        problems.append(stays)
    if partners := partner_tally.disagreement(_day("at", pg)):
        problems.append(partners)
    if customers := customer_tally.disagreement(pg):
        problems.append(customers)
    return problems
