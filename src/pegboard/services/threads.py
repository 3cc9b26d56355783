"""Reads for a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pegboard.store.models import db

T = TypeVar("T")


def on_own_connection(read: Callable[[], T]) -> T:
    """`read()` on a connection opened for it and closed after: a worker thread's reads
    must not share the UI thread's connection, nor leave one open behind them."""
    with db.connection_context():
        return read()
