"""Files pegboard writes for the owner (exports, calendars): private (0600 in a 0700
folder, whatever the umask), never through a symlink, never over a file it did not
make, and whole or not at all (written aside, then renamed into place)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TypeVar

from pegboard.errors import CommandError

T = TypeVar("T")

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def open_private(path: Path) -> IO[str]:
    """A new text file at `path`, 0600; refuses an existing file or a symlink there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)  # the umask may have taken bits away, never added
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` whole: aside first, then renamed over it. A symlink at `path`
    is refused rather than followed; a regular file there (an earlier export the owner
    named again) is replaced."""
    if path.is_symlink():
        raise CommandError(f"{path} is a symlink; pegboard writes only plain files")
    if path.exists() and not path.is_file():
        raise CommandError(f"{path} is not a file")
    aside = _aside(path, "partial")
    try:
        with open_private(aside) as handle:
            handle.write(text)
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def replace_private_folder(
    folder: Path, owned: Callable[[Path], bool], write_into: Callable[[Path], T]
) -> T:
    """Fill a new private folder with `write_into`, then put it at `folder`.

    `folder` may be missing or empty, or hold only files `owned` says pegboard made (a
    previous export), which are then replaced whole; anything else in it, or a symlink
    at it or in it, is refused before anything is written. If writing fails, `folder`
    is as it was."""
    _check_replaceable(folder, owned)
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = _aside(folder, "partial")
    fresh.mkdir(mode=PRIVATE_FOLDER)
    old = None
    try:
        os.chmod(fresh, PRIVATE_FOLDER)
        result = write_into(fresh)
        if folder.exists():
            old = _aside(folder, "old")
            os.rename(folder, old)
        os.rename(fresh, folder)
    except BaseException:
        if old is not None and not folder.exists():
            os.rename(old, folder)
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result


def _check_replaceable(folder: Path, owned: Callable[[Path], bool]) -> None:
    if folder.is_symlink():
        raise CommandError(f"{folder} is a symlink; export into a real folder")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise CommandError(f"{folder} is a file, not a folder")
    strangers = [entry.name for entry in _entries(folder) if entry.is_symlink() or not owned(entry)]
    if strangers:
        listed = ", ".join(sorted(strangers)[:5])
        raise CommandError(
            f"{folder} holds files that are not a pegboard export ({listed}); "
            "export into an empty or new folder"
        )


def _entries(folder: Path) -> Iterable[Path]:
    return list(folder.iterdir())


def _aside(path: Path, what: str) -> Path:
    """A name beside `path` of this process's own, for work in progress."""
    return path.with_name(f".{path.name}.{what}-{os.getpid()}")
