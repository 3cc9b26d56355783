"""Taking everything out: every table as CSV or JSON, and the open follow-ups as calendar
events. What `export` writes, `import` of the same folder takes back whole (exactly)."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from peewee import DateField, DateTimeField, Model

from pegboard.clock import instant_text
from pegboard.files import open_private, replace_private_folder, write_private_file
from pegboard.services.csv_cells import text_cell
from pegboard.services.writes import write_transaction
from pegboard.store.models import (
    Contact,
    Lead,
    Partner,
    Purchase,
    Referral,
    SchemaInfo,
    StageChange,
    Touch,
)
from pegboard.text import shown

BOOK_TABLES: tuple[tuple[str, type[Model]], ...] = (
    ("contacts", Contact),
    ("partners", Partner),
    ("leads", Lead),
    ("stage_changes", StageChange),
    ("touches", Touch),
    ("referrals", Referral),
    ("purchases", Purchase),
)
"""File name -> table, in the order an import must load them (references point back)."""


def columns_of(model: type[Model]) -> list[str]:
    return [field.column_name for field in model._meta.sorted_fields]


def export_value(field, value, for_csv: bool):
    """One value as it is written out: text for dates, ids for references."""
    if value is None:
        return "" if for_csv else None
    if isinstance(field, DateTimeField):
        return instant_text(value)
    if isinstance(field, DateField):
        return value.isoformat()
    if isinstance(value, str):
        return text_cell(value) if for_csv else value
    return value


def rows_of(model: type[Model], for_csv: bool) -> Iterator[list]:
    """Every row (archived ones too) in id order, streamed from the database."""
    fields = model._meta.sorted_fields
    query = model.select(*fields).order_by(model._meta.primary_key).tuples()
    for row in query.iterator():
        yield [
            export_value(field, value, for_csv) for field, value in zip(fields, row, strict=True)
        ]


EXPORT_NAMES = frozenset(f"{name}.{ext}" for name, _ in BOOK_TABLES for ext in ("csv", "json"))
"""The files an export folder holds: a folder with only these may be exported over."""


def is_export_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and path.name in EXPORT_NAMES


def export_book(folder: Path, fmt: str = "csv") -> dict[str, int]:
    """Write one file per table into `folder`; rows per table.

    The folder is new, empty or a previous export (replaced whole); files are private
    (0600 in a 0700 folder) and written aside first, so a failed export leaves the
    folder as it was (see `pegboard.files`)."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown format {fmt!r}: use csv or json")
    return replace_private_folder(folder, is_export_file, lambda fresh: _write_tables(fresh, fmt))


def _write_tables(folder: Path, fmt: str) -> dict[str, int]:
    counts = {}
    for name, model in BOOK_TABLES:
        with open_private(folder / f"{name}.{fmt}") as handle:
            counts[name] = _write_csv(handle, model) if fmt == "csv" else _write_json(handle, model)
    return counts


def _write_csv(handle, model: type[Model]) -> int:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(columns_of(model))
    count = 0
    for row in rows_of(model, for_csv=True):
        writer.writerow(row)
        count += 1
    return count


def _write_json(handle, model: type[Model]) -> int:
    handle.write("[")
    names = columns_of(model)
    count = 0
    for row in rows_of(model, for_csv=False):
        handle.write(",\n " if count else "\n ")
        json.dump(dict(zip(names, row, strict=True)), handle, ensure_ascii=False)
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def _ics_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, ; and , escaped, every line break
    (CR LF, LF or a bare CR, which a parser splitting on CR reads as a new line) as \\n,
    and any other control character, which TEXT may not hold, shown."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return shown(escaped)


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def book_id() -> str:
    """This book's own id, made the first time it is asked for and kept in the file: a
    follow-up's calendar UID is one per lead and book, so a rescheduled follow-up
    replaces its event, and two books' events never collide."""
    row = SchemaInfo.get_or_none(SchemaInfo.key == "book_id")
    if row is not None:
        return row.value
    with write_transaction():
        SchemaInfo.insert(key="book_id", value=uuid.uuid4().hex).on_conflict_ignore().execute()
    return SchemaInfo.get(SchemaInfo.key == "book_id").value


def _next_day(day: date) -> date:
    """The day after (an all-day event ends then); the last day there is ends itself."""
    return day + timedelta(days=1) if day < date.max else day


ICS_KINDS = ("events", "tasks")


def export_follow_ups(path: Path, now: datetime, kind: str = "events") -> int:
    """The open leads' follow-ups as all-day calendar events (one VEVENT each) or as
    tasks due that day (one VTODO each, for a task app), with the same stable UIDs."""
    if kind not in ICS_KINDS:
        raise ValueError(f"unknown kind {kind!r}: use events or tasks")
    query = (
        Lead.select(Lead.id, Lead.title, Lead.next_action, Lead.due_date, Contact.name)
        .join(Contact)
        .where(Lead.archived_at.is_null() & Lead.closed_at.is_null() & Lead.due_date.is_null(False))
        .order_by(Lead.due_date, Lead.id)
        .tuples()
    )
    book = book_id()
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pegboard//follow-ups//EN",
        "CALSCALE:GREGORIAN",
    ]
    count = 0
    for lead_id, title, action, due, name in query.iterator():
        day: date = due
        summary = f"{action or 'Follow up'}: {name}"
        component = "VEVENT" if kind == "events" else "VTODO"
        when = (
            [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{_next_day(day):%Y%m%d}"]
            if kind == "events"
            else [f"DUE;VALUE=DATE:{day:%Y%m%d}", "STATUS:NEEDS-ACTION"]
        )
        lines += [
            f"BEGIN:{component}",
            f"UID:lead-{lead_id}@{book}.pegboard",
            f"DTSTAMP:{stamp}",
            *when,
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(title)}",
            f"END:{component}",
        ]
        count += 1
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    write_private_file(path, "\r\n".join(folded) + "\r\n")
    return count
