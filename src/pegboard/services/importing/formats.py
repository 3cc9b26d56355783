"""How the numbers and dates of an import's columns are written, read off the whole
column as spreadsheet importers do: `1.234,50` and `12,50` in one column mean a
decimal comma, `23/11/2026` means day first. A column whose values never say (only
`1,234`; only `03/12/2026`) is refused, with its rows, unless --decimal or --date-order
says, so that no amount is scaled by a hundred and no date swaps day and month.

The check pass reads every value under each reading still possible and keeps what
each reading would refuse; `settle` then picks the reading and reports its refusals.
The write pass reads again under the reading picked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from pegboard.locales import DATE_ORDERS
from pegboard.money import Currency, parse_cents

DECIMALS = (".", ",")
FORMAT_OF_DECIMAL = {".": "1,234.56", ",": "1.234,56"}
SHOWN_LINES = 3
"""Lines named in a refusal, as examples."""

NUMBER_MARKS = re.compile(r"[.,]")
ANY = "*"
"""Where a refusal that holds under every reading is kept."""


@dataclass
class Evidence:
    """What a column's values have said so far: the readings each proves, with the
    first line that proves it, and the first lines that fit several."""

    proved: dict[str, tuple[int, str]] = field(default_factory=dict)
    open_lines: list[tuple[int, str]] = field(default_factory=list)
    refusals: dict[str, list[str]] = field(default_factory=dict)

    def prove(self, reading: str, line: int, text: str) -> None:
        self.proved.setdefault(reading, (line, text))

    def unsure(self, line: int, text: str) -> None:
        if len(self.open_lines) < SHOWN_LINES:
            self.open_lines.append((line, text))

    def refuse(self, reading: str, message: str) -> None:
        self.refusals.setdefault(reading, []).append(message)


class ColumnReading:
    """One column's reading: told (a flag), or inferred from its values."""

    flag = ""
    readings: tuple[str, ...] = ()
    what = ""

    def __init__(self, column: str, told: str | None) -> None:
        self.column = column
        self.told = told
        self.chosen = told
        self.evidence = Evidence()

    def settle(self, problems: list[str]) -> None:
        """Pick the reading (or refuse the column), adding its rows' refusals."""
        if self.chosen is None:
            proved = self.evidence.proved
            if len(proved) > 1:
                examples = "; ".join(
                    f"line {line}: {text!r} reads only as {self.shown(reading)}"
                    for reading, (line, text) in proved.items()
                )
                problems.append(f"column {self.column!r} mixes {self.what}s: {examples}")
                return
            if proved:
                self.chosen = next(iter(proved))
            elif self.evidence.open_lines:
                examples = ", ".join(f"line {n}: {t!r}" for n, t in self.evidence.open_lines)
                problems.append(
                    f"column {self.column!r}: its {self.what}s could be read more than one way "
                    f"({examples}); say how with {self.hint()}"
                )
                return
            else:
                self.chosen = self.readings[0]
        problems.extend(self.evidence.refusals.get(ANY, []))
        problems.extend(self.evidence.refusals.get(self.chosen, []))

    def shown(self, reading: str) -> str:
        return reading

    def hint(self) -> str:
        return " or ".join(f"{self.flag} {reading}" for reading in self.readings)


class AmountColumn(ColumnReading):
    """An amount column: decimal point or decimal comma."""

    flag = "--decimal"
    readings = DECIMALS
    what = "number"

    def __init__(self, column: str, currency: Currency, told: str | None = None) -> None:
        super().__init__(column, told)
        self.currencies = {
            decimal: Currency(str(currency), FORMAT_OF_DECIMAL[decimal]) for decimal in DECIMALS
        }

    def shown(self, reading: str) -> str:
        return f"a decimal {'point' if reading == '.' else 'comma'}"

    def check(self, line: int, text: str) -> None:
        """Learn from one value (the check pass)."""
        marks = NUMBER_MARKS.findall(text)
        if marks and self.chosen is None:
            self._learn(line, text, marks)
        for decimal in self._still_possible(marks):
            try:
                parse_cents(text, self.currencies[decimal])
            except ValueError as error:
                refusal = f"line {line}: {self.column}={text!r}: {error}"
                self.evidence.refuse(decimal if marks else ANY, refusal)

    def _still_possible(self, marks: list[str]) -> tuple[str, ...]:
        """The readings to try a value under: the one told; else those proved so far (a
        column settles on one of them, or is refused whole); else both. A value with no
        mark reads the same under both: once."""
        if self.chosen:
            return (self.chosen,)
        if not marks:
            return DECIMALS[:1]
        return tuple(self.evidence.proved) or DECIMALS

    def _learn(self, line: int, text: str, marks: list[str]) -> None:
        last = marks[-1]
        digits_after = len(re.split(r"[.,]", text)[-1].strip().rstrip("€$£¥ ").strip())
        if len(set(marks)) > 1:
            self.evidence.prove(last, line, text)  # 1.234,50: the last mark is the decimal
        elif len(marks) > 1:
            self.evidence.prove(_other(last), line, text)  # 1.234.567: grouping
        elif digits_after != 3:
            self.evidence.prove(last, line, text)  # 12,50 or 12,5: a decimal
        else:
            self.evidence.unsure(line, text)  # 1,234: a thousand, or one and a bit

    def read(self, text: str) -> int:
        """The amount under the reading picked (the write pass)."""
        return parse_cents(text, self.currencies[self.chosen or DECIMALS[0]])


def _other(mark: str) -> str:
    return "," if mark == "." else "."


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


class DateColumn(ColumnReading):
    """A date column: day, month and year in the order its values show."""

    flag = "--date-order"
    readings = DATE_ORDERS
    what = "date"

    def shown(self, reading: str) -> str:
        return {"dmy": "day first", "mdy": "month first", "ymd": "year first"}[reading]

    def check(self, line: int, text: str) -> None:
        """Learn from one value (the check pass)."""
        if ISO_DATE.match(text.strip()):
            try:
                datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
                return  # ISO reads one way under every order (the usual case: fast)
            except ValueError:
                pass
        match = NUMERIC_DATE.match(text.strip())
        if match is not None and self.chosen is None:
            self._learn(line, text, match)
        orders = (self.chosen,) if self.chosen else DATE_ORDERS if match else DATE_ORDERS[:1]
        for order in orders:
            try:
                self.read(text, order)
            except ValueError as error:
                refusal = f"line {line}: {self.column}={text!r}: {error}"
                self.evidence.refuse(order if match else ANY, refusal)

    def _learn(self, line: int, text: str, match: re.Match) -> None:
        first, mark, second = match.group(1, 2, 3)
        if len(first) == 4:
            return  # year first (2026/12/03, ISO): one reading under every order
        if mark == ".":
            self.evidence.prove("dmy", line, text)  # dotted dates are day first everywhere
        elif int(first) > 12:
            self.evidence.prove("dmy", line, text)
        elif int(second) > 12:
            self.evidence.prove("mdy", line, text)
        elif first != second:
            self.evidence.unsure(line, text)

    def read(self, text: str, order: str | None = None) -> datetime:
        """The moment as written: aware if it names its zone, else naive local time."""
        return read_moment(text, order or self.chosen or "mdy")


def read_moment(text: str, order: str) -> datetime:
    """An ISO date or date-time, or numbers in `order` (with an optional HH:MM)."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    match = NUMERIC_DATE.match(text)
    if match is None:
        raise ValueError("not a date (use YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)")
    first, _, second, third, hour, minute, second_of_minute = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        year = int(third) + (2000 if len(third) == 2 else 0)
        day, month = (int(first), int(second)) if order == "dmy" else (int(second), int(first))
    try:
        return datetime(
            year, month, day, int(hour or 0), int(minute or 0), int(second_of_minute or 0)
        )
    except ValueError as error:
        raise ValueError(f"not a date read {_ORDER_WORDS[order]} ({error})") from None


_ORDER_WORDS = {"dmy": "day first", "mdy": "month first", "ymd": "year first"}


def local_day(moment: datetime) -> date:
    """The calendar day a moment is on where the owner is (a naive one is local already)."""
    return moment.date() if moment.tzinfo is None else moment.astimezone().date()
