"""`pegboard purchase add` and `pegboard customers`."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import open_context, print_json
from pegboard.cli.parser import Commands
from pegboard.text import ljust_display


def register(commands: Commands) -> None:
    purchase = commands.group("purchase", "record a purchase", "purchase_command")
    add = purchase.add(
        "add", "record a purchase with the loyalty discount it earns", cmd_purchase_add
    )
    add.add_argument("--customer", required=True, help="the customer's name")
    add.add_argument("--amount", required=True, help="the price before discount")
    add.add_argument("--what", default="", help="what was bought")
    add.add_argument("--date", default=None, help="when (default today): YYYY-MM-DD")
    add.add_argument(
        "--create-customer", action="store_true", help="create the customer if there is none"
    )
    add.add_argument("--json", action="store_true", help="JSON for scripts")

    customers = commands.add("customers", "list customers with their next discount", cmd_customers)
    customers.add_argument(
        "--sort", default="last", help="name, purchases, lifetime or last (default last)"
    )
    customers.add_argument("--json", action="store_true", help="JSON for scripts")


def cmd_purchase_add(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services import requests

    context = open_context(args)
    bought = requests.record_purchase(
        context.services.loyalty,
        customer=args.customer,
        amount=args.amount,
        what=args.what,
        date=args.date,
        create_customer=args.create_customer,
    )
    if args.json:
        print_json(bought)
        return 0
    currency = context.settings.currency
    print(f"before     {format_cents(bought['amount_before_cents'], currency)}")
    print(
        f"discount   {format_cents(bought['discount_cents'], currency)}  "
        f"({bought['rule'] or 'no rule'})"
    )
    print(f"charged    {format_cents(bought['charged_cents'], currency)}")
    return 0


def cmd_customers(args: argparse.Namespace) -> int:
    from pegboard.money import format_cents
    from pegboard.services.customer_views import customer_records

    context = open_context(args)
    rows = context.services.loyalty.customers(sort=args.sort)
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
            f"{ljust_display(row.name, 24)} {row.purchases:>3} bought  "
            f"{format_cents(row.lifetime_cents, currency):>12}  last {row.last_purchase}  "
            f"next: {rule}  {flags}"
        )
    print(f"{len(rows)} customers", file=sys.stderr)
    return 0
