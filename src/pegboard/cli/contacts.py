"""`pegboard contacts duplicates|merge|unmerge`: one person, once."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import json_option, open_context, print_json, report
from pegboard.cli.parser import Commands, record_id
from pegboard.errors import NotFound


def register(commands: Commands) -> None:
    contacts = commands.group("contacts", "find and merge duplicate contacts", "contacts_command")
    duplicates = contacts.add(
        "duplicates", "list likely duplicate contacts, with why", cmd_duplicates
    )
    duplicates.add_argument("--json", action="store_true", help="JSON for scripts")
    merge = contacts.add(
        "merge", "merge OTHER into KEEP: its leads, referrals, purchases, touches", cmd_merge
    )
    merge.add_argument("keep", type=record_id, help="the contact id to keep")
    merge.add_argument("other", type=record_id, help="the contact id merged into it")
    json_option(merge)
    unmerge = contacts.add("unmerge", "take back the merge of OTHER", cmd_unmerge)
    unmerge.add_argument("other", type=record_id, help="the contact id that was merged")
    json_option(unmerge)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from pegboard.services.merge import likely_duplicates

    open_context(args)
    pairs = likely_duplicates()
    if args.json:
        print_json([pair.as_json() for pair in pairs])
        return 0
    for pair in pairs:
        print(
            f"{pair.keep_id:>7} {pair.keep_name}  ~  {pair.other_id:>7} {pair.other_name}"
            f"  ({'; '.join(pair.why)})"
        )
    print(f"{len(pairs)} likely duplicate pairs", file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from pegboard.services.merge import merge_contacts

    context = open_context(args)
    merge_id = merge_contacts(context.clock, context.services.undo_log, args.keep, args.other)
    report(
        args,
        {"merge": merge_id, "keep": args.keep, "other": args.other},
        f"merged {args.other} into {args.keep} (pegboard contacts unmerge {args.other} takes it back)",
    )
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    from pegboard.services.merge import last_merge_of, undo_merge

    context = open_context(args)
    merge_id = last_merge_of(args.other)
    if merge_id is None:
        raise NotFound(f"contact {args.other} was not merged into another")
    undo_merge(context.clock, merge_id)
    report(
        args, {"merge": merge_id, "other": args.other}, f"contact {args.other} is on its own again"
    )
    return 0
