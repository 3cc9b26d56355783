"""Who is already in the book, and who came earlier in the file: one person once."""

from __future__ import annotations

import re

from pegboard.services.importing.rows import ImportRow
from pegboard.store.models import Contact
from pegboard.store.scratch import DiskMap


class ContactKeys:
    """Who is already there, and who came earlier in the file: by email, by phone
    (digits), and by name and company. Kept on disk (DiskMap), so memory stays flat
    however many people the book and the file hold."""

    def __init__(self) -> None:
        self.map = DiskMap()
        self.pending: list[str] = []
        """Keys set to a placeholder (-n: the n-th new contact of the chunk)."""

    @classmethod
    def load(cls) -> ContactKeys:
        keys = cls()
        query = (
            Contact.select(Contact.id, Contact.name, Contact.company, Contact.email, Contact.phone)
            .where(Contact.archived_at.is_null())
            .tuples()
        )
        keys.map.add_many(
            (key, contact_id)
            for contact_id, name, company, email, phone in query.iterator()
            for key in cls._keys(ImportRow(name, company, email, phone, "", None))
        )
        return keys

    @staticmethod
    def _keys(row: ImportRow) -> list[str]:
        """The row's keys, most telling first."""
        keys = []
        if row.email:
            keys.append("e:" + row.email.casefold())
        digits = re.sub(r"\D", "", row.phone)
        if len(digits) >= 6:
            keys.append("p:" + digits)
        keys.append(f"n:{row.name.casefold()}\x1f{row.company.casefold()}")
        return keys

    def find(self, row: ImportRow) -> int | None:
        for key in self._keys(row):
            found = self.map.get(key)
            if found is not None:
                return found
        return None

    def settle(self, ids: list[int]) -> None:
        """The chunk's new contacts have their ids now: -n becomes ids[n - 1]."""
        for key in self.pending:
            self.map.set(key, ids[-self.map.get(key) - 1])
        self.pending.clear()

    def add(self, row: ImportRow, contact_id: int) -> None:
        """Remember a contact's keys; a negative id is a placeholder until settle()."""
        for key in self._keys(row):
            if self.map.add(key, contact_id) and contact_id < 0:
                self.pending.append(key)

    def close(self) -> None:
        self.map.close()
