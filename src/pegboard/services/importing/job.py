"""One import of a file from another program: every row checked, then all written."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.money import format_cents
from pegboard.services.export import BOOK_TABLES
from pegboard.services.importing.book import is_book_folder
from pegboard.services.importing.dedupe import ContactKeys
from pegboard.services.importing.plan import Plan
from pegboard.services.importing.readers import read_table
from pegboard.services.importing.rows import ImportRow, RowReader
from pegboard.services.importing.vocabulary import Mapping
from pegboard.services.importing.writer import ImportWriter
from pegboard.text import one_line

PEOPLE_SHOWN = 5
"""Rows a plan shows as what they will become."""


class CsvImport(RowReader):
    """One CSV (or vCard) import: check every row, then (unless a dry run) write them all."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        path: Path,
        kind: str = "auto",
        mapping: Mapping | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(settings, path, kind, mapping, progress)
        self.clock = clock

    def run(self, *, dry_run: bool = False, before_write: Callable[[], None] | None = None) -> Plan:
        """Check every row, then (unless a dry run, and after `before_write`, such as a
        backup) write them all."""
        plan = Plan(self.kind)
        problems: list[str] = []
        keys = ContactKeys.load()
        try:
            for row in self.rows(plan, problems):
                found = keys.find(row)
                if found is None:
                    keys.remember(row, -row.line)  # met in this file: its line, negative
                    plan.contacts_created += 1
                else:
                    # Its keys found the person: the keys it brings new find them too.
                    keys.remember(row, found)
                    plan.contacts_updated += 1
                    if found < 0:
                        plan.merge(row.line, -found)
                plan.leads_created += row.lead is not None
                plan.purchases_created += row.purchase is not None
                plan.partners_created += row.category is not None
        finally:
            keys.close()  # the write pass makes its own
        self.settle(problems)
        if problems:
            raise ImportRefused(
                f"{self.path.name}: {len(problems)} bad row(s); nothing was imported", problems
            )
        plan.people = [describe(row, self.settings) for row in self.first_rows()]
        if dry_run:
            return plan
        if before_write is not None:
            before_write()
        ImportWriter(self.settings, self.clock.now()).write(self.rows(Plan(self.kind), []))
        return plan

    def first_rows(self, count: int = PEOPLE_SHOWN) -> list[ImportRow]:
        """The first rows as they will be written (after the check pass)."""
        rows = self.rows(Plan(self.kind), [])
        try:
            return list(itertools.islice(rows, count))
        finally:
            rows.close()


def describe(row: ImportRow, settings: Settings) -> str:
    """One row as what it will become: `line 2: Jovan Petrović · Smith · jp@x.rs (and 1
    more) · +381 64 123 4567 · lead 'Website' 12,500.00 in Qualified`."""
    parts = [row.name]
    parts += [row.company] if row.company else []
    parts += [row.email] if row.email else []
    parts += [row.phone] if row.phone else []
    if row.also:
        parts.append(f"also {', '.join(row.also)}")
    if row.lead is not None:
        lead = row.lead
        value = format_cents(lead["value_cents"], settings.currency)
        stage = settings.stage(lead["stage"]).label
        parts.append(f"lead {lead['title']!r} {value} in {stage}")
    if row.purchase is not None:
        day, cents, _ = row.purchase
        parts.append(f"purchase {format_cents(cents, settings.currency)} on {day:%Y-%m-%d}")
    return f"line {row.line}: " + " · ".join(one_line(part) for part in parts)


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and how its columns will be read, before importing."""

    kind: str
    header: list[str]
    rows: list[list[str]]
    fields: dict[int, str]
    """Column index -> pegboard field; the columns missing here are not imported."""


def preview_file(
    settings: Settings,
    clock: Clock,
    path: Path,
    kind: str = "auto",
    rows: int = 8,
    mapping: Mapping | None = None,
) -> tuple[Preview, CsvImport | None]:
    """A look at `path` (a file or an export folder) and the import that would read it,
    as `mapping` says (columns, encoding, decimal mark, date order)."""
    if is_book_folder(path):
        tables = [name for name, _ in BOOK_TABLES]
        return Preview("pegboard export", ["table"], [[name] for name in tables], {}), None
    if not path.exists():
        raise ImportRefused(f"no such file: {path}")
    job = CsvImport(settings, clock, path, kind, mapping)
    _, body = read_table(path, job.mapping.encoding)
    first = []
    for _line, cells in body:
        first.append(cells)
        if len(first) >= rows:
            break
    body.close()  # the rest of the file stays unread
    read = {index: name for index, name in job.fields.items() if name in job.used}
    return Preview(job.kind, job.header, first, read), job
