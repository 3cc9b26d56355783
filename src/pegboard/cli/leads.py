"""`pegboard lead add|move|touch` and `pegboard leads`."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import json_option, open_context, parse_option, print_json, report
from pegboard.cli.parser import Commands, record_id
from pegboard.clock import parse_date, parse_datetime
from pegboard.errors import CommandError


def register(commands: Commands) -> None:
    lead = commands.group("lead", "add or move one lead", dest="lead_command")
    add = lead.add("add", "add a lead; prints its id", cmd_lead_add)
    add.add_argument("name", help="the contact's name")
    add.add_argument("--title", default="", help="what the opportunity is")
    add.add_argument("--company", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument("--value", default="", help="estimated value, e.g. 1200.50")
    add.add_argument("--source", default="", help="lead source, one of the configured ones")
    add.add_argument("--stage", default=None, help="stage id (default: the first stage)")
    add.add_argument("--reason", default="", help="why it was lost (required for a lost stage)")
    add.add_argument("--next-action", default="", help="the next step, e.g. 'Call back'")
    add.add_argument("--due", default=None, help="follow-up date: YYYY-MM-DD, today, +3d")
    add.add_argument("--at", default=None, help="when the lead came in (default: now)")

    json_option(add)
    move = lead.add("move", "move a lead to another stage", cmd_lead_move)
    json_option(move)
    move.add_argument("id", type=record_id)
    move.add_argument("stage", help="stage id")
    move.add_argument("--value", default=None, help="final value when won")
    move.add_argument("--reason", default=None, help="why it was lost (required for lost)")
    move.add_argument("--at", default=None, help="when it moved (default: now)")

    touch = lead.add(
        "touch", "log a call, email, meeting, message or note on a lead", cmd_lead_touch
    )
    json_option(touch)
    touch.add_argument("id", type=record_id)
    touch.add_argument(
        "--kind", default="call", help="call, email, meeting, message or note (default call)"
    )
    touch.add_argument("--note", default="", help="what was said or done")
    touch.add_argument("--next-action", default=None, help="the next step, e.g. 'Send proposal'")
    touch.add_argument("--due", default=None, help="its date: YYYY-MM-DD, today, +3d, fri")
    touch.add_argument("--at", default=None, help="when (default: now)")

    leads = commands.add("leads", "list leads", cmd_leads)
    leads.add_argument("--stage", default=None, help="only this stage")
    leads.add_argument("--archived", action="store_true", help="include archived leads")
    leads.add_argument("--json", action="store_true", help="JSON for scripts")


def _at(args: argparse.Namespace):
    return parse_option(parse_datetime, args.at, "--at") if args.at else None


def cmd_lead_add(args: argparse.Namespace) -> int:
    from pegboard.services.lead_draft import LeadDraft, draft_problems, parse_value

    context = open_context(args)
    today = context.clock.today()
    at = _at(args)
    draft = LeadDraft(
        name=args.name.strip(),
        company=args.company.strip(),
        email=args.email.strip(),
        phone=args.phone.strip(),
        title=args.title.strip(),
        value_cents=parse_option(
            lambda text: parse_value(text, context.settings.currency), args.value, "--value"
        ),
        source=args.source.strip(),
        next_action=args.next_action.strip(),
        due_date=parse_option(
            lambda text: parse_date(text, today, context.settings.date_order), args.due, "--due"
        )
        if args.due
        else None,
    )
    problems = draft_problems(draft, context.settings)
    if problems:
        field, message = next(iter(problems.items()))
        raise CommandError(f"{field}: {message}")
    leads = context.services.leads
    lead_id = leads.create_lead(draft, stage=args.stage, at=at, lost_reason=args.reason)
    report(args, {"id": lead_id}, str(lead_id))
    return 0


def cmd_lead_move(args: argparse.Namespace) -> int:
    from pegboard.services import requests

    context = open_context(args)
    moved = requests.move_lead(
        context.services.leads,
        lead_id=args.id,
        stage=args.stage,
        value=args.value,
        reason=args.reason,
        at=args.at,
    )
    report(args, moved, f"lead {moved['id']}: {moved['from']} -> {moved['to']}")
    return 0


def cmd_lead_touch(args: argparse.Namespace) -> int:
    from pegboard.services import requests

    context = open_context(args)
    logged = requests.log_touch(
        context.services.leads,
        lead_id=args.id,
        kind=args.kind,
        note=args.note,
        next_action=args.next_action,
        due=args.due,
        at=args.at,
    )
    report(args, logged, f"touch {logged['touch']}")
    return 0


def cmd_leads(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.lead_records import lead_records

    context = open_context(args)
    if args.stage and args.stage not in context.settings.stage_ids:
        raise CommandError(
            f"no stage {args.stage!r}; the stages are {', '.join(context.settings.stage_ids)}"
        )
    records = lead_records(stage=args.stage, include_archived=args.archived)
    if args.json:
        print_json(records)
        return 0
    currency = context.settings.currency
    for record in records:
        due = record["due"] or "-"
        company = f" ({record['company']})" if record["company"] else ""
        print(
            f"{record['id']:>6}  {record['stage']:<10} {format_cents(record['value_cents'], currency):>12}"
            f"  due {due:<10}  {record['contact']}{company}: {record['title']}"
        )
    print(f"{len(records)} leads", file=sys.stderr)
    return 0
