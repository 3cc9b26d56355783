"""Bringing a book of business in: pegboard's own export folder (exactly), or a CSV from
HubSpot, Pipedrive or a spreadsheet (contacts or deals).

An import is all or nothing. The file is read twice, streamed: first every row is
checked and the plan made (what will be created, updated and skipped, and the values
that had to be mapped); a file with bad rows is refused whole, each bad row named with
its line, column, value and why. Then, unless it is a dry run, the rows are written in
one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from peewee import DateField, DateTimeField, IntegerField, Model, fn

from pegboard.clock import Clock, to_utc
from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.money import parse_cents
from pegboard.services.contacts import fill_in_contact
from pegboard.services.demo import database_is_empty
from pegboard.services.export import BOOK_TABLES, columns_of, plain_cell
from pegboard.services.leads import stay_hours
from pegboard.services.writes import write_transaction
from pegboard.store.bulk import bulk_insert, bulk_insert_ids, bulk_load
from pegboard.store.dialect import is_postgres
from pegboard.store.models import (
    HISTORY_FIELDS,
    Contact,
    Lead,
    Partner,
    Purchase,
    StageChange,
    db,
)
from pegboard.store.scratch import DiskMap

KINDS = ("auto", "contacts", "leads", "partners", "purchases")
CHUNK = 5000
PURCHASE_FIELDS = (
    Purchase.contact,
    Purchase.purchased_on,
    Purchase.what,
    Purchase.list_cents,
    Purchase.discount_cents,
    Purchase.amount_cents,
    Purchase.rule,
    Purchase.created_at,
)
"""An imported purchase is history: its amount as charged, no discount worked out again."""
CONTACT_FIELDS = (
    Contact.name,
    Contact.company,
    Contact.email,
    Contact.phone,
    Contact.notes,
    Contact.created_at,
    Contact.updated_at,
)


# -- reading ----------------------------------------------------------------------------


def normalize_header(header: str) -> str:
    """Headers match by name: BOM and a trailing * dropped, trimmed, case-folded."""
    text = header.replace("\ufeff", "").strip()
    text = text.removesuffix("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def _open_text(path: Path) -> io.TextIOWrapper:
    return path.open("r", encoding="utf-8-sig", newline="")


DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV, read off its header line: the candidate that splits it
    into the most columns (a comma on a tie). Localised exports use ; and some use tabs.
    The data rows are not consulted: their cells may hold any of the candidates."""
    first = sample.split("\n", 1)[0]
    best, most = ",", 1
    for delimiter in DELIMITERS:
        try:
            columns = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if columns > most:
            best, most = delimiter, columns
    return best


def read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (with the line each starts on), streamed."""
    try:
        handle = _open_text(path)
        sample = handle.read(64 * 1024)
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    handle.seek(0)
    reader = csv.reader(handle, delimiter=sniff_delimiter(sample))
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise ImportRefused(f"{path.name} is empty") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            line = reader.line_num + 1
            try:
                for row in reader:
                    if any(cell.strip() for cell in row):
                        yield line, row
                    line = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise ImportRefused(
                    f"{path.name}: line {line}: not UTF-8 text ({error.reason})"
                ) from None
            except csv.Error as error:
                raise ImportRefused(f"{path.name}: line {line}: {error}") from None

    return header, rows()


VCARD_COLUMNS = ["name", "company", "email", "phone", "notes"]


def _vcard_value(text: str) -> str:
    """Undo vCard escaping: \\n is a new line, \\, \\; and \\\\ are themselves."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following in "nN" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def read_vcards(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Contacts from a .vcf file (vCard 3.0 and 4.0, as phones and mail clients export
    them), in the shape read_csv gives: a header and rows with their first line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path.name}: not UTF-8 text ({error.reason})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        card: dict[str, str] | None = None
        start = 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        # Unfold: a line starting with a space or tab continues the one before.
        logical: list[tuple[int, str]] = []
        for number, line in enumerate(lines, start=1):
            if line[:1] in (" ", "\t") and logical:
                logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
            else:
                logical.append((number, line))
        for number, line in logical:
            name, colon, value = line.partition(":")
            if not colon:
                continue
            prop = name.split(";")[0].split(".")[-1].upper()
            if prop == "BEGIN" and value.strip().upper() == "VCARD":
                card, start = {}, number
            elif prop == "END" and card is not None:
                # FN is the name as shown; N (family;given;...) stands in when FN is missing.
                card.setdefault("name", card.pop("n", ""))
                yield start, [card.get(column, "") for column in VCARD_COLUMNS]
                card = None
            elif card is not None:
                value = _vcard_value(value.strip())
                if prop == "FN" and value:
                    card["name"] = value
                elif prop == "N":
                    family, _, rest = value.partition(";")
                    given = rest.split(";")[0]
                    card["n"] = " ".join(part for part in (given, family) if part)
                elif prop == "ORG":
                    card.setdefault("company", value.split(";")[0])
                elif prop == "EMAIL":
                    card.setdefault("email", value.removeprefix("mailto:"))
                elif prop == "TEL":
                    card.setdefault("phone", value.removeprefix("tel:"))
                elif prop == "NOTE":
                    card.setdefault("notes", value)

    return list(VCARD_COLUMNS), rows()


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """A CSV, or a .vcf file of contacts, as a header and its rows."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return read_vcards(path)
    return read_csv(path)


# -- pegboard's own export --------------------------------------------------------------


def is_book_folder(path: Path) -> bool:
    return path.is_dir() and any(
        (path / f"{name}.{ext}").exists() for name, _ in BOOK_TABLES for ext in ("csv", "json")
    )


def _book_value(field, text, line: int, name: str, problems: list[str]):
    """One exported cell back to the value it was (empty is None where None is allowed)."""
    if text is None or (text == "" and field.null):
        return None
    try:
        if isinstance(field, DateTimeField):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
        if isinstance(field, DateField):
            return date.fromisoformat(text)
        if isinstance(field, IntegerField) or field.field_type in ("INT", "BIGINT", "AUTO"):
            return int(text)
        if field.field_type == "FLOAT":
            return float(text)
    except (TypeError, ValueError):
        problems.append(f"{name}: line {line}: {field.column_name}={text!r} is not valid")
        return None
    return text


def _book_rows(folder: Path, name: str, model: type[Model]) -> Iterator[tuple[int, list]]:
    """The rows of one exported table as (line or item number, values in column order)."""
    columns = columns_of(model)
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    if csv_path.exists():
        header, rows = read_csv(csv_path)
        if header != columns:
            raise ImportRefused(
                f"{csv_path.name}: the columns are not those of a pegboard export "
                f"(expected {', '.join(columns)})"
            )
        for line, row in rows:
            yield line, [plain_cell(cell) for cell in row]
    elif json_path.exists():
        items = json.loads(json_path.read_text(encoding="utf-8"))
        for number, item in enumerate(items, start=1):
            yield number, [item.get(column) for column in columns]


def import_book(
    folder: Path, *, dry_run: bool = False, before_write: Callable[[], None] | None = None
) -> dict[str, int]:
    """Take a pegboard export folder back whole, ids and all, into an empty database: every
    value checked first, then (unless a dry run, and after `before_write`) written."""
    if not database_is_empty():
        raise ImportRefused(
            "a pegboard export goes into an empty database (its ids are kept); "
            "use --db with a new file"
        )
    problems: list[str] = []
    counts: dict[str, int] = {}
    for name, model in BOOK_TABLES:
        fields = model._meta.sorted_fields
        count = 0
        for line, values in _book_rows(folder, name, model):
            for model_field, text in zip(fields, values, strict=True):
                _book_value(model_field, text, line, name, problems)
            count += 1
        counts[name] = count
    if problems:
        raise ImportRefused(f"{len(problems)} bad value(s); nothing was imported", problems)
    if dry_run:
        return counts
    if before_write is not None:
        before_write()
    with write_transaction(), bulk_load():
        for name, model in BOOK_TABLES:
            fields = model._meta.sorted_fields
            rows = (
                [
                    _book_value(model_field, text, line, name, problems)
                    for model_field, text in zip(fields, values, strict=True)
                ]
                for line, values in _book_rows(folder, name, model)
            )
            bulk_insert(model, fields, rows)
        if is_postgres():
            # Ids came from the file: the next ones the server hands out follow them.
            for _, model in BOOK_TABLES:
                table = model._meta.table_name
                db.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                )
    return counts


# -- CSV from other tools ---------------------------------------------------------------

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "contact name",
        "person - name",
        "deal - contact person",
        "associated contact",
        "customer",
        "client",
    ),
    "first_name": ("first name", "given name", "firstname"),
    "last_name": ("last name", "family name", "surname", "lastname"),
    "company": (
        "company",
        "company name",
        "organization",
        "organisation",
        "organization - name",
        "deal - organization",
        "associated company",
        "business",
    ),
    "email": (
        "email",
        "e-mail",
        "email address",
        "person - email",
        "person - email - work",
        "person - email - home",
        "person - email - other",
    ),
    "phone": (
        "phone",
        "phone number",
        "mobile",
        "mobile phone number",
        "telephone",
        "person - phone",
        "person - phone - work",
        "person - phone - mobile",
        "person - phone - home",
        "person - phone - other",
    ),
    "title": ("title", "deal name", "deal - title", "opportunity", "need"),
    "stage": ("stage", "deal stage", "deal - stage", "lifecycle stage", "lead status"),
    "status": ("status", "deal - status"),
    "source": ("source", "lead source", "original source", "deal - source", "channel"),
    "value": ("value", "amount", "deal - value", "deal value", "estimated value"),
    "created": (
        "created",
        "create date",
        "created at",
        "deal - deal created",
        "deal - add time",
        "date added",
    ),
    "closed": ("close date", "closed", "closed at", "deal - won time", "deal - close time"),
    "due": (
        "due",
        "next follow-up",
        "follow-up date",
        "deal - expected close date",
        "next activity date",
        "deal - next activity date",
    ),
    "next_action": ("next action", "next step", "next activity", "deal - next activity subject"),
    "lost_reason": ("lost reason", "closed lost reason", "deal - lost reason"),
    "notes": ("notes", "note", "description", "comments"),
    "category": ("category", "partner category", "type", "industry", "profession"),
    "purchased_on": ("purchased on", "purchase date", "order date", "invoice date", "date"),
    "what": ("what", "item", "product", "service", "line item"),
    "external_id": ("record id", "contact id", "deal id", "deal - id", "person - id", "id"),
}
"""Header names (normalised) each field is known by: pegboard's, HubSpot's and Pipedrive's.
HubSpot's older "Contact ID" is its "Record ID"; Pipedrive splits email and phone by kind."""

DEAL_FIELDS = {"title", "value", "status"}
"""Columns that make a file a deals export (a lifecycle stage alone does not: contacts)."""

STAGE_WORDS: dict[str, str] = {
    # HubSpot deal stages (labels and internal ids), lifecycle stages and lead statuses
    "appointmentscheduled": "contacted",
    "qualifiedtobuy": "qualified",
    "presentationscheduled": "qualified",
    "decisionmakerboughtin": "proposal",
    "contractsent": "proposal",
    "closedwon": "won",
    "closedlost": "lost",
    "subscriber": "new",
    "lead": "new",
    "marketingqualifiedlead": "contacted",
    "salesqualifiedlead": "qualified",
    "opportunity": "proposal",
    "customer": "won",
    "evangelist": "won",
    "open": "new",
    "inprogress": "contacted",
    "attemptedtocontact": "contacted",
    "connected": "contacted",
    "opendeal": "proposal",
    "unqualified": "lost",
    "badtiming": "lost",
    # Pipedrive's default pipeline and statuses
    "leadin": "new",
    "contactmade": "contacted",
    "needsdefined": "qualified",
    "demoscheduled": "qualified",
    "proposalmade": "proposal",
    "negotiationsstarted": "proposal",
    "won": "won",
    "lost": "lost",
}
"""Known stage words (letters only, case-folded) -> the default pipeline's stage ids."""

SOURCE_WORDS: dict[str, str] = {
    "organicsearch": "website",
    "directtraffic": "website",
    "referrals": "website",  # HubSpot: visits from referring websites, not a partner
    "paidsearch": "advertising",
    "paidsocial": "social",
    "socialmedia": "social",
    "organicsocial": "social",
    "emailmarketing": "other",
    "offlinesources": "other",
    "offline": "other",
    "othercampaigns": "other",
    "aireferrals": "website",
    "web": "website",
    "ads": "advertising",
    "referral": "referral",
    "partner": "referral",
    "wordofmouth": "referral",
}
"""Known source words -> the default sources. HubSpot's "Referrals" means referring
websites, so it maps to website unless --map source:Referrals=referral says otherwise."""


def _word(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.casefold())


@dataclass
class Mapping:
    """What the user said with --map: COLUMN=FIELD, stage:VALUE=STAGE, source:VALUE=SOURCE."""

    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, items: list[str], settings: Settings) -> Mapping:
        mapping = cls()
        for item in items:
            left, sep, right = item.partition("=")
            if not sep or not left.strip() or not right.strip():
                raise ImportRefused(f"--map {item!r}: use COLUMN=FIELD or stage:VALUE=STAGE")
            left, right = left.strip(), right.strip()
            kind, colon, value = left.partition(":")
            if colon and kind in ("stage", "source"):
                if kind == "stage" and right not in settings.stage_ids:
                    raise ImportRefused(f"--map {item!r}: no stage {right!r}")
                if kind == "source" and right not in settings.sources:
                    raise ImportRefused(f"--map {item!r}: no source {right!r}")
                target = mapping.stages if kind == "stage" else mapping.sources
                target[_word(value)] = right
            else:
                if right not in FIELD_ALIASES:
                    raise ImportRefused(
                        f"--map {item!r}: no field {right!r}; fields: {', '.join(FIELD_ALIASES)}"
                    )
                mapping.columns[normalize_header(left)] = right
        return mapping


def column_fields(header: list[str], mapping: Mapping) -> dict[int, str]:
    """Column index -> field, by name only (never by position); the first column wins."""
    known = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
    fields: dict[int, str] = {}
    taken: set[str] = set()
    for index, raw in enumerate(header):
        name = normalize_header(raw)
        target = mapping.columns.get(name) or known.get(name)
        if target and target not in taken:
            fields[index] = target
            taken.add(target)
    return fields


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
class _Row:
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


class CsvImport:
    """One CSV import: check every row, then (unless a dry run) write them all."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        path: Path,
        kind: str = "auto",
        mapping: Mapping | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ImportRefused(f"unknown kind {kind!r}: use {', '.join(KINDS)}")
        self.settings = settings
        self.clock = clock
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
        word = _word(status)
        if word in ("won", "lost"):
            return (won if word == "won" else lost), None
        if not raw.strip():
            return settings.first_stage.id, None
        key = _word(raw)
        by_user = self.mapping.stages.get(key)
        if by_user:
            return by_user, None
        for stage in settings.stages:
            if key in (_word(stage.id), _word(stage.label)):
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
        key = _word(raw)
        by_user = self.mapping.sources.get(key)
        if by_user:
            return by_user, None
        for source in self.settings.sources:
            if key == _word(source):
                return source, None
        target = SOURCE_WORDS.get(key)
        if target not in self.settings.sources:
            target = "other" if "other" in self.settings.sources else ""
            return target, ("unknown source", raw, target)
        return target, ("source", raw, target)

    def _rows(self, plan: Plan, problems: list[str]) -> Iterator[_Row]:
        """Every row checked and translated; problems collected, one line each."""
        _, rows = read_table(self.path)
        names = dict(self.fields)
        for line, cells in rows:
            plan.rows += 1
            values = {
                name: cells[index].strip() for index, name in names.items() if index < len(cells)
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
                problems.append(f"line {line}: {column}={value!r}: {why}")

            lead = None
            if self.kind == "leads":
                value_text = values.get("value", "")
                cents = 0
                if value_text:
                    try:
                        cents = parse_cents(value_text)
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
                lead = {
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
            purchase = None
            if self.kind == "purchases":
                purchase = self._purchase(values, bad)
            yield _Row(
                name=full,
                company=values.get("company", ""),
                email=values.get("email", ""),
                phone=values.get("phone", ""),
                notes=values.get("notes", ""),
                lead=lead,
                category=values.get("category", "") if self.kind == "partners" else None,
                purchase=purchase,
            )
            if self.progress and plan.rows % 1000 == 0:
                self.progress(plan.rows)

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
                cents = parse_cents(text)
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

    def run(self, *, dry_run: bool = False, before_write: Callable[[], None] | None = None) -> Plan:
        """Check every row, then (unless a dry run, and after `before_write`, such as a
        backup) write them all."""
        plan = Plan(self.kind)
        matched = set(self.fields)
        plan.unmatched_columns = [h for i, h in enumerate(self.header) if i not in matched]
        problems: list[str] = []
        keys = _ContactKeys.load()
        try:
            for row in self._rows(plan, problems):
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
        self._write(plan)
        return plan

    def _write(self, plan: Plan) -> None:
        """The second pass, in chunks: new contacts in bulk (a contact seen twice in one
        chunk waits for the id of its first row), known ones filled in, then the leads
        and their history."""
        now = self.clock.now()
        keys = _ContactKeys.load()
        try:
            self._write_rows(keys, now)
        finally:
            keys.close()

    def _write_rows(self, keys: _ContactKeys, now: datetime) -> None:
        with write_transaction(), bulk_load():
            position = Lead.select(fn.MAX(Lead.position)).scalar() or 0
            new_contacts: list[list] = []
            leads: list[tuple[int, dict]] = []
            """(contact id, or -n for the n-th new contact of the chunk; the lead)"""
            partners: list[tuple[int, str]] = []
            purchases: list[tuple[int, tuple[date, int, str]]] = []

            def flush() -> None:
                nonlocal position
                ids = bulk_insert_ids(Contact, CONTACT_FIELDS, new_contacts)
                keys.settle(ids)
                rows = []
                for contact_ref, lead in leads:
                    contact_id = ids[-contact_ref - 1] if contact_ref < 0 else contact_ref
                    position += 1
                    rows.append(self._lead_values(lead, contact_id, position, now))
                if rows:
                    self._insert_leads(rows)

                def resolved(ref: int) -> int:
                    return ids[-ref - 1] if ref < 0 else ref

                self._insert_partners([(resolved(ref), cat) for ref, cat in partners], now)
                bulk_insert(
                    Purchase,
                    PURCHASE_FIELDS,
                    [
                        [resolved(ref), day, what, cents, 0, cents, "", now]
                        for ref, (day, cents, what) in purchases
                    ],
                )
                new_contacts.clear()
                leads.clear()
                partners.clear()
                purchases.clear()

            for row in self._rows(Plan(self.kind), []):
                contact_ref = keys.find(row)
                if contact_ref is None:
                    new_contacts.append(
                        [row.name, row.company, row.email, row.phone, row.notes, now, now]
                    )
                    contact_ref = -len(new_contacts)
                    keys.add(row, contact_ref)
                elif contact_ref > 0:
                    fill_in_contact(
                        Contact.get_by_id(contact_ref),
                        now,
                        company=row.company,
                        email=row.email,
                        phone=row.phone,
                        notes=row.notes,
                    )
                if row.lead is not None:
                    leads.append((contact_ref, row.lead))
                if row.category is not None:
                    partners.append((contact_ref, row.category))
                if row.purchase is not None:
                    purchases.append((contact_ref, row.purchase))
                if len(new_contacts) + len(leads) + len(purchases) >= CHUNK:
                    flush()
            flush()

    @staticmethod
    def _insert_partners(rows: list[tuple[int, str]], now: datetime) -> None:
        """Make each contact a partner, unless they are one already (or twice in the file)."""
        if not rows:
            return
        ids = {contact_id for contact_id, _ in rows}
        already = {
            contact_id
            for (contact_id,) in Partner.select(Partner.contact)
            .where(Partner.contact.in_(list(ids)))
            .tuples()
        }
        new: dict[int, str] = {}
        for contact_id, category in rows:
            if contact_id not in already and contact_id not in new:
                new[contact_id] = category
        bulk_insert(
            Partner,
            (Partner.contact, Partner.category, Partner.created_at, Partner.updated_at),
            [[contact_id, category, now, now] for contact_id, category in new.items()],
        )

    def _lead_values(self, lead: dict, contact_id: int, position: int, now: datetime) -> list:
        stage = self.settings.stage(lead["stage"])
        created = lead["created"] or now
        closed = None
        if stage.closes:
            closed = lead["closed"] or created
        entered = closed or created
        return [
            lead["title"],
            contact_id,
            stage.id,
            lead["source"],
            lead["value_cents"],
            lead["next_action"],
            lead["due"] if not stage.closes else None,
            position,
            entered,
            entered,
            created,
            now,
            closed,
            lead["lost_reason"] if stage.closes == "lost" else "",
        ]

    def _insert_leads(self, rows: list[list]) -> None:
        fields = (
            Lead.title,
            Lead.contact,
            Lead.stage,
            Lead.source,
            Lead.value_cents,
            Lead.next_action,
            Lead.due_date,
            Lead.position,
            Lead.stage_entered_at,
            Lead.last_touch_at,
            Lead.created_at,
            Lead.updated_at,
            Lead.closed_at,
            Lead.lost_reason,
        )
        ids = bulk_insert_ids(Lead, fields, rows)
        # Each lead's history: it came in at the first stage, and moved on to where it is.
        first_stage = self.settings.first_stage.id
        history = []
        for lead_id, row in zip(ids, rows, strict=True):
            stage, entered, created = row[2], row[8], row[10]
            history.append((lead_id, None, first_stage, created, None))
            if stage != first_stage:
                history.append((lead_id, first_stage, stage, entered, stay_hours(created, entered)))
        bulk_insert(StageChange, HISTORY_FIELDS, history)


class _ContactKeys:
    """Who is already there, and who came earlier in the file: by email, by phone
    (digits), and by name and company. Kept on disk (DiskMap), so memory stays flat
    however many people the book and the file hold."""

    def __init__(self) -> None:
        self.map = DiskMap()
        self.pending: list[str] = []
        """Keys set to a placeholder (-n: the n-th new contact of the chunk)."""

    @classmethod
    def load(cls) -> _ContactKeys:
        keys = cls()
        query = (
            Contact.select(Contact.id, Contact.name, Contact.company, Contact.email, Contact.phone)
            .where(Contact.archived_at.is_null())
            .tuples()
        )
        keys.map.add_many(
            (key, contact_id)
            for contact_id, name, company, email, phone in query.iterator()
            for key in cls._keys(_Row(name, company, email, phone, "", None))
        )
        return keys

    @staticmethod
    def _keys(row: _Row) -> list[str]:
        """The row's keys, most telling first."""
        keys = []
        if row.email:
            keys.append("e:" + row.email.casefold())
        digits = re.sub(r"\D", "", row.phone)
        if len(digits) >= 6:
            keys.append("p:" + digits)
        keys.append(f"n:{row.name.casefold()}\x1f{row.company.casefold()}")
        return keys

    def find(self, row: _Row) -> int | None:
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

    def add(self, row: _Row, contact_id: int) -> None:
        """Remember a contact's keys; a negative id is a placeholder until settle()."""
        for key in self._keys(row):
            if self.map.add(key, contact_id) and contact_id < 0:
                self.pending.append(key)

    def close(self) -> None:
        self.map.close()


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
