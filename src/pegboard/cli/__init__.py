"""The command line: one module per command group, each registering its subcommands.

Commands that do not open the UI never import Textual, so they start about as fast as
Python and peewee do: every module here imports services only inside its handlers.
"""

from pegboard.cli.entry import main

__all__ = ["main"]
