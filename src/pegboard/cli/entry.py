"""`pegboard` itself: parse, run the command, and turn every error into one line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from pegboard.errors import PegboardError
from pegboard.paths import resolve_db_target, sqlite_path
from pegboard.text import VisibleControls, control_characters, one_line

SERVER_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg", "pymysql", "MySQLdb")
"""The database drivers peewee tries to import as it is imported itself."""


def main(argv: Sequence[str] | None = None) -> int:
    from pegboard.cli.parser import build_parser

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_complete"] and len(argv) == 2:
        from pegboard.cli.completion import print_words

        try:
            code = print_words(argv[1])  # for completion scripts: fast, no parser, no database
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            return _reader_went_away()
    refusal = next((problem for arg in argv if (problem := _refused_argument(arg))), None)
    if refusal is not None:
        print(f"pegboard: error: {refusal}; nothing was done", file=sys.stderr)
        return 2
    args = build_parser(argv).parse_args(argv)
    skip_server_drivers(resolve_db_target(args.db))
    stdout = sys.stdout
    sys.stdout = VisibleControls(stdout)
    try:
        code = args.handler(args)
        # Here, not at exit: a reader that went away is then caught below as such, and
        # not reported by Python as an exception it ignored (exit 120).
        stdout.flush()
        return code
    except PegboardError as error:
        print(f"pegboard: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _reader_went_away()
    except Exception as error:
        if os.environ.get("PEGBOARD_DEBUG"):
            raise
        print(
            f"pegboard: internal error (a bug in pegboard, please report it): "
            f"{type(error).__name__}: {one_line(str(error))} (PEGBOARD_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return 2
    finally:
        sys.stdout = stdout


def _reader_went_away() -> int:
    """The reader of our output went away (`pegboard report | head`): not an error of
    ours. What is left to flush goes nowhere, so Python's exit does not fail on it."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


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


def _refused_argument(arg: str) -> str | None:
    """Why an argument cannot be taken, or None. Bytes that are not UTF-8 reach Python
    as lone surrogates, which cannot be stored; control characters would reach a
    terminal later (see pegboard.text)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return f"an argument is not UTF-8 text ({one_line(shown)!r})"
    if found := control_characters(arg, lines=True):
        return f"an argument holds control characters ({', '.join(found)}): {one_line(arg)!r}"
    return None
