"""One import of a file from another program: every row checked, then all written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.services.export import BOOK_TABLES
from pegboard.services.importing.book import is_book_folder
from pegboard.services.importing.dedupe import ContactKeys
from pegboard.services.importing.readers import read_table
from pegboard.services.importing.rows import Plan, RowReader
from pegboard.services.importing.vocabulary import Mapping
from pegboard.services.importing.writer import ImportWriter


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
        matched = set(self.fields)
        plan.unmatched_columns = [h for i, h in enumerate(self.header) if i not in matched]
        problems: list[str] = []
        keys = ContactKeys.load()
        try:
            for row in self.rows(plan, problems):
                if keys.find(row) is None:
                    keys.add(row, 0)  # 0: seen in this file; the id comes when written
                    plan.contacts_created += 1
                else:
                    plan.contacts_updated += 1
                plan.leads_created += row.lead is not None
                plan.purchases_created += row.purchase is not None
                plan.partners_created += row.category is not None
        finally:
            keys.close()  # the write pass makes its own
        if problems:
            raise ImportRefused(
                f"{self.path.name}: {len(problems)} bad row(s); nothing was imported", problems
            )
        if dry_run:
            return plan
        if before_write is not None:
            before_write()
        ImportWriter(self.settings, self.clock.now()).write(self.rows(Plan(self.kind), []))
        return plan


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and how its columns will be read, before importing."""

    kind: str
    header: list[str]
    rows: list[list[str]]
    fields: dict[int, str]
    """Column index -> pegboard field; the columns missing here are not imported."""


def preview_file(
    settings: Settings, clock: Clock, path: Path, kind: str = "auto", rows: int = 8
) -> tuple[Preview, CsvImport | None]:
    """A look at `path` (a file or an export folder) and the import that would read it."""
    if is_book_folder(path):
        tables = [name for name, _ in BOOK_TABLES]
        return Preview("pegboard export", ["table"], [[name] for name in tables], {}), None
    if not path.is_file():
        raise ImportRefused(f"no such file: {path}")
    job = CsvImport(settings, clock, path, kind)
    _, body = read_table(path)
    first = []
    for _line, cells in body:
        first.append(cells)
        if len(first) >= rows:
            break
    body.close()  # the rest of the file stays unread
    return Preview(job.kind, job.header, first, job.fields), job
