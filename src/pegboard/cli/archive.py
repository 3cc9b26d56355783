"""`pegboard archived` and `pegboard unarchive`: what was archived, seen and brought back."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import open_context, print_json
from pegboard.cli.parser import Commands, record_id
from pegboard.clock import instant_text
from pegboard.text import one_line


def register(commands: Commands) -> None:
    archived = commands.add(
        "archived", "list archived leads, partners and purchases (newest first)", cmd_archived
    )
    archived.add_argument("--json", action="store_true", help="JSON for scripts")
    unarchive = commands.add(
        "unarchive", "bring an archived lead, partner or purchase back", cmd_unarchive
    )
    unarchive.add_argument("kind", choices=("lead", "partner", "purchase"))
    unarchive.add_argument("id", type=record_id)


def cmd_archived(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents

    context = open_context(args)
    records = context.services.archive.records()
    if args.json:
        print_json(
            [
                {
                    "kind": record.kind,
                    "id": record.id,
                    "name": record.name,
                    "what": record.what,
                    "amount_cents": record.amount_cents,
                    "archived_at": instant_text(record.archived_at),
                }
                for record in records
            ]
        )
        return 0
    currency = context.settings.currency
    for record in records:
        amount = "" if record.amount_cents is None else format_cents(record.amount_cents, currency)
        print(
            f"{record.kind:<8} {record.id:>6}  {record.archived_at:%Y-%m-%d}  {amount:>12}"
            f"  {one_line(record.name)}: {one_line(record.what)}"
        )
    print(f"{len(records)} archived", file=sys.stderr)
    return 0


def cmd_unarchive(args: argparse.Namespace) -> int:
    context = open_context(args)
    record = context.services.archive.bring_back(args.kind, args.id)
    print(f"brought back {record.kind} {record.id}: {one_line(record.name)}")
    return 0
