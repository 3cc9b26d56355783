"""Who is already in the book, and who came earlier in the file: one person once."""

from __future__ import annotations

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
            Contact.select(
                Contact.id, Contact.name_key, Contact.company_key, Contact.email, Contact.phone_key
            )
            .where(Contact.archived_at.is_null())
            .tuples()
        )
        keys.map.add_many(
            (key, contact_id)
            for contact_id, name_key, company_key, email, phone in query.iterator()
            for key in cls._keys(name_key, company_key, email, phone)
        )
        return keys

    @staticmethod
    def _keys(name_key: str, company_key: str, email: str, phone_key: str) -> list[str]:
        """A person's keys, most telling first: the email, the phone's match key (one
        number however it is written), the folded name and company."""
        keys = []
        if email:
            keys.append("e:" + email.casefold())
        if phone_key:
            keys.append("p:" + phone_key)
        keys.append(f"n:{name_key}\x1f{company_key}")
        return keys

    @classmethod
    def _row_keys(cls, row: ImportRow) -> list[str]:
        return cls._keys(row.name_key, row.company_key, row.email, row.phone_key)

    def find(self, row: ImportRow) -> int | None:
        for key in self._row_keys(row):
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
        for key in self._row_keys(row):
            if self.map.add(key, contact_id) and contact_id < 0:
                self.pending.append(key)

    def remember(self, row: ImportRow, value: int) -> None:
        """Remember a row's keys with a value of the caller's (the check pass keeps the
        row's line), where no other row's are."""
        for key in self._row_keys(row):
            self.map.add(key, value)

    def close(self) -> None:
        self.map.close()
