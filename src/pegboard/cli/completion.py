"""`pegboard completion SHELL`: a completion script for bash, zsh, fish or tcsh, made
from the argument parser by shtab; stage ids and sources are completed from the
book's config.toml as the owner types (`pegboard _complete stages`)."""

from __future__ import annotations

import argparse

from pegboard.cli.parser import Commands

SHELLS = ("bash", "zsh", "fish", "tcsh")
WORDS = {"stages", "sources"}
"""What `pegboard _complete WORD` lists, one a line."""


def register(commands: Commands) -> None:
    completion = commands.add(
        "completion",
        "print a shell completion script (bash, zsh, fish, tcsh)",
        cmd_completion,
    )
    completion.add_argument("shell", choices=SHELLS)


def complete_with(word: str) -> dict:
    """An argument's completion from the book's settings (shtab's `complete`)."""
    import shtab

    return shtab.cmd(f"pegboard _complete {word}")


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    from pegboard.cli.parser import build_parser

    print(shtab.complete(build_parser(completing=True), shell=args.shell))
    return 0


def print_words(word: str) -> int:
    """The stage ids or the sources, one a line, for a completion script; nothing (and
    no error: a completion must never print one) when the config does not read."""
    from pegboard.config import load_settings
    from pegboard.errors import ConfigError
    from pegboard.paths import config_file

    if word not in WORDS:
        return 0
    try:
        settings = load_settings(config_file())
    except ConfigError:
        return 0
    print("\n".join(settings.stage_ids if word == "stages" else settings.sources))
    return 0
