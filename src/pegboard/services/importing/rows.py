"""An import's rows: cells to typed rows and problems, with no database in sight.

Each row is checked (names, amounts, dates) and translated (stages and sources from other
programs' words), and every problem is one line naming the row, column and value. The
same reading serves the check pass and the write pass, so both see the same rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pegboard.clock import to_utc
from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.money import parse_cents
from pegboard.phones import phone_key
from pegboard.services.csv_cells import unguarded_cell
from pegboard.services.importing.readers import read_table
from pegboard.services.importing.vocabulary import (
    DEAL_FIELDS,
    SOURCE_WORDS,
    STAGE_WORDS,
    Mapping,
    column_fields,
    word,
)
from pegboard.text import control_characters, one_line

KINDS = ("auto", "contacts", "leads", "partners", "purchases")


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
    unmatched_columns: list[str] = field(default_factory=list)

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
        if self.unmatched_columns:
            out.append(f"  columns not imported: {', '.join(self.unmatched_columns)}")
        return out


def parse_instant(text: str) -> datetime:
    """A date or date-time as exports write them: ISO, 2026-11-23 10:00, 11/23/2026, 23.11.2026."""
    text = text.strip()
    try:
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return to_utc(datetime.strptime(text, pattern))
        except ValueError:
            continue
    raise ValueError("not a date (use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY)")


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
        header, _ = read_table(path)
        self.header = header
        self.fields = column_fields(header, self.mapping)
        found = set(self.fields.values())
        if kind == "auto":
            kind = "leads" if found & DEAL_FIELDS else "contacts"
        self.kind = kind
        if not ({"name", "first_name", "last_name", "email"} & found):
            raise ImportRefused(
                f"{path.name}: no column names the person (Name, First Name / Last Name or "
                f"Email); the columns are {', '.join(header)}. Use --map COLUMN=name"
            )

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
        _, rows = read_table(self.path)
        names = dict(self.fields)
        for line, cells in rows:
            plan.rows += 1
            values = {
                name: unguarded_cell(cells[index].strip())
                for index, name in names.items()
                if index < len(cells)
            }
            full = values.get("name") or " ".join(
                part for part in (values.get("first_name", ""), values.get("last_name", "")) if part
            )
            if not full:
                full = values.get("email", "")
            if not full:
                problems.append(f"line {line}: no name (and no email to stand for one)")
                continue

            def bad(column: str, value: str, why: str, line: int = line) -> None:
                problems.append(f"line {line}: {column}={one_line(value)!r}: {why}")

            for field_name, value in values.items():
                if found := control_characters(value, lines=field_name == "notes"):
                    bad(
                        self._column(field_name),
                        value,
                        f"holds control characters ({' '.join(found)})",
                    )

            lead = self._lead(values, full, bad, plan) if self.kind == "leads" else None
            purchase = None
            if self.kind == "purchases":
                purchase = self._purchase(values, bad)
            yield ImportRow(
                name=full,
                company=values.get("company", ""),
                email=values.get("email", ""),
                phone=values.get("phone", ""),
                notes=values.get("notes", ""),
                phone_key=phone_key(values.get("phone", ""), self.settings.phone_region),
                lead=lead,
                category=values.get("category", "") if self.kind == "partners" else None,
                purchase=purchase,
            )
            if self.progress and plan.rows % 1000 == 0:
                self.progress(plan.rows)

    def _lead(self, values: dict[str, str], full: str, bad, plan: Plan) -> dict:
        """The deal a leads row describes: its amount, dates and stage read exactly."""
        value_text = values.get("value", "")
        cents = 0
        if value_text:
            try:
                cents = parse_cents(value_text, self.settings.currency)
            except ValueError as error:
                bad(self._column("value"), value_text, str(error))
        moments = {}
        for key in ("created", "closed"):
            if values.get(key):
                try:
                    moments[key] = parse_instant(values[key])
                except ValueError as error:
                    bad(self._column(key), values[key], str(error))
        due = None
        if values.get("due"):
            try:
                due = parse_instant(values["due"]).date()
            except ValueError as error:
                bad(self._column("due"), values["due"], str(error))
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

    def _purchase(self, values: dict[str, str], bad) -> tuple[date, int, str] | None:
        """A purchase needs its day and amount; each missing or bad one is a bad row."""
        day = cents = None
        text = values.get("purchased_on", "")
        if not text:
            bad(self._column("purchased_on"), text, "a purchase needs its date")
        else:
            try:
                day = parse_instant(text).astimezone().date()
            except ValueError as error:
                bad(self._column("purchased_on"), text, str(error))
        text = values.get("value", "")
        if not text:
            bad(self._column("value"), text, "a purchase needs its amount")
        else:
            try:
                cents = parse_cents(text, self.settings.currency)
            except ValueError as error:
                bad(self._column("value"), text, str(error))
        if day is None or cents is None:
            return None
        return day, cents, values.get("what", "")

    def _column(self, name: str) -> str:
        for index, field_name in self.fields.items():
            if field_name == name:
                return self.header[index]
        return name
