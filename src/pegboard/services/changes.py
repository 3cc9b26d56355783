"""Notice writes made by another pegboard window or a script, so the open screen can refresh."""

from __future__ import annotations

from pegboard.store.database import data_version


class ChangeWatcher:
    """Polled by the app; `changed()` is true once after another process committed."""

    def __init__(self) -> None:
        self.seen = data_version()

    def changed(self) -> bool:
        now = data_version()
        if now is None or now == self.seen:
            return False
        self.seen = now
        return True
