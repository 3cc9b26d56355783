"""Independent read queries side by side, each on a connection of its own.

SQLite (in WAL mode) and PostgreSQL serve several readers at once, and the
database driver lets go of Python's lock while a query runs, so a report made
of a dozen aggregates takes about as long as its slowest half on two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pegboard.store.models import db

READERS = 2
"""Threads at once: this is a laptop app; two leave the rest of the machine alone."""


def in_parallel(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run each read-only job on its own connection; their results by name.

    The jobs see what is committed: call this outside a write transaction.
    """

    def run(job: Callable[[], Any]) -> Any:
        with db.connection_context():
            return job()

    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="pegboard-read") as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
