"""`pegboard config`: where config.toml is, whether it reads, and opening it to edit."""

from __future__ import annotations

import argparse

from pegboard.cli.context import print_json
from pegboard.cli.parser import Commands
from pegboard.errors import CommandError, ConfigError


def register(commands: Commands) -> None:
    config = commands.add(
        "config",
        "say where config.toml is and check it (every problem with its line)",
        cmd_config,
    )
    config.add_argument(
        "--edit", action="store_true", help="open it in $VISUAL or $EDITOR, then check it"
    )
    config.add_argument("--json", action="store_true", help="path, whether it exists, problem")


def cmd_config(args: argparse.Namespace) -> int:
    from pegboard.config import load_settings
    from pegboard.paths import config_file

    path = config_file()
    if args.edit:
        _edit(path)
    problem = None
    try:
        load_settings(path)
    except ConfigError as error:
        problem = error
    if args.json:
        print_json({"path": str(path), "exists": path.exists(), "problem": _shown(problem)})
        return 2 if problem else 0
    print(path if path.exists() else f"{path} (not written yet: the defaults apply)")
    if problem is not None:
        raise problem
    print("no problems")
    return 0


def _edit(path) -> None:
    """The owner's editor on the file (written with its comments first, if new)."""
    import os
    import shlex
    import subprocess

    from pegboard.config.writer import ensure_config_file

    if not path.exists():
        ensure_config_file(path)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as error:
        raise CommandError(f"cannot run the editor {editor!r}: {error.strerror}") from None


def _shown(problem: ConfigError | None) -> dict | None:
    if problem is None:
        return None
    return {"line": problem.line, "message": problem.message}
