"""Opening databases: permissions, pragmas, schema version, migration and refusal."""

import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from pegboard.services.leads import LeadDraft
from pegboard.store import tallies
from pegboard.store.database import (
    SchemaTooNew,
    StoreError,
    close_database,
    open_database,
    schema_version,
)
from pegboard.store.migrations import SCHEMA_VERSION, create_v1
from pegboard.store.models import ALL_MODELS, Lead, StageChange


def test_new_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "fresh" / "pegboard.db"
    database = open_database(str(path))
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert schema_version(database) == SCHEMA_VERSION


def test_sqlite_url_opens_the_same_way(tmp_path):
    path = tmp_path / "via-url.db"
    database = open_database(f"sqlite:///{path}")
    assert path.exists()
    assert schema_version(database) == SCHEMA_VERSION


def test_migrated_schema_matches_the_models(database):
    """Fresh files are built by the migration steps: they must give exactly the models' columns."""
    for model in ALL_MODELS:
        columns = {column.name for column in database.get_columns(model._meta.table_name)}
        expected = {field.column_name for field in model._meta.sorted_fields}
        if model is Lead:
            expected |= set(tallies.KEPT_LEAD_COLUMNS)
        assert columns == expected, model.__name__
        indexed = {tuple(index.columns) for index in database.get_indexes(model._meta.table_name)}
        wanted = {
            tuple(part.column_name for part in index._expressions)
            for index in model._meta.fields_to_index()
        }
        assert wanted <= indexed, model.__name__
    indexed = {tuple(index.columns) for index in database.get_indexes("lead")}
    assert ("stage", "archived_at", "position", "value_cents") in indexed
    assert {("created_at",), ("closed_at",)} <= indexed


def _build_version_1_file(path):
    """A database exactly as pegboard's schema 1 wrote it, with one lead and a touch."""
    from peewee import SqliteDatabase

    old = SqliteDatabase(str(path))
    with old.atomic():
        create_v1(old)
        old.execute_sql("INSERT INTO schema_info (key, value) VALUES ('schema_version', '1')")
        old.execute_sql(
            "INSERT INTO contact (name, company, email, phone, notes, tags, created_at, updated_at)"
            " VALUES ('Old Friend', 'Acme', 'old@example.com', '', '', '', "
            "'2025-01-01 09:00:00', '2025-01-01 09:00:00')"
        )
        for lead_id, created in ((1, "2025-01-02 09:00:00"), (2, "2025-02-02 09:00:00")):
            old.execute_sql(
                "INSERT INTO lead (id, title, contact_id, stage, source, value_cents, next_action,"
                " qualification, position, stage_entered_at, created_at, updated_at, lost_reason,"
                " version) VALUES (?, 'Books', 1, 'new', 'referral', 123456, '', '[]', ?, ?, ?, ?,"
                " '', 1)",
                (lead_id, lead_id, created, created, created),
            )
        old.execute_sql(
            "INSERT INTO touch (contact_id, lead_id, kind, note, at)"
            " VALUES (1, 1, 'call', 'hello', '2025-03-04 10:00:00')"
        )
        # Lead 1's history: new, then contacted 1.5 days later, then qualified 3 days after.
        for to_stage, at in (
            ("new", "2025-01-02 09:00:00"),
            ("contacted", "2025-01-03 21:00:00"),
            ("qualified", "2025-01-06 21:00:00"),
        ):
            old.execute_sql(
                "INSERT INTO stage_change (lead_id, to_stage, changed_at) VALUES (1, ?, ?)",
                (to_stage, at),
            )
    old.close()


def test_older_file_is_backed_up_then_migrated_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    _build_version_1_file(path)
    database = open_database(str(path))
    assert schema_version(database) == SCHEMA_VERSION
    first, second = Lead.get_by_id(1), Lead.get_by_id(2)
    assert first.contact.name == "Old Friend"
    assert first.value_cents == 123456
    # The new column is back-filled: the latest touch, else the creation time.
    assert first.last_touch_at == datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    assert second.last_touch_at == datetime(2025, 2, 2, 9, 0, tzinfo=UTC)
    # Each change learns how long the lead had stayed in the stage before it.
    stays = [change.stay_hours for change in StageChange.select().order_by(StageChange.id)]
    assert stays == [None, 36, 72]
    # And each lead when it first reached qualified or later.
    assert first.qualified_at == datetime(2025, 1, 6, 21, 0, tzinfo=UTC)
    assert second.qualified_at is None
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT value FROM schema_info").fetchone()[0] == "1"
        assert copy.execute("SELECT COUNT(*) FROM lead").fetchone()[0] == 2


def test_file_from_a_newer_pegboard_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.db"
    open_database(str(path))
    close_database()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=delete")
        raw.execute("UPDATE schema_info SET value = '99' WHERE key = 'schema_version'")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer pegboard"):
        open_database(str(path))
    assert path.read_bytes() == before
    assert not (tmp_path / "future.db-wal").exists()


def test_foreign_sqlite_file_and_non_database_are_refused(tmp_path):
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="not a pegboard database"):
        open_database(str(foreign))
    junk = tmp_path / "notes.txt"
    junk.write_text("this is not a database at all " * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_database(str(junk))
    assert junk.read_text().startswith("this is not")


def test_unknown_url_scheme_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot use database URL"):
        open_database("mongodb://localhost/x")


def test_referral_tally_index_is_there(database):
    indexed = {tuple(index.columns) for index in database.get_indexes("referral")}
    assert (
        "partner_id",
        "archived_at",
        "direction",
        "outcome",
        "value_cents",
        "thanked_at",
        "at",
        "contact_id",
    ) in indexed


@pytest.mark.sqlite_only
def test_table_counters_move_with_each_write_and_once_for_a_bulk_load(
    database, settings, clock, leads
):
    from pegboard.services.demo import write_demo
    from pegboard.store.table_generations import TABLES, generations

    def generation_triggers() -> int:
        return database.execute_sql(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_generation'"
        ).fetchone()[0]

    start = generations()
    assert set(start) == set(TABLES)
    assert generation_triggers() == 3 * len(TABLES)
    write_demo(settings, clock, leads=50, seed=1)
    loaded = generations()
    assert all(loaded[table] == start[table] + 1 for table in TABLES), "bumped once"
    assert generation_triggers() == 3 * len(TABLES), "the triggers are back after the load"
    lead_id = leads.create_lead(LeadDraft(name="Ann"))
    created = generations()
    # A lead, its contact and its first stage change went in; nothing else moved.
    assert {table for table in TABLES if created[table] != loaded[table]} == {
        "lead",
        "contact",
        "stage_change",
    }
    assert Lead.select().where(Lead.id == lead_id).count() == 1
    assert generations() == created, "reads leave the counters alone"
