"""Every command that reports what it did says it as JSON with --json, parsed here."""

from __future__ import annotations

import json

from pegboard.cli import main
from pegboard.store.database import close_database


def run_json(capsys, *argv: str):
    code = main([*argv, "--json"])
    close_database()
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_every_report_of_a_change_is_json(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    code, added = run_json(capsys, "--db", db, "lead", "add", "Ann Lee", "--value", "1200")
    assert code == 0 and isinstance(added["id"], int)
    code, moved = run_json(capsys, "--db", db, "lead", "move", str(added["id"]), "qualified")
    assert moved == {"id": added["id"], "from": "new", "to": "qualified"}
    code, logged = run_json(
        capsys,
        "--db",
        db,
        "referral",
        "log",
        "--partner",
        "Dana",
        "--received",
        "--person",
        "Gina",
        "--create-partner",
    )
    assert logged["partner_created"] is True and isinstance(logged["lead"], int)
    code, checked = run_json(capsys, "--db", db, "check")
    assert code == 0 and checked["ok"] is True and checked["problems"] == []
    code, backed = run_json(capsys, "--db", db, "backup")
    assert code == 0 and backed["backup"].endswith(".db")
    code, exported = run_json(
        capsys, "--db", db, "export", str(tmp_path / "out"), "--ics", str(tmp_path / "f.ics")
    )
    assert exported["tables"]["leads"] == 2 and exported["follow_ups"] == 1
    rows = tmp_path / "people.csv"
    rows.write_text("Name,Email,Birthday\nBo Ray,bo@example.com,1990-01-02\n")
    code, plan = run_json(capsys, "--db", db, "import", str(rows), "--dry-run")
    assert plan["dry_run"] is True and plan["contacts_created"] == 1
    assert plan["columns_not_imported"] == {"Birthday": ["1990-01-02"]}
    assert plan["first_rows"] == ["line 2: Bo Ray · bo@example.com"]
    code, restored = run_json(capsys, "--db", db, "restore", backed["backup"])
    assert code == 0 and restored["leads"] == 2 and restored["saved_as"]


def test_text_tables_line_up_with_wide_characters(tmp_path, capsys):
    from pegboard.text import display_width

    db = str(tmp_path / "book.db")
    for name in ("山田太郎 不動産", "Ann Lee"):
        assert (
            main(
                [
                    "--db",
                    db,
                    "referral",
                    "log",
                    "--partner",
                    name,
                    "--received",
                    "--person",
                    "X " + name,
                    "--create-partner",
                ]
            )
            == 0
        )
        close_database()
    capsys.readouterr()
    assert main(["--db", db, "partners"]) == 0
    lines = capsys.readouterr().out.splitlines()
    got = [line.index("got") for line in lines]
    widths = [display_width(line[: line.index("got")]) for line in lines]
    assert len(set(widths)) == 1, lines
    assert got[0] != got[1], "the wide name takes fewer characters for the same columns"
