"""Backups never overwrite one another, never stand half-written, and a full disk during
one is a clear refusal that leaves nothing behind: on real SQLite files, a real full
disk (a small tmpfs, where this machine lets a test mount one) and SQLite's own
"database or disk is full" (a page cap on the copy)."""

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pegboard.cli import main
from pegboard.cli.context import Context, daily_backup_warning
from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import StorageError
from pegboard.store.backup import backup_before, daily_backup, inspect_file, restore
from pegboard.store.database import close_database
from tests.conftest import tmpfs

pytestmark = pytest.mark.sqlite_only

MOMENT = datetime(2026, 11, 23, 15, 0, 0, tzinfo=UTC)


def make_book(path: Path, leads: int) -> Path:
    assert main(["--db", str(path), "demo", "--leads", str(leads)]) == 0
    close_database()
    return path


def leads_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM lead").fetchone()[0]


def backups_of(folder: Path) -> list[Path]:
    return sorted((folder / "backups").iterdir()) if (folder / "backups").exists() else []


def test_two_restores_in_one_second_keep_the_original_book(tmp_path, capsys):
    book = make_book(tmp_path / "book.db", 30)
    first = make_book(tmp_path / "a" / "first.db", 5)
    second = make_book(tmp_path / "b" / "second.db", 8)
    stamp = MOMENT.strftime("%Y%m%dT%H%M%SZ")
    _, saved_original = restore(first, book, stamp)
    _, saved_first = restore(second, book, stamp)
    assert saved_original != saved_first
    assert (leads_in(saved_original), leads_in(saved_first), leads_in(book)) == (30, 5, 8)
    assert {p.name for p in backups_of(tmp_path)} == {saved_original.name, saved_first.name}


def test_the_restore_command_twice_in_one_second_keeps_both_books(tmp_path, capsys, monkeypatch):
    book = make_book(tmp_path / "book.db", 30)
    others = [make_book(tmp_path / name / "other.db", n) for name, n in (("a", 5), ("b", 8))]
    monkeypatch.setattr("pegboard.clock.Clock", lambda: Clock.fixed(MOMENT))
    for other in others:
        assert main(["--db", str(book), "restore", str(other)]) == 0
        close_database()
    assert sorted(leads_in(p) for p in backups_of(tmp_path)) == [5, 30]


def test_six_imports_in_one_second_leave_six_sound_backups(tmp_path):
    book = make_book(tmp_path / "book.db", 20)
    made = [backup_before(book, "import", "20261123T150000Z") for _ in range(6)]
    assert len(set(made)) == 6
    assert made[0].name == "book-before-import-20261123T150000Z.db"
    assert made[1].name == "book-before-import-20261123T150000Z-2.db"
    assert [inspect_file(path).leads for path in made] == [20] * 6
    assert backups_of(tmp_path) == sorted(made)
    assert {oct(path.stat().st_mode & 0o777) for path in made} == {"0o600"}
    assert oct((tmp_path / "backups").stat().st_mode & 0o777) == "0o700"


def test_backup_to_an_existing_file_is_refused_and_it_is_untouched(tmp_path, capsys):
    book = make_book(tmp_path / "book.db", 5)
    kept = tmp_path / "kept.db"
    kept.write_bytes(b"my own file")
    capsys.readouterr()
    assert main(["--db", str(book), "backup", "--to", str(kept)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert kept.read_bytes() == b"my own file"


def test_two_backups_in_one_second_are_two_files(tmp_path, capsys, monkeypatch):
    book = make_book(tmp_path / "book.db", 5)
    monkeypatch.setattr("pegboard.cli.context.Clock", lambda: Clock.fixed(MOMENT))
    for _ in range(2):
        assert main(["--db", str(book), "backup"]) == 0
        close_database()
    assert len(backups_of(tmp_path)) == 2


@pytest.fixture
def capped_copies(monkeypatch):
    """Every backup's copy may grow to 3 pages only: SQLite reports "database or disk is
    full" part-way through, exactly as on a full disk."""
    connect = sqlite3.connect

    def capped(target, *args, **kwargs):
        connection = connect(target, *args, **kwargs)
        if str(target).endswith(".partial"):
            connection.execute("PRAGMA max_page_count = 3")
        return connection

    monkeypatch.setattr(sqlite3, "connect", capped)


def test_a_backup_that_fills_the_disk_leaves_nothing_and_says_so(tmp_path, capped_copies):
    book = make_book(tmp_path / "book.db", 40)
    with pytest.raises(StorageError, match="The disk is full: no backup was made"):
        backup_before(book, "import", "20261123T150000Z")
    assert backups_of(tmp_path) == []


def test_a_failed_daily_backup_is_a_warning_and_is_made_at_the_next_start(
    tmp_path, capped_copies, monkeypatch
):
    book = make_book(tmp_path / "book.db", 40)
    context = Context(settings=Settings(), clock=Clock.fixed(MOMENT), db_target=str(book))
    warning = daily_backup_warning(context)
    assert warning.startswith("Daily backup failed: The disk is full")
    assert backups_of(tmp_path) == []
    monkeypatch.undo()  # room again
    assert daily_backup(book, date(2026, 11, 23)).name == "book-2026-11-23.db"
    assert inspect_file(backups_of(tmp_path)[0]).leads == 40


@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB file system (a 150-lead book and its WAL take most of 2 MB)."""
    with tmpfs(tmp_path / "disk", "3m") as mount:
        yield mount


def fill(folder: Path) -> None:
    """Write until the file system has no room left (it may have none already)."""
    try:
        with open(folder / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
    except OSError:
        pass


def run_pegboard(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(Path(args[1]).parent / "config"))
    return subprocess.run(
        [sys.executable, "-m", "pegboard", *args], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize("open_elsewhere", [True, False], ids=["app-open", "nothing-open"])
def test_on_a_really_full_disk_backup_and_import_are_one_line_and_leave_no_file(
    small_disk, tmp_path, open_elsewhere
):
    """With the app open (its -wal and -shm made) the copy itself runs out of room; with
    nothing open even opening the book needs room. Either way: one line, exit 2."""
    book = make_book(small_disk / "book.db", 150)
    deals = tmp_path / "deals.csv"
    deals.write_text("Name,Email\nAnn Lee,ann@example.com\n", encoding="utf-8")
    app = sqlite3.connect(book) if open_elsewhere else None
    if app is not None:
        app.execute("SELECT COUNT(*) FROM lead").fetchone()
    fill(small_disk)
    purchase = ["purchase", "add", "--customer", "Zed", "--amount", "12", "--create-customer"]
    for args in (["backup"], ["import", str(deals)], ["lead", "add", "Ann"], purchase):
        done = run_pegboard("--db", str(book), *args)
        assert done.returncode == 2, done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert "disk is full" in line.lower() and "Traceback" not in done.stderr
    left = {p.name for p in small_disk.rglob("*") if p.is_file()}
    assert left <= {"filler", "book.db", "book.db-wal", "book.db-shm"}
    if app is not None:
        app.close()
    (small_disk / "filler").unlink(missing_ok=True)
    assert leads_in(book) == 150


BACKER = """
import sys
from pathlib import Path
from pegboard.store.backup import backup_before

print("started", flush=True)
while True:
    backup_before(Path(sys.argv[1]), "import", "20261123T150000Z")
"""


def test_a_backup_killed_at_any_moment_never_stands_as_a_backup(tmp_path):
    """SIGKILL a process making backups of a 3,000-lead book over and over, at random
    moments: every file named as a backup is whole, and what the killed copies left is
    swept away by the next backup."""
    import random
    import signal
    import time

    book = make_book(tmp_path / "book.db", 3000)
    rng = random.Random(11)
    for _ in range(12):
        backer = subprocess.Popen(
            [sys.executable, "-c", BACKER, str(book)], stdout=subprocess.PIPE, text=True
        )
        assert backer.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 0.25))
        backer.send_signal(signal.SIGKILL)
        backer.wait()
    named = [p for p in backups_of(tmp_path) if not p.name.startswith(".")]
    # Each backup first sweeps what killed ones left: at most the last kill's copy is left.
    left = {p.name.split(".partial")[0] for p in backups_of(tmp_path) if p.name.startswith(".")}
    assert len(left) <= 1, left  # (a copy may be a .partial and its -journal)
    assert named, "some backups finished between the kills"
    assert {inspect_file(path).leads for path in named} == {3000}
    backup_before(book, "import", "20261123T150000Z")
    assert [p.name for p in backups_of(tmp_path) if p.name.startswith(".")] == []
