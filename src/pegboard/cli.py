"""The command line: parses, calls services, or starts the app.

Commands that do not open the UI never import Textual, so they start about as
fast as Python and peewee do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from pegboard import __version__
from pegboard.clock import Clock, parse_date, parse_datetime
from pegboard.config import ConfigError, Settings, load_settings
from pegboard.paths import config_file, resolve_db_target, sqlite_path


class CommandError(Exception):
    """A one-line message for stderr; the command exits with code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


@dataclass
class Context:
    settings: Settings
    clock: Clock
    db_target: str


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pegboard", description="A keyboard-driven referral CRM.")
    parser.add_argument("--version", action="version", version=f"pegboard {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database: a SQLite file path or a URL such as sqlite:///x.db "
        "(default: $PEGBOARD_DB, else pegboard.db in the user data dir)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="write a demo data set into an empty database")
    demo.add_argument("--leads", type=int, default=600, help="how many leads (default 600)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--open",
        action="store_true",
        help="then open the app on it (a database that already has data is just opened)",
    )

    lead = commands.add_parser("lead", help="add or move one lead")
    lead_commands = lead.add_subparsers(
        dest="lead_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    add = lead_commands.add_parser("add", help="add a lead; prints its id")
    add.add_argument("name", help="the contact's name")
    add.add_argument("--title", default="", help="what the opportunity is")
    add.add_argument("--company", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument("--value", default="", help="estimated value, e.g. 1200.50")
    add.add_argument("--source", default="", help="lead source, one of the configured ones")
    add.add_argument("--stage", default=None, help="stage id (default: the first stage)")
    add.add_argument("--next-action", default="", help="the next step, e.g. 'Call back'")
    add.add_argument("--due", default=None, help="follow-up date: YYYY-MM-DD, today, +3d")
    add.add_argument("--at", default=None, help="when the lead came in (default: now)")

    move = lead_commands.add_parser("move", help="move a lead to another stage")
    move.add_argument("id", type=int)
    move.add_argument("stage", help="stage id")
    move.add_argument("--value", default=None, help="final value when won")
    move.add_argument("--reason", default=None, help="why it was lost (required for lost)")
    move.add_argument("--at", default=None, help="when it moved (default: now)")

    referral = commands.add_parser("referral", help="log a referral from the shell")
    referral_commands = referral.add_subparsers(
        dest="referral_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    log = referral_commands.add_parser(
        "log", help="log a referral; prints its id (and, for received, the new lead's id)"
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

    partners = commands.add_parser("partners", help="list partners with give/get balance")
    partners.add_argument(
        "--sort",
        default="balance",
        help="name, category, received, given, balance, closed or last (default balance)",
    )
    partners.add_argument("--json", action="store_true", help="JSON for scripts")

    purchase = commands.add_parser("purchase", help="record a purchase")
    purchase_commands = purchase.add_subparsers(
        dest="purchase_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    purchase_add = purchase_commands.add_parser(
        "add", help="record a purchase with the loyalty discount it earns"
    )
    purchase_add.add_argument("--customer", required=True, help="the customer's name")
    purchase_add.add_argument("--amount", required=True, help="the price before discount")
    purchase_add.add_argument("--what", default="", help="what was bought")
    purchase_add.add_argument("--date", default=None, help="when (default today): YYYY-MM-DD")
    purchase_add.add_argument(
        "--create-customer", action="store_true", help="create the customer if there is none"
    )
    purchase_add.add_argument("--json", action="store_true", help="JSON for scripts")

    customers = commands.add_parser("customers", help="list customers with their next discount")
    customers.add_argument(
        "--sort", default="last", help="name, purchases, lifetime or last (default last)"
    )
    customers.add_argument("--json", action="store_true", help="JSON for scripts")

    backup = commands.add_parser("backup", help="copy the database safely, even while in use")
    backup.add_argument("--to", default=None, help="where (default: backups/ beside it)")
    restore = commands.add_parser(
        "restore",
        help="replace the database with a backup (checked first; the current one is backed up)",
    )
    restore.add_argument("path", help="the backup to restore")
    commands.add_parser(
        "check", help="integrity check and pegboard's own rules; exit 1 on a problem"
    )

    today = commands.add_parser("today", help="print today's triage list")
    today.add_argument("--json", action="store_true", help="JSON for scripts")

    report = commands.add_parser(
        "report", help="print the Insights figures: sources, referrals, funnel, goal"
    )
    report.add_argument(
        "--period",
        default="365d",
        choices=("30d", "90d", "365d", "all"),
        help="how far back (default 365d)",
    )
    report.add_argument(
        "--format",
        default="text",
        choices=("text", "json", "csv"),
        help="text for people, json or csv for scripts (default text)",
    )
    report.add_argument("--json", action="store_true", help="the same as --format json")

    export = commands.add_parser(
        "export", help="write every table to a folder (CSV or JSON), or follow-ups to a calendar"
    )
    export.add_argument("folder", nargs="?", help="the folder to write the tables into")
    export.add_argument("--format", default="csv", choices=("csv", "json"))
    export.add_argument("--ics", metavar="FILE", help="write the open follow-ups as events")

    import_ = commands.add_parser(
        "import",
        help="bring in a CSV (HubSpot, Pipedrive, a spreadsheet) or a pegboard export folder",
    )
    import_.add_argument("path", help="a .csv file, or a folder written by pegboard export")
    import_.add_argument(
        "--kind",
        default="auto",
        choices=("auto", "contacts", "leads", "partners", "purchases"),
        help="default auto: deals if there is a deal title, value or status, else contacts",
    )
    import_.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be created and updated; write nothing",
    )
    import_.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD; or stage:VALUE=STAGE, source:VALUE=SOURCE (repeatable)",
    )

    leads = commands.add_parser("leads", help="list leads")
    leads.add_argument("--stage", default=None, help="only this stage")
    leads.add_argument("--archived", action="store_true", help="include archived leads")
    leads.add_argument("--json", action="store_true", help="JSON for scripts")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    skip_server_drivers(resolve_db_target(args.db))
    try:
        if args.command is None:
            return run_app(args)
        handler = {
            "demo": cmd_demo,
            "lead": cmd_lead,
            "leads": cmd_leads,
            "referral": cmd_referral,
            "partners": cmd_partners,
            "purchase": cmd_purchase,
            "customers": cmd_customers,
            "today": cmd_today,
            "backup": cmd_backup,
            "restore": cmd_restore,
            "check": cmd_check,
            "report": cmd_report,
            "export": cmd_export,
            "import": cmd_import,
        }[args.command]
        return handler(args)
    except CommandError as error:
        print(f"pegboard: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`pegboard report | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def print_json(data) -> None:
    """One JSON document on stdout, as every --json listing prints it.

    json.dumps, not json.dump: dump streams through the pure-Python encoder, a write per
    token (2 s for 20,000 leads); dumps encodes in C in one go (0.1 s)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False))
    sys.stdout.write("\n")


def _settings() -> Settings:
    try:
        return load_settings(config_file())
    except ConfigError as error:
        raise CommandError(str(error)) from None


SERVER_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")
"""The database drivers peewee tries to import as it is imported itself."""


def skip_server_drivers(target: str) -> None:
    """For a SQLite file, keep peewee from importing server drivers this process will not use.

    peewee imports every driver it finds as it is imported: with the PostgreSQL extra
    installed, psycopg2 alone took about 10 ms of every start and every command (a
    thirtieth of the app's first paint). A command opens one database, so for a file the
    drivers are marked absent (a None in sys.modules makes their import fail at once);
    a server URL, or peewee already imported (tests, which open both), changes nothing."""
    if "peewee" in sys.modules or sqlite_path(target) is None:
        return
    for name in SERVER_DRIVERS:
        sys.modules.setdefault(name, None)


def open_context(args: argparse.Namespace) -> Context:
    """Settings and an open, migrated database, or a CommandError saying why not."""
    from pegboard.services.errors import ServiceError
    from pegboard.store.database import StoreError, open_database

    settings = _settings()
    target = resolve_db_target(args.db)
    try:
        open_database(target)
    except (StoreError, ServiceError) as error:
        raise CommandError(str(error)) from None
    return Context(settings=settings, clock=Clock(), db_target=target)


def run_app(args: argparse.Namespace) -> int:
    from pegboard.config import ensure_config_file

    try:
        ensure_config_file(config_file())
    except ConfigError as error:
        raise CommandError(str(error)) from None
    context = open_context(args)
    from pegboard.ui.app import PegboardApp

    PegboardApp(
        context.settings,
        clock=context.clock,
        db_label=context.db_target,
        after_first_paint=lambda: _daily_backup(context),
    ).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pegboard.services.demo import database_is_empty, write_demo
    from pegboard.services.errors import ServiceError

    context = open_context(args)
    if args.open and not database_is_empty():
        print(f"{context.db_target} already has data; opening it", file=sys.stderr)
        return run_app(args)
    try:
        summary = write_demo(context.settings, context.clock, leads=args.leads, seed=args.seed)
    except ServiceError as error:
        raise CommandError(f"{context.db_target}: {error}") from None
    print(
        f"demo written to {context.db_target}: {summary.leads} leads, {summary.contacts} contacts, "
        f"{summary.partners} partners, {summary.referrals} referrals, {summary.touches} touches, "
        f"{summary.purchases} purchases"
    )
    if args.open:
        return run_app(args)
    return 0


def _parse(parse, text: str, what: str):
    try:
        return parse(text)
    except ValueError as error:
        raise CommandError(f"{what}: {error}") from None


def cmd_lead(args: argparse.Namespace) -> int:
    from pegboard.money import parse_cents
    from pegboard.services.errors import ServiceError
    from pegboard.services.leads import LeadDraft, LeadService, draft_problems, parse_value

    context = open_context(args)
    service = LeadService(context.settings, context.clock)
    today = context.clock.today()
    at = _parse(parse_datetime, args.at, "--at") if args.at else None
    try:
        if args.lead_command == "add":
            draft = LeadDraft(
                name=args.name.strip(),
                company=args.company.strip(),
                email=args.email.strip(),
                phone=args.phone.strip(),
                title=args.title.strip(),
                value_cents=_parse(parse_value, args.value, "--value"),
                source=args.source.strip(),
                next_action=args.next_action.strip(),
                due_date=_parse(lambda t: parse_date(t, today), args.due, "--due")
                if args.due
                else None,
            )
            problems = draft_problems(draft, context.settings)
            if problems:
                field, message = next(iter(problems.items()))
                raise CommandError(f"{field}: {message}")
            print(service.create_lead(draft, stage=args.stage, at=at))
        else:
            value = _parse(parse_cents, args.value, "--value") if args.value is not None else None
            result = service.move_lead(
                args.id, args.stage, value_cents=value, lost_reason=args.reason, at=at
            )
            print(f"lead {result.lead_id}: {result.from_stage} -> {result.to_stage}")
    except ServiceError as error:
        raise CommandError(str(error)) from None
    return 0


def cmd_leads(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.leads import lead_records

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


def _partner_service(context: Context):
    from pegboard.services.leads import LeadService
    from pegboard.services.partners import PartnerService

    return PartnerService(
        context.settings, context.clock, LeadService(context.settings, context.clock)
    )


def cmd_referral(args: argparse.Namespace) -> int:
    from pegboard.services.errors import ServiceError
    from pegboard.services.partners import ReferralDraft

    context = open_context(args)
    partners = _partner_service(context)
    at = _parse(parse_datetime, args.at, "--at") if args.at else None
    if args.phone and args.email:
        raise CommandError("give --phone or --email, not both")
    known = partners.find_partner(args.partner)
    if known is None and not args.create_partner:
        raise CommandError(
            f"no partner named {args.partner!r} (add --create-partner to create one)"
        )
    draft = ReferralDraft(
        direction="received" if args.received else "given",
        person=args.person,
        partner_id=known.id if known else None,
        new_partner=args.partner if known is None else "",
        reach=args.phone or args.email,
        note=args.note,
        warmth=args.warmth,
    )
    try:
        logged = partners.log_referral(draft, at=at)
    except ServiceError as error:
        raise CommandError(str(error)) from None
    print(f"referral {logged.referral_id}")
    if logged.lead_id is not None:
        print(f"lead {logged.lead_id}")
    if logged.partner_created:
        print(f"created partner {args.partner}", file=sys.stderr)
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.errors import ServiceError
    from pegboard.services.partners import partner_records

    context = open_context(args)
    try:
        rows = _partner_service(context).partner_rows(sort=args.sort)
    except ServiceError as error:
        raise CommandError(str(error)) from None
    if args.json:
        print_json(partner_records(rows))
        return 0
    currency = context.settings.currency
    for row in rows:
        last = row.last_exchange.date().isoformat() if row.last_exchange else "-"
        owed = "OWED" if row.owed else ""
        print(
            f"{row.name:<24} {row.category:<12} got {row.received:>4}  gave {row.given:>4}  "
            f"balance {row.balance:>+4}  closed {format_cents(row.closed_value_cents, currency):>12}"
            f"  last {last:<10} {owed}"
        )
    print(f"{len(rows)} partners", file=sys.stderr)
    return 0


def cmd_purchase(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents, parse_cents
    from pegboard.services.errors import ServiceError
    from pegboard.services.loyalty import LoyaltyService

    context = open_context(args)
    loyalty = LoyaltyService(context.settings, context.clock)
    amount = _parse(parse_cents, args.amount, "--amount")
    today = context.clock.today()
    on = _parse(lambda t: parse_date(t, today), args.date, "--date") if args.date else None
    try:
        with _atomic():
            customer_id = loyalty.find_or_create_customer(args.customer, args.create_customer)
            quote = loyalty.record_purchase(customer_id, amount, args.what, on)
    except ServiceError as error:
        hint = " (add --create-customer to create one)" if "no customer" in str(error) else ""
        raise CommandError(f"{error}{hint}") from None
    if args.json:
        record = {
            "customer": args.customer,
            "amount_before_cents": quote.list_cents,
            "discount_cents": quote.discount_cents,
            "charged_cents": quote.charged_cents,
            "rule": quote.rule or None,
            "purchase_number": quote.purchase_number,
        }
        print_json(record)
        return 0
    currency = context.settings.currency
    print(f"before     {format_cents(quote.list_cents, currency)}")
    print(f"discount   {format_cents(quote.discount_cents, currency)}  ({quote.rule or 'no rule'})")
    print(f"charged    {format_cents(quote.charged_cents, currency)}")
    return 0


def _atomic():
    from pegboard.store.models import db

    return db.atomic()


def cmd_customers(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.errors import ServiceError
    from pegboard.services.loyalty import LoyaltyService, customer_records

    context = open_context(args)
    try:
        rows = LoyaltyService(context.settings, context.clock).customers(sort=args.sort)
    except ServiceError as error:
        raise CommandError(str(error)) from None
    currency = context.settings.currency
    if args.json:
        print_json(customer_records(rows, currency))
        return 0
    for row in rows:
        flags = " ".join(
            flag for flag, on in (("ASK", row.ask_for_referral), ("LAPSED", row.lapsed)) if on
        )
        rule = row.next_rule.name if row.next_rule else "-"
        print(
            f"{row.name:<24} {row.purchases:>3} bought  "
            f"{format_cents(row.lifetime_cents, currency):>12}  last {row.last_purchase}  "
            f"next: {rule}  {flags}"
        )
    print(f"{len(rows)} customers", file=sys.stderr)
    return 0


def cmd_today(args: argparse.Namespace) -> int:
    from pegboard.services.leads import LeadService
    from pegboard.services.loyalty import LoyaltyService
    from pegboard.services.partners import PartnerService
    from pegboard.services.today import TodayService, today_records

    context = open_context(args)
    settings, clock = context.settings, context.clock
    leads = LeadService(settings, clock)
    today = TodayService(
        settings,
        clock,
        leads,
        PartnerService(settings, clock, leads),
        LoyaltyService(settings, clock),
    )
    sections = today.sections()
    if args.json:
        print_json(today_records(sections))
        return 0
    print(today.summary(sections))
    for section in sections:
        if not section.count:
            continue
        print(f"\n{section.title} ({section.count})")
        for row in section.rows:
            print(f"  {row.title}: {row.detail}")
        if section.count > len(section.rows):
            print(f"  … and {section.count - len(section.rows)} more")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pegboard.services.insights import InsightsService

    context = open_context(args)
    report = InsightsService(context.settings, context.clock).report(args.period)
    output = "json" if args.json else args.format
    if output == "json":
        print_json(report.to_json())
    elif output == "csv":
        from pegboard.report_text import write_csv

        write_csv(report, sys.stdout)
    else:
        from pegboard.report_text import render_text

        sys.stdout.write(render_text(report, context.settings.currency))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.services.export import export_book, export_follow_ups

    if not args.folder and not args.ics:
        raise CommandError("say where: a FOLDER for the tables, or --ics FILE")
    context = open_context(args)
    try:
        if args.folder:
            counts = export_book(Path(args.folder), args.format)
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            print(f"wrote {args.folder}: {summary}")
        if args.ics:
            events = export_follow_ups(Path(args.ics), context.clock.now())
            print(f"wrote {args.ics}: {events} follow-ups")
    except OSError as error:
        raise CommandError(f"cannot write: {error}") from None
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.services.importer import (
        CsvImport,
        ImportRefused,
        Mapping,
        import_book,
        is_book_folder,
    )

    context = open_context(args)
    path = Path(args.path)
    if not path.exists():
        raise CommandError(f"no such file or folder: {path}")
    progress = None
    if sys.stderr.isatty():

        def progress(rows: int) -> None:
            print(f"\r{rows} rows read…", end="", file=sys.stderr, flush=True)

    try:

        def backup() -> None:
            _backup_before(context, "import")

        if is_book_folder(path):
            counts = import_book(path, dry_run=args.dry_run, before_write=backup)
            verb = "would import" if args.dry_run else "imported"
            print(f"{verb} {', '.join(f'{count} {name}' for name, count in counts.items())}")
            return 0
        job = CsvImport(
            context.settings,
            context.clock,
            path,
            args.kind,
            Mapping.parse(args.map, context.settings),
            progress,
        )
        plan = job.run(dry_run=args.dry_run, before_write=backup)
    except ImportRefused as refused:
        if progress:
            print(file=sys.stderr)
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise CommandError(str(refused)) from None
    if progress:
        print(file=sys.stderr)
    lines = plan.lines(done=not args.dry_run)
    print(("dry run, nothing written: " if args.dry_run else "imported: ") + lines[0])
    for line in lines[1:]:
        print(line)
    return 0


def _backup_before(context: Context, what: str) -> None:
    """A copy of a SQLite file before a big change, in backups/ beside it."""
    from pegboard.store.backup import backup_before

    path = sqlite_path(context.db_target)
    if path is None:
        return
    try:
        backup_before(path, what, context.clock.now().strftime("%Y%m%dT%H%M%SZ"))
    except OSError as error:
        raise CommandError(f"no backup could be made before the {what}: {error}") from None


def _sqlite_file(context: Context, what: str):
    path = sqlite_path(context.db_target)
    if path is None:
        raise CommandError(
            f"{what} works on a SQLite file; for a server use its own tools (pg_dump)"
        )
    return path


def _daily_backup(context: Context) -> str | None:
    """The first start of a day copies the database into backups/ (the newest 14 kept).

    Run by the app in a worker once its first screen has painted (a 150 MB file takes
    about half a second to copy); returns a warning for the app to show, if it failed."""
    from pegboard.store.backup import daily_backup

    path = sqlite_path(context.db_target)
    if path is not None:
        try:
            daily_backup(path, context.clock.today())
        except OSError as error:
            return f"Daily backup failed: {error}"
    return None


def cmd_backup(args: argparse.Namespace) -> int:
    import sqlite3
    from pathlib import Path

    from pegboard.store.backup import copy_database

    context = open_context(args)
    path = _sqlite_file(context, "backup")
    stamp = context.clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = Path(args.to) if args.to else path.parent / "backups" / f"{path.stem}-{stamp}.db"
    if target.exists():
        raise CommandError(f"{target} exists already; pick another --to")
    try:
        copy_database(path, target)
    except (OSError, sqlite3.Error) as error:
        raise CommandError(f"backup failed: {error}") from None
    print(target)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.store.backup import inspect_file, restore
    from pegboard.store.database import StoreError, close_database

    target = resolve_db_target(args.db)
    path = sqlite_path(target)
    if path is None:
        raise CommandError("restore works on a SQLite file; for a server use its own tools")
    source = Path(args.path)
    try:
        inspect_file(source)
        before = inspect_file(path) if path.is_file() else None
        close_database()
        stamp = Clock().now().strftime("%Y%m%dT%H%M%SZ")
        facts, saved = restore(source, path, stamp)
    except StoreError as error:
        raise CommandError(str(error)) from None
    replaced = (
        f"{path} ({before.leads} leads, {before.contacts} contacts), saved as {saved}"
        if before
        else f"{path} (new)"
    )
    print(f"restored {source} ({facts.leads} leads, {facts.contacts} contacts) over {replaced}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from pegboard.services.check import check_database

    context = open_context(args)
    problems = check_database(context.settings)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {context.db_target}", file=sys.stderr)
        return 1
    print(f"{context.db_target}: all checks passed")
    return 0
