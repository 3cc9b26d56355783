"""`pegboard serve`: the same app, on the same book, in a browser tab (textual-serve).

Each tab that opens the page gets an app of its own in a new process, as a second
terminal would: two tabs are two sessions on one database. The book is handed to those
processes in PEGBOARD_DB, not on their command line, so that a database URL with a
password in it is neither printed nor shown to `ps`.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys

from pegboard.cli.context import open_context
from pegboard.cli.parser import Commands
from pegboard.errors import CommandError
from pegboard.paths import DB_ENV

WEB_EXTRA = "pip install 'pegboard[web]'"
REMOTE_WARNING = (
    "warning: pegboard serve has no login. Anyone who can reach {host}:{port} can read "
    "and change this book. To use it from another machine, prefer an SSH tunnel: "
    "ssh -L {port}:127.0.0.1:{port} this-machine, then open http://127.0.0.1:{port}"
)


def register(commands: Commands) -> None:
    serve = commands.add("serve", "open the app in a browser tab (needs the web extra)", cmd_serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    serve.add_argument("--open", action="store_true", help="open the page in the browser")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on an address other machines can reach (there is no login)",
    )
    serve.add_argument(
        "--public-url",
        default=None,
        help="the address browsers reach the page at, if not http://HOST:PORT (a proxy)",
    )


def port_number(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text!r} (1 to 65535)")
    return int(text)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def page_host(host: str) -> str:
    """The host the page's own links use: this machine's name for a wildcard address."""
    if host in ("0.0.0.0", "::", ""):
        import socket

        return socket.gethostname()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def cmd_serve(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.allow_remote:
        raise CommandError(
            f"{args.host} can be reached from other machines and pegboard serve has no "
            "login: add --allow-remote to serve it anyway, or use an SSH tunnel"
        )
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CommandError(f"serve needs the web extra: {WEB_EXTRA}") from None
    context = open_context(args)  # the book is opened (and migrated) once, here
    os.environ[DB_ENV] = context.db_target
    if not is_loopback(args.host):
        print(REMOTE_WARNING.format(host=args.host, port=args.port), file=sys.stderr)
    url = args.public_url or f"http://{page_host(args.host)}:{args.port}"
    server = Server(
        f"{shlex.quote(sys.executable)} -m pegboard",
        host=args.host,
        port=args.port,
        title="pegboard",
        public_url=url,
    )
    if args.open:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()  # once it is listening
    try:
        server.serve()
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    return 0
