"""What every command needs: settings, an open database, the services, and printing."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pegboard.clock import Clock
from pegboard.config import Settings, load_settings
from pegboard.errors import CommandError, StorageError
from pegboard.paths import config_file, resolve_db_target, sqlite_path
from pegboard.text import terminal_safe_json
from pegboard.wiring import Services

STAMP = "%Y%m%dT%H%M%SZ"
"""How a backup's name says when it was made."""


@dataclass
class Context:
    """One command's world: its settings, clock and database, and the services over it."""

    settings: Settings
    clock: Clock
    db_target: str
    services: Services = field(init=False)

    def __post_init__(self) -> None:
        self.services = Services(self.settings, self.clock)


def open_context(args: argparse.Namespace) -> Context:
    """Settings and an open, migrated database; a PegboardError says why not."""
    from pegboard.store.database import open_database

    settings = load_settings(config_file())
    target = resolve_db_target(args.db)
    open_database(target, phone_region=settings.phone_region)
    return Context(settings=settings, clock=Clock(), db_target=target)


def print_json(data) -> None:
    """One JSON document on stdout, as every --json listing prints it.

    json.dumps, not json.dump: dump streams through the pure-Python encoder, a write per
    token (2 s for 20,000 leads); dumps encodes in C in one go (0.1 s)."""
    sys.stdout.write(terminal_safe_json(json.dumps(data, ensure_ascii=False)))
    sys.stdout.write("\n")


def json_option(command: argparse.ArgumentParser) -> None:
    """`--json`: what the command did, as one JSON document, for scripts."""
    command.add_argument("--json", action="store_true", help="what was done, as JSON")


def report(args: argparse.Namespace, data: dict, *lines: str) -> None:
    """What a command did: `data` as JSON with --json, else `lines` as text."""
    if getattr(args, "json", False):
        print_json(data)
    else:
        for line in lines:
            print(line)


def parse_option(parse, text: str, option: str):
    """`parse(text)`, or a CommandError naming the option when the text does not read."""
    try:
        return parse(text)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from None


def sqlite_file(context: Context, what: str) -> Path:
    """The database's file, or a CommandError: `what` works on SQLite files only."""
    path = sqlite_path(context.db_target)
    if path is None:
        raise CommandError(
            f"{what} works on a SQLite file; for a server use its own tools (pg_dump)"
        )
    return path


def backup_before(context: Context, what: str) -> None:
    """A copy of a SQLite file before a big change, in backups/ beside it."""
    from pegboard.store.backup import backup_before as copy_before

    path = sqlite_path(context.db_target)
    if path is None:
        return
    try:
        copy_before(path, what, context.clock.now().strftime(STAMP))
    except (OSError, StorageError) as error:
        raise CommandError(f"nothing was changed: {error}") from None


def daily_backup_warning(context: Context) -> str | None:
    """The first start of a day copies the database into backups/ (the newest 14 kept).

    Run by the app in a worker once its first screen has painted (a 150 MB file takes
    about half a second to copy); returns a warning for the app to show, if it failed."""
    from pegboard.store.backup import daily_backup

    path = sqlite_path(context.db_target)
    if path is not None:
        try:
            daily_backup(path, context.clock.today())
        except (OSError, StorageError) as error:
            return f"Daily backup failed: {error}"
    return None
