"""`pegboard today` and `pegboard report`: the triage list and the Insights figures."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import open_context, print_json
from pegboard.cli.parser import Commands


def register(commands: Commands) -> None:
    today = commands.add("today", "print today's triage list", cmd_today)
    today.add_argument("--json", action="store_true", help="JSON for scripts")

    report = commands.add(
        "report", "print the Insights figures: sources, referrals, funnel, goal", cmd_report
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


def cmd_today(args: argparse.Namespace) -> int:
    from pegboard.services.today import today_records

    context = open_context(args)
    today = context.services.today
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
    context = open_context(args)
    report = context.services.insights.report(args.period)
    output = "json" if args.json else args.format
    if output == "json":
        print_json(report.to_json())
    elif output == "csv":
        from pegboard.services.report_text import write_csv

        write_csv(report, sys.stdout)
    else:
        from pegboard.services.report_text import render_text

        sys.stdout.write(render_text(report, context.settings.currency))
    return 0
