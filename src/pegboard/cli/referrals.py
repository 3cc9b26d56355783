"""`pegboard referral log` and `pegboard partners`."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import json_option, open_context, print_json, report
from pegboard.cli.parser import Commands
from pegboard.text import ljust_display


def register(commands: Commands) -> None:
    referral = commands.group("referral", "log a referral from the shell", "referral_command")
    log = referral.add(
        "log",
        "log a referral; prints its id (and, for received, the new lead's id)",
        cmd_referral_log,
    )
    log.add_argument("--partner", required=True, help="the partner's name")
    direction = log.add_mutually_exclusive_group(required=True)
    direction.add_argument("--received", action="store_true", help="they sent someone to me")
    direction.add_argument("--given", action="store_true", help="I sent someone to them")
    log.add_argument("--person", required=True, help="who was referred")
    log.add_argument("--phone", default="")
    log.add_argument("--email", default="")
    log.add_argument("--note", default="")
    log.add_argument("--warmth", type=int, default=None, help="1 (name only) to 5 (introduced)")
    log.add_argument("--at", default=None, help="when (default: now)")
    log.add_argument(
        "--create-partner", action="store_true", help="create the partner if there is none"
    )
    json_option(log)

    partners = commands.add("partners", "list partners with give/get balance", cmd_partners)
    partners.add_argument(
        "--sort",
        default="balance",
        help="name, category, received, given, balance, closed or last (default balance)",
    )
    partners.add_argument("--json", action="store_true", help="JSON for scripts")

    partner = commands.group("partner", "one partner: log a one-to-one", "partner_command")
    met = partner.add("met", "log a one-to-one with a partner", cmd_partner_met)
    met.add_argument("partner", help="the partner's name")
    met.add_argument("--at", default=None, help="the day (default today): YYYY-MM-DD")
    met.add_argument("--note", default="", help="what you talked about")
    json_option(met)
    brief = partner.add(
        "brief", "a ready-to-send note for a partner: send me more like this", cmd_partner_brief
    )
    brief.add_argument("partner", help="the partner's name")
    brief.add_argument(
        "--period", default="365d", choices=("30d", "90d", "365d", "all"), help="default 365d"
    )
    brief.add_argument(
        "--format", default="text", choices=("text", "markdown", "json"), help="default text"
    )

    lineage = commands.add(
        "lineage",
        "print who came through whom from a partner, with each branch's value",
        cmd_lineage,
    )
    lineage.add_argument("partner", help="the partner's name")
    lineage.add_argument("--json", action="store_true", help="the tree as JSON for scripts")


def cmd_referral_log(args: argparse.Namespace) -> int:
    from pegboard.services import requests

    context = open_context(args)
    data = requests.log_referral(
        context.services.partners,
        partner=args.partner,
        direction="received" if args.received else "given",
        person=args.person,
        phone=args.phone,
        email=args.email,
        note=args.note,
        warmth=args.warmth,
        at=args.at,
        create_partner=args.create_partner,
    )
    lines = [f"referral {data['referral']}"]
    lines += [f"lead {data['lead']}"] if data["lead"] is not None else []
    report(args, data, *lines)
    if data["partner_created"] and not args.json:
        print(f"created partner {args.partner}", file=sys.stderr)
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.partner_views import partner_records

    context = open_context(args)
    rows = context.services.partners.partner_rows(sort=args.sort)
    if args.json:
        print_json(partner_records(rows))
        return 0
    currency = context.settings.currency
    for row in rows:
        last = row.last_exchange.date().isoformat() if row.last_exchange else "-"
        owed = "OWED" if row.owed else ""
        print(
            f"{ljust_display(row.name, 24)} {ljust_display(row.category, 12)} "
            f"got {row.received:>4}  gave {row.given:>4}  "
            f"balance {row.balance:>+4}  closed {format_cents(row.closed_value_cents, currency):>12}"
            f"  network {format_cents(row.network_value_cents, currency):>12}"
            f"  last {last:<10} {owed}"
        )
    print(f"{len(rows)} partners", file=sys.stderr)
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.lineage import lineage, tree_lines
    from pegboard.services.requests import partner_named

    context = open_context(args)
    match = partner_named(context.services.partners, args.partner)
    tree = lineage(match.id)
    if args.json:
        print_json(tree.as_json())
        return 0
    currency = context.settings.currency
    for line in tree_lines(tree, lambda cents: format_cents(cents, currency)):
        print(line)
    return 0


def cmd_partner_met(args: argparse.Namespace) -> int:
    from pegboard.services import requests

    context = open_context(args)
    met = requests.log_meeting(
        context.services.partners, partner=args.partner, at=args.at, note=args.note
    )
    report(args, met, f"one-to-one with {args.partner} on {met['on']}")
    return 0


def cmd_partner_brief(args: argparse.Namespace) -> int:
    from pegboard.services.brief import brief_lines, partner_brief
    from pegboard.services.requests import partner_named

    context = open_context(args)
    match = partner_named(context.services.partners, args.partner)
    brief = partner_brief(match.id, context.clock, args.period)
    if args.format == "json":
        print_json(brief.as_json())
        return 0
    for line in brief_lines(brief, context.settings.currency, markdown=args.format == "markdown"):
        print(line)
    return 0
