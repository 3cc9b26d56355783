"""The argument parser: global options that go before or after the subcommand."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import NoReturn

from pegboard import __version__

DB_HELP = (
    "database: a SQLite file path or a URL such as sqlite:///x.db "
    "(default: $PEGBOARD_DB, else pegboard.db in the user data dir)"
)


LARGEST_ID = 2**63 - 1
"""A database id is a signed 64-bit integer (SQLite and PostgreSQL alike)."""


def record_id(text: str) -> int:
    """A lead, partner or customer id as typed: a whole number a database can hold."""
    if not text.strip().isdigit() or not 1 <= int(text) <= LARGEST_ID:
        raise argparse.ArgumentTypeError(f"not an id: {text!r} (a whole number from 1)")
    return int(text)


def count(largest: int) -> Callable[[str], int]:
    """A whole number from 0 to `largest` (--leads, --seed)."""

    def read(text: str) -> int:
        if not text.strip().isdigit() or int(text) > largest:
            raise argparse.ArgumentTypeError(f"not a whole number from 0 to {largest:,}: {text!r}")
        return int(text)

    return read


class Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class TopParser(Parser):
    """`pegboard` itself: its help ends with the environment and where the files are,
    worked out only when the help is shown (finding the user dirs costs every other
    command 4 ms)."""

    def format_help(self) -> str:
        from pegboard.cli.examples import environment

        if self.epilog is None:
            self.epilog = environment()
        return super().format_help()


def global_options() -> argparse.ArgumentParser:
    """The options every subcommand takes too, so `pegboard leads --db x.db` works as
    `pegboard --db x.db leads` does. Their default is SUPPRESS: a subcommand that was not
    given one leaves the value read before the subcommand in place."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=DB_HELP)
    return options


class Commands:
    """The subcommands of one parser; each gets the global options."""

    def __init__(
        self, parser: argparse.ArgumentParser, dest: str, *, required: bool, prefix: str = ""
    ) -> None:
        self.subparsers = parser.add_subparsers(
            dest=dest, metavar="COMMAND" if dest == "command" else "ACTION", parser_class=Parser
        )
        self.subparsers.required = required
        self.parents = [global_options()]
        self.prefix = prefix
        """The group's own name and a space (`lead `), for its actions' examples."""

    def add(self, name: str, help: str, handler=None, **kwargs) -> argparse.ArgumentParser:
        """A subcommand; `handler(args) -> exit code` runs it (leave it out for a group).
        Its --help ends with its examples (cli/examples.py)."""
        from pegboard.cli.examples import examples_of

        if epilog := examples_of(self.prefix + name):
            kwargs.setdefault("epilog", epilog)
            kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        command = self.subparsers.add_parser(name, help=help, parents=self.parents, **kwargs)
        if handler is not None:
            command.set_defaults(handler=handler)
        return command

    def group(self, name: str, help: str, dest: str) -> Commands:
        """A subcommand with actions of its own (`lead add`, `lead move`)."""
        return Commands(self.add(name, help), dest, required=True, prefix=f"{name} ")


COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "ui": ("demo",),
    "leads": ("lead", "leads"),
    "referrals": ("referral", "partners", "partner", "lineage"),
    "loyalty": ("purchase", "customers"),
    "books": ("backup", "restore", "check"),
    "contacts": ("contacts",),
    "reports": ("today", "report"),
    "transfer": ("export", "import"),
    "archive": ("archived", "unarchive"),
    "settings": ("config",),
    "serve": ("serve",),
    "assistant": ("mcp",),
    "completion": ("completion",),
}
"""Each module of `pegboard.cli` that registers subcommands, in the order --help lists
them, with the subcommands it registers (a test holds each module to its names)."""


def build_parser(
    argv: Sequence[str] | None = None, *, completing: bool = False
) -> argparse.ArgumentParser:
    """The command line; `completing` also marks the arguments whose values (stage ids,
    sources) a completion script asks pegboard for.

    Given the `argv` it will parse, only the module of its subcommand is imported and
    registered (`groups_for`): the other forty subparsers cost every command, and the
    app's start, about 10 ms (argparse looks up its message catalogue for each word of
    each parser)."""
    import importlib

    parser = TopParser(
        prog="pegboard",
        description="A keyboard-driven referral CRM.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pegboard {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", default=None, help=DB_HELP)
    parser.set_defaults(handler=_open_app)
    commands = Commands(parser, "command", required=False)
    for group in COMMAND_GROUPS if argv is None else groups_for(argv):
        importlib.import_module(f"pegboard.cli.{group}").register(commands)
    if completing:
        _complete_book_words(parser)
    return parser


def groups_for(argv: Sequence[str]) -> list[str]:
    """The modules whose subcommands parsing `argv` needs: the one of its subcommand;
    none when it names none (the app opens); all when a help option comes first or the
    word is not a subcommand, so that the help and the "invalid choice" error list
    every command."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--"):
            return list(COMMAND_GROUPS)
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            named = [group for group, names in COMMAND_GROUPS.items() if word in names]
            return named or list(COMMAND_GROUPS)
    return []


def _open_app(args: argparse.Namespace) -> int:
    """`pegboard` alone: the app (cli/ui.py, imported only then)."""
    from pegboard.cli.ui import cmd_open

    return cmd_open(args)


BOOK_WORDS = {"stage": "stages", "--stage": "stages", "--source": "sources"}
"""Arguments (by their first name) whose values come from config.toml."""


def _complete_book_words(parser: argparse.ArgumentParser) -> None:
    from pegboard.cli.completion import complete_with

    for action in parser._actions:
        names = action.option_strings or [action.dest]
        if names[0] in BOOK_WORDS:
            action.complete = complete_with(BOOK_WORDS[names[0]])
        for sub in (action.choices or {}).values() if isinstance(action.choices, dict) else ():
            _complete_book_words(sub)
