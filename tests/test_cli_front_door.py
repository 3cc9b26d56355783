"""The CLI's front door: global options on either side of the subcommand, one error tree
caught once (one line on stderr, exit 2), and a lock held by another process."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time

import pytest

from pegboard.cli import main
from pegboard.cli.parser import COMMAND_GROUPS, Commands, groups_for
from pegboard.store.database import close_database


def _run(argv, capsys):
    code = main(argv)
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "demo", "--leads", "30"],
        ["demo", "--db", "{db}", "--leads", "30"],
        ["demo", "--leads", "30", "--db", "{db}"],
    ],
    ids=["before", "after", "at-the-end"],
)
def test_db_goes_before_or_after_the_subcommand(argv, tmp_path, capsys):
    db = str(tmp_path / "book.db")
    code, out, err = _run([part.format(db=db) for part in argv], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"demo written to {db}: 30 leads")
    for listing in (["leads", "--db", db, "--json"], ["--db", db, "leads", "--json"]):
        code, out, _ = _run(listing, capsys)
        assert code == 0
        assert len(json.loads(out)) == 30
    # Nothing went to the default book in the user data dir.
    assert not (tmp_path / "data" / "pegboard.db").exists()


def test_db_after_a_nested_action_is_read_too(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    code, out, _ = _run(["lead", "add", "Ann Lee", "--db", db], capsys)
    assert code == 0
    code, out, _ = _run(["lead", "move", out.strip(), "contacted", "--db", db], capsys)
    assert (code, out.strip()) == (0, "lead 1: new -> contacted")
    code, out, _ = _run(["--db", db, "leads", "--json"], capsys)
    assert [record["stage"] for record in json.loads(out)] == ["contacted"]


def test_the_db_after_the_subcommand_wins_over_the_one_before(tmp_path, capsys):
    first, second = str(tmp_path / "first.db"), str(tmp_path / "second.db")
    assert _run(["--db", first, "lead", "add", "Ann", "--db", second], capsys)[0] == 0
    _code, out, _ = _run(["leads", "--json", "--db", second], capsys)
    assert [record["contact"] for record in json.loads(out)] == ["Ann"]
    _, out, _ = _run(["leads", "--json", "--db", first], capsys)
    assert json.loads(out) == []


HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE contact SET notes = notes")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


@pytest.mark.sqlite_only
def test_purchase_add_on_a_locked_book_waits_then_says_so_in_one_line(tmp_path, capsys):
    """Another process holds the write lock: the purchase waits out the busy timeout (5 s),
    then one line on stderr, exit 2, and no customer is left behind without it."""
    db = str(tmp_path / "book.db")
    assert _run(["--db", db, "lead", "add", "Ann Lee"], capsys)[0] == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, db, "12"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        code, out, err = _run(
            [
                "purchase",
                "add",
                "--customer",
                "Bea New",
                "--create-customer",
                "--amount",
                "120",
                "--db",
                db,
            ],
            capsys,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pegboard: error: ")
    assert "busy" in err and "nothing was saved" in err
    assert waited >= 4.5, f"gave up after {waited:.1f} s, before the busy timeout"
    code, out, _ = _run(["customers", "--json", "--db", db], capsys)
    assert json.loads(out) == []
    code, out, _ = _run(["--db", db, "leads", "--json"], capsys)
    assert [record["contact"] for record in json.loads(out)] == ["Ann Lee"]


def test_an_unexpected_exception_is_one_line_naming_it_a_bug(tmp_path, capsys, monkeypatch):
    """Anything outside the error tree is a bug of ours: said so in one line, exit 2."""

    def broken(*args, **kwargs):
        raise KeyError("stage")

    monkeypatch.setattr("pegboard.services.lead_records.lead_records", broken)
    code, out, err = _run(["--db", str(tmp_path / "book.db"), "leads"], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "a bug in pegboard" in err and "KeyError" in err
    monkeypatch.setenv("PEGBOARD_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["--db", str(tmp_path / "book.db"), "leads"])


@pytest.mark.parametrize("group", list(COMMAND_GROUPS))
def test_each_cli_module_registers_the_subcommands_the_parser_looks_it_up_by(group):
    """The parser imports a module by the subcommand typed (COMMAND_GROUPS): a name a
    module registers but the table leaves out would be an "invalid choice"."""
    parser = argparse.ArgumentParser()
    commands = Commands(parser, "command", required=False)
    importlib.import_module(f"pegboard.cli.{group}").register(commands)
    assert tuple(commands.subparsers.choices) == COMMAND_GROUPS[group]


@pytest.mark.parametrize(
    ("argv", "groups"),
    [
        (["lead", "add", "Ann"], ["leads"]),
        (["--db", "lead", "leads", "--json"], ["leads"]),
        (["--db=x.db", "report", "--period", "30d"], ["reports"]),
        (["--db", "x.db"], []),
        ([], []),
        (["--help", "lead"], list(COMMAND_GROUPS)),
        (["-h"], list(COMMAND_GROUPS)),
        (["laeds"], list(COMMAND_GROUPS)),
        (["--", "lead"], list(COMMAND_GROUPS)),
    ],
)
def test_the_parser_registers_only_the_typed_subcommands_module(argv, groups):
    assert groups_for(argv) == groups


def test_help_and_a_mistyped_subcommand_still_list_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    listed = capsys.readouterr().out
    every = [name for names in COMMAND_GROUPS.values() for name in names]
    assert all(f"    {name} " in listed for name in every), listed
    with pytest.raises(SystemExit) as exit_:
        main(["laeds", "--json"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice: 'laeds'" in err
    assert all(repr(name) in err for name in every)


@pytest.mark.parametrize(
    "argv",
    [["_complete", "stages"], ["leads", "--json"], ["today"]],
    ids=["completion", "listing", "text"],
)
def test_a_reader_that_went_away_is_no_error(argv, tmp_path):
    """`pegboard ... | head -1` where head has gone before pegboard writes: exit 0 and
    nothing on stderr, with Python's output buffered as in a shell (not exit 120 and
    "Exception ignored ... BrokenPipeError")."""
    import os

    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    env["PEGBOARD_DB"] = str(tmp_path / "book.db")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pegboard", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")
