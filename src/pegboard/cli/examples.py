"""The examples each command's --help ends with, and what the top-level help says
about the environment and where the files are."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "demo": (
        "pegboard --db /tmp/demo.db demo --open",
        "pegboard --db /tmp/big.db demo --leads 10000",
    ),
    "lead add": (
        'pegboard lead add "Ann Lee" --company "Lee & Co" --phone "555-010-0177" --value 1200',
        'pegboard lead add "Bo Ray" --source referral --due fri --next-action "Call back"',
    ),
    "lead move": ("pegboard lead move 12 qualified", "pegboard lead move 12 won --value 2400"),
    "lead touch": (
        'pegboard lead touch 12 --kind email --note "Sent the proposal"',
        'pegboard lead touch 12 --note "Left a message" --next-action "Call back" --due fri',
    ),
    "leads": ("pegboard leads --stage new", "pegboard leads --json | jq '.[].contact'"),
    "referral log": (
        'pegboard referral log --partner "Dana Keller" --received --person "Gina Ruiz" '
        '--phone "555-0199 ext 12"',
        'pegboard referral log --partner "Dana Keller" --given --person "Eli Moss"',
    ),
    "partners": ("pegboard partners --sort balance", "pegboard partners --sort network --json"),
    "partner met": (
        'pegboard partner met "Dana Keller" --note "Wants more bakeries"',
        'pegboard partner met "Dana Keller" --at 2026-11-20',
    ),
    "partner brief": (
        'pegboard partner brief "Dana Keller"',
        'pegboard partner brief "Dana Keller" --period all --format markdown > dana.md',
    ),
    "lineage": ('pegboard lineage "Dana Keller"', 'pegboard lineage "Dana Keller" --json'),
    "purchase add": (
        'pegboard purchase add --customer "Ann Lee" --amount 120.00 --what Candles',
        'pegboard purchase add --customer "New Walk-in" --amount 45 --create-customer',
    ),
    "customers": ("pegboard customers", "pegboard customers --json"),
    "today": ("pegboard today", "pegboard today --json"),
    "report": ("pegboard report --period 90d", "pegboard report --json"),
    "backup": ("pegboard backup", "pegboard backup --to ~/safe/book.db"),
    "restore": ("pegboard restore ~/safe/book.db",),
    "check": ("pegboard check", "pegboard check --rebuild-summaries", "pegboard check --json"),
    "export": (
        "pegboard export ~/book-export",
        "pegboard export --ics ~/follow-ups.ics --vcf ~/.contacts/pegboard",
    ),
    "import": (
        "pegboard import contacts.vcf --dry-run",
        "pegboard import outlook.csv --encoding cp1252",
        "pegboard import deals.csv --decimal , --date-order dmy --map 'Betrag=value'",
    ),
    "archived": ("pegboard archived", "pegboard archived --json"),
    "unarchive": ("pegboard unarchive lead 12",),
    "config": ("pegboard config", "pegboard config --edit"),
    "contacts duplicates": ("pegboard contacts duplicates", "pegboard contacts duplicates --json"),
    "contacts merge": ("pegboard contacts merge 12 48",),
    "contacts unmerge": ("pegboard contacts unmerge 48",),
    "mcp": ("pegboard mcp --read-only", "pegboard mcp --history"),
    "serve": ("pegboard serve --open", "pegboard --db ~/shop.db serve --port 8080"),
    "completion": (
        "pegboard completion bash > ~/.local/share/bash-completion/completions/pegboard",
        "pegboard completion zsh > ~/.zfunc/_pegboard",
        "pegboard completion fish > ~/.config/fish/completions/pegboard.fish",
    ),
}

ENVIRONMENT = """\
environment:
  PEGBOARD_DB          the database (a file path or a URL) when --db is not given
  PEGBOARD_CONFIG_DIR  where config.toml is (default: the user config dir)
  PEGBOARD_DATA_DIR    where pegboard.db and backups/ are (default: the user data dir)
  EDITOR, VISUAL       the editor `pegboard config --edit` opens

files:
  {config}
  {data}

examples:
  pegboard                          open the app on Today
  pegboard today                    print today's list
  pegboard import contacts.vcf      bring contacts in (see pegboard import --help)"""


def examples_of(command: str) -> str | None:
    """The --help epilog of a command (`lead add`), or None."""
    lines = EXAMPLES.get(command)
    if not lines:
        return None
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def environment() -> str:
    from pegboard.paths import config_file, default_db_path

    return ENVIRONMENT.format(config=config_file(), data=default_db_path())
