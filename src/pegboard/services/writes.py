"""Every write the services make goes through one transaction helper, so that a full
disk, a read-only file or a lost server reaches the user as one clear sentence (and a
form can stay open with what was typed) instead of a crash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from peewee import InterfaceError, OperationalError

from pegboard.errors import StorageError
from pegboard.store.models import db


def describe_storage_error(error: BaseException) -> str:
    """One line for the user, from the driver's message.

    The first failure may hide behind a later one: on a full disk SQLite rolls the
    transaction back itself, and the rollback that follows reports only "no transaction
    is active". So the whole chain of errors is read.
    """
    chain = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 10:
        chain.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    text = " | ".join(chain).lower()
    if "full" in text or "no space" in text:
        return "The disk is full: nothing was saved. Save again once there is room."
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "The database is read-only: nothing was saved. Save again once it is writable."
    if "locked" in text:
        return "Another pegboard kept the database busy: nothing was saved. Save again soon."
    return f"The database could not be written ({error}): nothing was saved."


@contextmanager
def write_transaction() -> Iterator[None]:
    """db.atomic(), with storage failures raised as StorageError (a ServiceError)."""
    try:
        with db.atomic():
            yield
    except (OperationalError, InterfaceError) as error:
        raise StorageError(describe_storage_error(error)) from error
