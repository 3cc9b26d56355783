"""The one error tree: every exception a user may see is a PegboardError.

Each front door catches PegboardError once: the CLI prints one line on stderr and
exits 2, the app shows one notification. Any other exception that reaches a front door
is a bug in pegboard and is reported as one.

    PegboardError
    ├── ConfigError       config.toml cannot be used (file, line, what is wrong)
    ├── StoreError        the database cannot be used as asked
    │   ├── SchemaTooNew  a file written by a newer pegboard
    │   └── StorageError  a write was refused (full disk, read-only, lost server); also a DomainError
    ├── DomainError       a request breaks a domain rule (alias ServiceError)
    │   ├── NotFound
    │   ├── EditConflict
    │   └── ImportRefused a file that cannot be imported as it is; names each bad row
    └── CommandError      a command line that cannot be carried out
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class PegboardError(Exception):
    """A one-line message meant for the user, as it is."""

    title = "pegboard"
    """A short heading for the app's notification."""


class ConfigError(PegboardError):
    """A config file that cannot be used; says which file, where, and what is wrong."""

    title = "config.toml"

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}: line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class StoreError(PegboardError):
    """The database cannot be used as asked; the message says why, in one line."""

    title = "Database"


class SchemaTooNew(StoreError):
    """The file was written by a newer pegboard; it is refused, not migrated back."""


class DomainError(PegboardError, ValueError):
    """A request that breaks a domain rule; the message is for the user, one line.

    Also a ValueError, as a bad value is what it reports (callers that parse input and
    catch ValueError see it too)."""


ServiceError = DomainError
"""The name the services have always raised it under."""


class NotFound(DomainError):
    """The record asked for does not exist (or is archived)."""


class EditConflict(DomainError):
    """The record changed (in another window or process) since the edit began."""


class StorageError(StoreError, DomainError):
    """The database would not take a write: the disk is full, the file is read-only, or
    the server went away. Nothing was saved; what the user typed must be kept."""


class ImportRefused(DomainError):
    """The file cannot be imported as it is; `problems` names each bad row."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class CommandError(PegboardError):
    """A command line that cannot be carried out; the command exits with code 2."""
