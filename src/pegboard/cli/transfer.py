"""`pegboard export` and `pegboard import`: the book out to files and files into it."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import backup_before, json_option, open_context, report
from pegboard.cli.parser import Commands
from pegboard.errors import CommandError, ImportRefused


def register(commands: Commands) -> None:
    export = commands.add(
        "export",
        "write every table to a folder (CSV or JSON), or follow-ups to a calendar",
        cmd_export,
    )
    export.add_argument("folder", nargs="?", help="the folder to write the tables into")
    export.add_argument("--format", default="csv", choices=("csv", "json"))
    export.add_argument("--ics", metavar="FILE", help="write the open follow-ups as events")
    export.add_argument(
        "--ics-as",
        choices=("events", "tasks"),
        default="events",
        help="the follow-ups as all-day events (default) or as tasks due that day (VTODO)",
    )
    export.add_argument(
        "--vcf", metavar="DIR", help="write every contact as a vCard 4.0 file into DIR (a vdir)"
    )
    json_option(export)

    import_ = commands.add(
        "import",
        "bring in a CSV (HubSpot, Pipedrive, a spreadsheet) or a pegboard export folder",
        cmd_import,
    )
    import_.add_argument("path", help="a .csv or .vcf file, or a folder written by pegboard export")
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
    import_.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's text encoding when it is not UTF-8 or UTF-16 (e.g. cp1252)",
    )
    import_.add_argument(
        "--decimal",
        choices=(".", ","),
        help="the decimal mark of every amount (default: as each column's values show)",
    )
    import_.add_argument(
        "--date-order",
        choices=("dmy", "mdy", "ymd"),
        help="how 03/12/2026 reads in every date column (default: as the values show)",
    )
    json_option(import_)


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.services.export import export_book, export_follow_ups

    if not (args.folder or args.ics or args.vcf):
        raise CommandError("say where: a FOLDER for the tables, --ics FILE or --vcf DIR")
    context = open_context(args)
    data: dict = {}
    lines = []
    try:
        if args.folder:
            counts = export_book(Path(args.folder), args.format)
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            lines.append(f"wrote {args.folder}: {summary}")
            data.update(folder=args.folder, tables=counts)
        if args.ics:
            events = export_follow_ups(Path(args.ics), context.clock.now(), args.ics_as)
            lines.append(f"wrote {args.ics}: {events} follow-ups")
            data.update(ics=args.ics, follow_ups=events)
        if args.vcf:
            from pegboard.services.export_vcards import export_vcards

            cards = export_vcards(Path(args.vcf))
            lines.append(f"wrote {args.vcf}: {cards} contacts as vCards")
            data.update(vcf=args.vcf, contacts=cards)
    except OSError as error:
        raise CommandError(f"cannot write: {error}") from None
    report(args, data, *lines)
    return 0


def _progress_printer():
    """A rows-read counter on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        return None

    def progress(rows: int) -> None:
        print(f"\r{rows} rows read…", end="", file=sys.stderr, flush=True)

    return progress


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pegboard.services.importing import CsvImport, Mapping, import_book, is_book_folder

    context = open_context(args)
    path = Path(args.path)
    if not path.exists():
        raise CommandError(f"no such file or folder: {path}")
    progress = _progress_printer()

    def backup() -> None:
        backup_before(context, "import")

    try:
        if is_book_folder(path):
            counts = import_book(
                path, dry_run=args.dry_run, before_write=backup, settings=context.settings
            )
            verb = "would import" if args.dry_run else "imported"
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            report(args, {"dry_run": args.dry_run, "tables": counts}, f"{verb} {summary}")
            return 0
        mapping = Mapping.parse(args.map, context.settings)
        mapping.encoding, mapping.decimal = args.encoding, args.decimal
        mapping.date_order = args.date_order
        job = CsvImport(context.settings, context.clock, path, args.kind, mapping, progress)
        plan = job.run(dry_run=args.dry_run, before_write=backup)
    except ImportRefused as refused:
        if progress:
            print(file=sys.stderr)
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise
    if progress:
        print(file=sys.stderr)
    lines = plan.lines(done=not args.dry_run)
    lines[0] = ("dry run, nothing written: " if args.dry_run else "imported: ") + lines[0]
    report(args, {"dry_run": args.dry_run, **plan.as_json()}, *lines)
    return 0
