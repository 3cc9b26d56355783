"""Opening the app, and the demo book that can open it."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import daily_backup_warning, open_context
from pegboard.cli.parser import LARGEST_ID, Commands, count
from pegboard.paths import shown_target


def register(commands: Commands) -> None:
    demo = commands.add("demo", "write a demo data set into an empty database", cmd_demo)
    demo.add_argument(
        "--leads", type=count(10_000_000), default=600, help="how many leads (default 600)"
    )
    demo.add_argument("--seed", type=count(LARGEST_ID), default=7, help="random seed (default 7)")
    demo.add_argument(
        "--open",
        action="store_true",
        help="then open the app on it (a database that already has data is just opened)",
    )


def cmd_open(args: argparse.Namespace) -> int:
    """`pegboard` with no command: the app, on a config file written on first start."""
    from pegboard.config import ensure_config_file
    from pegboard.paths import config_file

    ensure_config_file(config_file())
    context = open_context(args)
    from pegboard.ui.app import PegboardApp

    PegboardApp(
        context.services,
        db_label=shown_target(context.db_target),
        after_first_paint=lambda: daily_backup_warning(context),
    ).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pegboard.errors import CommandError, DomainError
    from pegboard.services.demo import database_is_empty, write_demo

    context = open_context(args)
    if args.open and not database_is_empty():
        print(f"{shown_target(context.db_target)} already has data; opening it", file=sys.stderr)
        return cmd_open(args)
    try:
        summary = write_demo(context.settings, context.clock, leads=args.leads, seed=args.seed)
    except DomainError as error:
        raise CommandError(f"{shown_target(context.db_target)}: {error}") from None
    print(
        f"demo written to {shown_target(context.db_target)}: {summary.leads} leads, {summary.contacts} contacts, "
        f"{summary.partners} partners, {summary.referrals} referrals, {summary.touches} touches, "
        f"{summary.purchases} purchases"
    )
    if args.open:
        return cmd_open(args)
    return 0
