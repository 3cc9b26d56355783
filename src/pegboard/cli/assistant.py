"""`pegboard mcp`: the book for an AI assistant, as an MCP server over stdio (the mcp
extra), and `pegboard mcp --history`: what assistants changed."""

from __future__ import annotations

import argparse
import sys

from pegboard.cli.context import open_context, print_json
from pegboard.cli.parser import Commands
from pegboard.errors import CommandError

MCP_EXTRA = "pip install 'pegboard[mcp]'"


def register(commands: Commands) -> None:
    mcp = commands.add(
        "mcp", "serve the book to an AI assistant over stdio (needs the mcp extra)", cmd_mcp
    )
    writes = mcp.add_mutually_exclusive_group()
    writes.add_argument(
        "--read-only", action="store_true", help="refuse every write, whatever config.toml says"
    )
    writes.add_argument(
        "--allow-writes",
        action="store_true",
        help="let it log referrals and touches, move leads and record purchases",
    )
    mcp.add_argument(
        "--history",
        action="store_true",
        help="print what assistants changed, newest first, instead of serving",
    )
    mcp.add_argument("--json", action="store_true", help="with --history: JSON for scripts")


def cmd_mcp(args: argparse.Namespace) -> int:
    if args.history:
        return print_history(args)
    try:
        import mcp.server.mcpserver  # noqa: F401
    except ImportError:
        raise CommandError(f"mcp needs the mcp extra: {MCP_EXTRA}") from None
    from pegboard.assistant.server import build_server
    from pegboard.assistant.tools import BookTools

    context = open_context(args)
    writes = not args.read_only and (args.allow_writes or context.settings.assistant_writes)
    tools = BookTools(context.services, context.settings, context.clock, writes=writes)
    mode = "reads and writes" if writes else "read-only"
    print(f"pegboard mcp: serving the book over stdio ({mode})", file=sys.stderr)
    build_server(tools).run("stdio")
    return 0


def print_history(args: argparse.Namespace) -> int:
    from pegboard.services.assistant_log import assistant_writes

    open_context(args)  # the book to read
    rows, total = assistant_writes()
    if args.json:
        print_json({"writes": rows, "total": total})
        return 0
    for row in rows:
        print(f"{row['at']}  {row['tool']:<16} {row['summary']}")
    print(f"{total} writes by assistants", file=sys.stderr)
    return 0
