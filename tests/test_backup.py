"""Backup, restore, check and the daily backup, on real SQLite files."""

import sqlite3
import stat
from datetime import date, timedelta

import pytest

from pegboard.cli import main
from pegboard.errors import StoreError
from pegboard.store.backup import DAILY_KEEP, daily_backup, inspect_file
from pegboard.store.database import close_database
from pegboard.wiring import Services


@pytest.fixture
def cli(tmp_path, capsys):
    db = tmp_path / "book.db"

    def run(*args):
        code = main(["--db", str(db), *args])
        close_database()
        out, err = capsys.readouterr()
        return code, out, err

    run("demo", "--leads", "40")
    return run, db


def lead_count(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM lead").fetchone()[0]


def test_backup_then_restore_brings_the_data_back(cli, tmp_path):
    run, db = cli
    copy = tmp_path / "copy.db"
    code, out, _ = run("backup", "--to", str(copy))
    assert (code, out.strip()) == (0, str(copy))
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert inspect_file(copy).leads == 40
    run("lead", "add", "After Backup")
    assert lead_count(db) == 41
    code, out, _ = run("restore", str(copy))
    assert code == 0
    assert "restored" in out and "41 leads" in out and "before-restore" in out
    assert lead_count(db) == 40
    saved = next((tmp_path / "backups").glob("book-before-restore-*.db"))
    assert lead_count(saved) == 41
    assert run("backup", "--to", str(copy))[0] == 2


def test_restore_refuses_damaged_and_foreign_files_and_touches_nothing(cli, tmp_path):
    run, db = cli
    before = db.read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 400)
    code, _, err = run("restore", str(junk))
    assert code == 2 and "not a SQLite database" in err
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    code, _, err = run("restore", str(foreign))
    assert code == 2 and "not a pegboard database" in err
    code, _, err = run("restore", str(tmp_path / "missing.db"))
    assert code == 2 and "no such file" in err
    assert db.read_bytes() == before
    assert not (tmp_path / "backups").exists() or not list(
        (tmp_path / "backups").glob("*before-restore*")
    )


def test_check_passes_on_sound_data_and_names_each_problem(cli):
    run, db = cli
    code, out, _ = run("check")
    assert code == 0 and "all checks passed" in out
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE lead SET stage = 'limbo' WHERE id = 1")
        connection.execute(
            "UPDATE purchase SET amount_cents = amount_cents + 1 WHERE id = (SELECT MIN(id) FROM purchase)"
        )
    code, out, err = run("check")
    assert code == 1
    assert "1 lead(s) in stage 'limbo'" in out
    assert "not price minus discount" in out
    assert "2 problem(s)" in err


def test_daily_backup_once_a_day_keeping_fourteen(tmp_path):
    db = tmp_path / "book.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE t (x)")
    start = date(2026, 11, 1)
    for offset in range(DAILY_KEEP + 3):
        assert daily_backup(db, start + timedelta(days=offset)) is not None
    assert daily_backup(db, start + timedelta(days=DAILY_KEEP + 2)) is None
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(kept) == DAILY_KEEP
    assert kept[0] == "book-2026-11-04.db" and kept[-1] == "book-2026-11-17.db"
    assert daily_backup(tmp_path / "missing.db", start) is None


def test_inspect_refuses_a_newer_file(tmp_path, cli):
    run, _ = cli
    newer = tmp_path / "newer.db"
    run("backup", "--to", str(newer))
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE schema_info SET value = '99'")
    with pytest.raises(StoreError, match="newer pegboard"):
        inspect_file(newer)


@pytest.mark.sqlite_only
async def test_the_app_makes_the_daily_backup_after_its_first_paint(
    database, db_path, settings, clock
):
    """The copy (half a second for a 150 MB book) runs in a worker once the first screen is
    up; a failure is shown in the app, not printed over the screen."""
    from pegboard.cli.context import Context, daily_backup_warning
    from pegboard.ui.app import PegboardApp

    context = Context(settings=settings, clock=clock, db_target=str(db_path))
    painted_first = []

    def backup():
        painted_first.append(app.screen.is_mounted)
        return daily_backup_warning(context)

    app = PegboardApp(Services(settings, clock), after_first_paint=backup)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert painted_first == [True]
    assert (db_path.parent / "backups" / f"{db_path.stem}-{clock.today().isoformat()}.db").exists()

    app = PegboardApp(
        Services(settings, clock), after_first_paint=lambda: "Daily backup failed: full"
    )
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Daily backup failed: full"]
