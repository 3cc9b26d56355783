"""What an import will do, in words: the counts, the values translated, the rows that
are one person, the columns left unread (with their first values, so the owner can
--map them) and what the first rows will become."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MOST_LISTED = 20
"""Merged rows listed by line; beyond it, counted."""
SAMPLES = 2
"""First values shown of each column left unread."""


@dataclass
class Plan:
    """What an import will do (a dry run prints it)."""

    kind: str
    rows: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    leads_created: int = 0
    partners_created: int = 0
    """Rows that make their contact a partner (one already a partner stays as is)."""
    purchases_created: int = 0
    skipped: int = 0
    mapped: Counter = field(default_factory=Counter)
    """(what, from, to) -> rows, for stage and source values that were translated."""
    unmatched_columns: dict[str, list[str]] = field(default_factory=dict)
    """Column -> its first values, for the columns not imported."""
    merged: list[tuple[int, int]] = field(default_factory=list)
    """(line, line of the row it is the same person as), for rows met twice in the file."""
    merged_count: int = 0
    people: list[str] = field(default_factory=list)
    """The first rows as what they will become, one line each."""

    def as_json(self) -> dict:
        """The plan as data (`pegboard import --json`)."""
        return {
            "kind": self.kind,
            "rows": self.rows,
            "contacts_created": self.contacts_created,
            "contacts_updated": self.contacts_updated,
            "leads_created": self.leads_created,
            "partners_created": self.partners_created,
            "purchases_created": self.purchases_created,
            "skipped": self.skipped,
            "translated": [
                {"what": what, "from": found, "to": to, "rows": count}
                for (what, found, to), count in sorted(self.mapped.items())
            ],
            "merged": [{"line": line, "into": into} for line, into in self.merged],
            "merged_count": self.merged_count,
            "columns_not_imported": self.unmatched_columns,
            "first_rows": self.people,
        }

    def merge(self, line: int, into: int) -> None:
        self.merged_count += 1
        if len(self.merged) < MOST_LISTED:
            self.merged.append((line, into))

    def lines(self, done: bool = False) -> list[str]:
        """The plan in words: what will be done, or (done) what was."""
        create, update = ("created", "updated") if done else ("to create", "to update")
        out = [
            f"{self.rows} rows as {self.kind}: {self.contacts_created} contacts {create}, "
            f"{self.contacts_updated} {update} (same email, phone, or name and company), "
            f"{self.leads_created} leads {create}, {self.skipped} rows skipped"
        ]
        if self.kind == "partners":
            out[0] += f"; {self.partners_created} rows name partners"
        if self.kind == "purchases":
            out[0] += f"; {self.purchases_created} purchases {create}"
        for (what, found, to), count in sorted(self.mapped.items()):
            out.append(f"  {what} {found!r} -> {to!r} ({count} rows)")
        if self.merged_count:
            pairs = ", ".join(f"line {line} into line {into}" for line, into in self.merged)
            more = self.merged_count - len(self.merged)
            out.append(
                f"  {self.merged_count} rows are a person met earlier in the file, their "
                f"details merged: {pairs}" + (f" and {more} more" if more > 0 else "")
            )
        with_values = {c: v for c, v in self.unmatched_columns.items() if v}
        if with_values:
            shown = ", ".join(
                f"{column} ({', '.join(repr(v) for v in values)})"
                for column, values in with_values.items()
            )
            empty = len(self.unmatched_columns) - len(with_values)
            out.append(
                f"  columns not imported (use --map COLUMN=FIELD to read one): {shown}"
                + (f"; and {empty} empty columns" if empty else "")
            )
        if self.people and not done:
            out.append("  the first rows will become:")
            out += [f"    {person}" for person in self.people]
        return out
