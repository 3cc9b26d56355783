"""An import's rows: cells to typed rows and problems, with no database in sight.

Each row is checked (names, amounts, dates) and translated (stages and sources from other
programs' words), and every problem is one line naming the row, column and value. The
same reading serves the check pass and the write pass, so both see the same rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pegboard.clock import to_utc
from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.phones import phone_key
from pegboard.services.csv_cells import unguarded_cell
from pegboard.services.importing.formats import AmountColumn, DateColumn, local_day
from pegboard.services.importing.plan import SAMPLES, Plan
from pegboard.services.importing.readers import read_table
from pegboard.services.importing.vcards import MANY
from pegboard.services.importing.vocabulary import (
    MANY_COLUMNS,
    SOURCE_WORDS,
    STAGE_WORDS,
    Mapping,
    column_fields,
    is_deals_file,
    word,
)
from pegboard.text import control_characters, folded, one_line

KINDS = ("auto", "contacts", "leads", "partners", "purchases")
DATE_FIELDS = ("created", "closed", "due", "purchased_on")
PERSON_FIELDS = {"name", "first_name", "last_name", "email"}
PERSON_COLUMNS = {*PERSON_FIELDS, "middle_name", "company", "job_title", "phone", "notes"}
USED_BY_KIND = {
    "contacts": PERSON_COLUMNS,
    "partners": {*PERSON_COLUMNS, "category"},
    "purchases": {*PERSON_COLUMNS, "purchased_on", "value", "currency", "what"},
    "leads": {
        *PERSON_COLUMNS,
        *("title", "stage", "status", "source", "value", "currency", "created", "closed", "due"),
        *("next_action", "lost_reason"),
    },
}
"""The fields each kind of import reads: a column of any other field (a deal's title in
a contacts file, Outlook's honorific "Title") is listed as not imported, never dropped
without a word."""
NAME_AND_EMAIL = re.compile(r"^(.*?)\s*\(([^()\s]+@[^()\s]+)\)$")
"""A name with its email after it in brackets, as HubSpot writes an associated contact."""
STAND_IN = datetime(2000, 1, 1)
"""A date's place in the check pass, before its column's reading is known."""


@dataclass
class ImportRow:
    """One row as read: the person, and the lead, partner or purchase it brings."""

    name: str
    company: str
    email: str
    phone: str
    notes: str
    lead: dict | None
    category: str | None = None
    """For a partners import: the row makes the contact a partner (of this category)."""
    purchase: tuple[date, int, str] | None = None
    """For a purchases import: (day, amount in cents, what)."""
    phone_key: str = ""
    """The phone's match key in the book's region (phones.phone_key)."""
    also: tuple[str, ...] = ()
    """The person's other emails and phones, as written (the first of each is the main)."""
    line: int = 0
    """The line of the file the row starts on."""
    name_key: str = ""
    company_key: str = ""
    """The name and company folded (text.folded), as the book compares them."""


class RowReader:
    """A file's rows as pegboard reads them: each checked and translated (stages, sources,
    amounts, dates), the bad ones named. Reads the file and the settings, never the book."""

    def __init__(
        self,
        settings: Settings,
        path: Path,
        kind: str = "auto",
        mapping: Mapping | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ImportRefused(f"unknown kind {kind!r}: use {', '.join(KINDS)}")
        self.settings = settings
        self.path = path
        self.mapping = mapping or Mapping()
        self.progress = progress
        self._stages_seen: dict[tuple[str, str], tuple[str, tuple | None]] = {}
        self._sources_seen: dict[str, tuple[str, tuple | None]] = {}
        header, _ = read_table(path, self.mapping.encoding)
        self.header = header
        self.fields = column_fields(header, self.mapping)
        found = set(self.fields.values())
        if kind == "auto":
            kind = "leads" if is_deals_file(header, self.mapping) else "contacts"
        self.kind = kind
        self.used = USED_BY_KIND[kind]
        if not (PERSON_FIELDS & found) and "company" not in found:
            raise ImportRefused(
                f"{path.name}: no column names the person (Name, First Name / Last Name, "
                f"Email or Company); the columns are {', '.join(header)}. Use --map COLUMN=name"
            )
        self.amounts = AmountColumn(self._column("value"), settings.currency, self.mapping.decimal)
        self.dates = {
            name: DateColumn(self._column(name), self.mapping.date_order) for name in DATE_FIELDS
        }
        self.settled = False
        """Whether the check pass has picked each column's reading (see formats.py)."""

    def settle(self, problems: list[str]) -> None:
        """After the check pass: each amount and date column's reading, or its refusal."""
        self.amounts.settle(problems)
        for column in self.dates.values():
            column.settle(problems)
        self.settled = True

    def _stage(self, raw: str, status: str, plan: Plan) -> str:
        return self._memo(
            self._stages_seen, (raw, status), lambda: self._translate_stage(raw, status), plan
        )

    def _source(self, raw: str, plan: Plan) -> str:
        return self._memo(self._sources_seen, raw, lambda: self._translate_source(raw), plan)

    @staticmethod
    def _memo(cache: dict, key, translate, plan: Plan) -> str:
        """A translation worked out once per distinct value (a file has few); each row it
        is used for still counts in the plan's list of translated values."""
        if key not in cache:
            cache[key] = translate()
        value, note = cache[key]
        if note is not None:
            plan.mapped[note] += 1
        return value

    def _translate_stage(self, raw: str, status: str) -> tuple[str, tuple | None]:
        """The pegboard stage for a stage value and a status (won/lost win over the stage),
        and what to list in the plan when the value had to be translated."""
        settings = self.settings
        won, lost = settings.closing_stage("won").id, settings.closing_stage("lost").id
        status_word = word(status)
        if status_word in ("won", "lost"):
            return (won if status_word == "won" else lost), None
        if not raw.strip():
            return settings.first_stage.id, None
        key = word(raw)
        by_user = self.mapping.stages.get(key)
        if by_user:
            return by_user, None
        for stage in settings.stages:
            if key in (word(stage.id), word(stage.label)):
                return stage.id, None
        target = STAGE_WORDS.get(key)
        if target == "won":
            target = won
        elif target == "lost":
            target = lost
        if target not in settings.stage_ids:
            target = settings.first_stage.id
            return target, ("unknown stage", raw, target)
        return target, ("stage", raw, target)

    def _translate_source(self, raw: str) -> tuple[str, tuple | None]:
        """The configured source for a source value, and what to list in the plan."""
        if not raw.strip():
            return "", None
        key = word(raw)
        by_user = self.mapping.sources.get(key)
        if by_user:
            return by_user, None
        for source in self.settings.sources:
            if key == word(source):
                return source, None
        target = SOURCE_WORDS.get(key)
        if target not in self.settings.sources:
            target = "other" if "other" in self.settings.sources else ""
            return target, ("unknown source", raw, target)
        return target, ("source", raw, target)

    def rows(self, plan: Plan, problems: list[str]) -> Iterator[ImportRow]:
        """Every row checked and translated; problems collected, one line each."""
        _, rows = read_table(self.path, self.mapping.encoding)
        unread = [
            index for index in range(len(self.header)) if self.fields.get(index) not in self.used
        ]
        for line, cells in rows:
            plan.rows += 1
            if not self.settled:
                self._sample_unread(plan, unread, cells)
            values, many = self._values(cells)
            if "(" in values.get("name", "") and (found := NAME_AND_EMAIL.match(values["name"])):
                many["email"].append(found.group(2))
            emails = _distinct(many["email"], str.casefold)
            phones = _distinct(many["phone"], lambda phone: phone)
            full = self._full_name(values) or (emails[0] if emails else "")
            if not full:
                problems.append(f"line {line}: no name (and no email to stand for one)")
                continue

            def bad(column: str, value: str, why: str, line: int = line) -> None:
                problems.append(f"line {line}: {column}={one_line(value)!r}: {why}")

            if not self.settled:  # the write pass reads what the check pass passed
                self._refuse_controls(values, emails, phones, bad)

            lead = self._lead(values, full, line, bad, plan) if self.kind == "leads" else None
            purchase = None
            if self.kind == "purchases":
                purchase = self._purchase(values, line, bad)
            phone = phones[0] if phones else ""
            company = values.get("company", "")
            yield ImportRow(
                name=full,
                company=company,
                email=emails[0] if emails else "",
                phone=phone,
                notes=_notes(values),
                phone_key=phone_key(phone, self.settings.phone_region),
                lead=lead,
                category=values.get("category", "") if self.kind == "partners" else None,
                purchase=purchase,
                also=(*emails[1:], *phones[1:]),
                line=line,
                name_key=folded(full),
                company_key=folded(company),
            )
            if self.progress and plan.rows % 1000 == 0:
                self.progress(plan.rows)

    def _refuse_controls(self, values: dict[str, str], emails, phones, bad) -> None:
        """Each cell holding a control character is a bad row (tabs and line breaks
        are fine in notes)."""
        cells = [*values.items(), *(("email", e) for e in emails), *(("phone", p) for p in phones)]
        for field_name, value in cells:
            if found := control_characters(value, lines=field_name == "notes"):
                bad(
                    self._column(field_name), value, f"holds control characters ({' '.join(found)})"
                )

    def _values(self, cells: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
        """A row's cells by field; every email and phone cell (each may hold several,
        apart by ` ::: `, as Google and vCards write them) in a list of its own."""
        values: dict[str, str] = {}
        many: dict[str, list[str]] = {name: [] for name in MANY_COLUMNS}
        for index, name in self.fields.items():
            if index >= len(cells) or name not in self.used:
                continue
            value = unguarded_cell(cells[index].strip())
            if "\r" in value:  # a line break inside a cell, as Windows writes it
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            if name in MANY_COLUMNS:
                many[name] += [part.strip() for part in value.split(MANY) if part.strip()]
            else:
                values[name] = value
        return values, many

    @staticmethod
    def _full_name(values: dict[str, str]) -> str:
        """The name column, else first, middle and last, else (an organizations export)
        the company."""
        parts = (values.get(key, "") for key in ("first_name", "middle_name", "last_name"))
        name = values.get("name", "")
        if "(" in name and (found := NAME_AND_EMAIL.match(name)):
            name = found.group(1)  # HubSpot's "Ana Silva (ana@example.com)"
        return name or " ".join(p for p in parts if p) or values.get("company", "")

    def _sample_unread(self, plan: Plan, unread: list[int], cells: list[str]) -> None:
        for index in unread:
            samples = plan.unmatched_columns.setdefault(self.header[index], [])
            if len(samples) < SAMPLES and index < len(cells) and cells[index].strip():
                samples.append(one_line(cells[index].strip())[:40])

    def checked_rows(self, plan: Plan, problems: list[str]) -> Iterator[ImportRow]:
        """The rows as they will be written: the check pass first, which learns each
        amount and date column's reading (and adds each bad row to `problems`, and what
        it counts to `plan`)."""
        for _ in self.rows(plan, problems):
            pass
        self.settle(problems)
        return self.rows(Plan(self.kind), [])

    def _amount(self, text: str, line: int) -> int:
        """An amount: learnt from in the check pass (0 stands in), read after it."""
        if not self.settled:
            self.amounts.check(line, text)
            return 0
        try:
            return self.amounts.read(text)
        except ValueError:
            return 0  # the check pass named it: nothing is written

    def _moment(self, name: str, text: str, line: int) -> datetime:
        """A date or date-time as written (naive: local time); in the check pass, which
        only learns from it, a stand-in."""
        column = self.dates[name]
        if not self.settled:
            column.check(line, text)
            return STAND_IN
        try:
            return column.read(text)
        except ValueError:
            return STAND_IN  # the check pass named it: nothing is written

    def _lead(self, values: dict[str, str], full: str, line: int, bad, plan: Plan) -> dict:
        """The deal a leads row describes: its amount, dates and stage read exactly."""
        value_text = values.get("value", "")
        cents = self._amount(value_text, line) if value_text else 0
        self._same_currency(values, bad)
        moments = {}
        for key in ("created", "closed"):
            if values.get(key):
                moments[key] = to_utc(self._moment(key, values[key], line))
        due = local_day(self._moment("due", values["due"], line)) if values.get("due") else None
        stage = self._stage(values.get("stage", ""), values.get("status", ""), plan)
        return {
            "title": values.get("title", "") or full,
            "stage": stage,
            "source": self._source(values.get("source", ""), plan),
            "value_cents": cents,
            "created": moments.get("created"),
            "closed": moments.get("closed"),
            "due": due,
            "next_action": values.get("next_action", ""),
            "lost_reason": values.get("lost_reason", ""),
        }

    def _purchase(self, values: dict[str, str], line: int, bad) -> tuple[date, int, str] | None:
        """A purchase needs its day and amount; each missing one is a bad row."""
        day_text, amount_text = values.get("purchased_on", ""), values.get("value", "")
        if not day_text:
            bad(self._column("purchased_on"), day_text, "a purchase needs its date")
        if not amount_text:
            bad(self._column("value"), amount_text, "a purchase needs its amount")
        if not (day_text and amount_text):
            return None
        self._same_currency(values, bad)
        moment = self._moment("purchased_on", day_text, line)
        return local_day(moment), self._amount(amount_text, line), values.get("what", "")

    def _same_currency(self, values: dict[str, str], bad) -> None:
        """An amount in another currency than the book's is refused: it would be kept
        as this many of the book's units, a silent change of value."""
        currency = values.get("currency", "").strip().upper()
        if currency and currency != str(self.settings.currency):
            bad(
                self._column("currency"),
                currency,
                f"this book keeps amounts in {self.settings.currency}: convert the file's "
                f"amounts, or set currency = {currency!r} in config.toml for a book in {currency}",
            )

    def _column(self, name: str) -> str:
        for index, field_name in self.fields.items():
            if field_name == name:
                return self.header[index]
        return name


def _distinct(values: list[str], key) -> list[str]:
    """Values in order, each once (by `key`)."""
    seen: set[str] = set()
    out = []
    for value in values:
        if key(value) not in seen:
            seen.add(key(value))
            out.append(value)
    return out


def _notes(values: dict[str, str]) -> str:
    """The notes, with the job title (a contact has no field of its own for it) first."""
    title = values.get("job_title", "")
    notes = values.get("notes", "")
    return "\n".join(part for part in (f"Job title: {title}" if title else "", notes) if part)
