"""`pegboard backup`, `restore` and `check`: the book's file kept safe and sound."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import STAMP, json_option, open_context, print_json, report, sqlite_file
from pegboard.cli.parser import Commands
from pegboard.errors import CommandError
from pegboard.paths import shown_target


def register(commands: Commands) -> None:
    backup = commands.add("backup", "copy the database safely, even while in use", cmd_backup)
    backup.add_argument("--to", default=None, help="where (default: backups/ beside it)")
    json_option(backup)
    restore = commands.add(
        "restore",
        "replace the database with a backup (checked first; the current one is backed up)",
        cmd_restore,
    )
    restore.add_argument("path", help="the backup to restore")
    json_option(restore)
    check = commands.add(
        "check", "integrity check and pegboard's own rules; exit 1 on a problem", cmd_check
    )
    check.add_argument(
        "--rebuild-summaries",
        action="store_true",
        help="work the figures Insights reads out again from the records first",
    )
    json_option(check)


def cmd_backup(args: argparse.Namespace) -> int:
    """A backup is never written over another file: an explicit --to that exists is
    refused, and a default name taken in the same second gets a number."""
    from pathlib import Path

    from pegboard.store.backup import copy_database

    context = open_context(args)
    path = sqlite_file(context, "backup")
    stamp = context.clock.now().strftime(STAMP)
    target = Path(args.to) if args.to else path.parent / "backups" / f"{path.stem}-{stamp}.db"
    if args.to and target.exists():
        raise CommandError(f"{target} exists already; pick another --to")
    written = copy_database(path, target, unique=not args.to)
    report(args, {"backup": str(written)}, str(written))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.clock import Clock
    from pegboard.paths import resolve_db_target, sqlite_path
    from pegboard.store.backup import inspect_file, restore
    from pegboard.store.database import close_database

    path = sqlite_path(resolve_db_target(args.db))
    if path is None:
        raise CommandError("restore works on a SQLite file; for a server use its own tools")
    source = Path(args.path)
    inspect_file(source)
    before = inspect_file(path) if path.is_file() else None
    close_database()
    facts, saved = restore(source, path, Clock().now().strftime(STAMP))
    replaced = (
        f"{path} ({before.leads} leads, {before.contacts} contacts), saved as {saved}"
        if before
        else f"{path} (new)"
    )
    data = {
        "restored": str(source),
        "leads": facts.leads,
        "contacts": facts.contacts,
        "over": str(path),
        "saved_as": str(saved) if saved else None,
    }
    report(
        args,
        data,
        f"restored {source} ({facts.leads} leads, {facts.contacts} contacts) over {replaced}",
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from pegboard.services.check import check_database, rebuild_summaries

    context = open_context(args)
    if args.rebuild_summaries:
        rebuild_summaries()
    problems = check_database(context.settings)
    database = shown_target(context.db_target)
    if args.json:
        print_json(
            {
                "database": database,
                "problems": problems,
                "ok": not problems,
                "summaries_rebuilt": args.rebuild_summaries,
            }
        )
        return 1 if problems else 0
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {shown_target(context.db_target)}", file=sys.stderr)
        return 1
    rebuilt = " (summaries rebuilt)" if args.rebuild_summaries else ""
    print(f"{shown_target(context.db_target)}: all checks passed{rebuilt}")
    return 0
