"""Time for the whole app: stored in UTC, shown in local time, and injectable for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True)
class Clock:
    """Tells the current time. A fixed clock makes tests and screenshots repeatable."""

    fixed_at: datetime | None = None
    """When set, `now()` always returns this instant (UTC)."""

    @classmethod
    def fixed(cls, at: datetime) -> Clock:
        return cls(fixed_at=to_utc(at))

    def now(self) -> datetime:
        return self.fixed_at if self.fixed_at is not None else datetime.now(UTC)

    def today(self) -> date:
        """The local calendar date: follow-ups are due on the user's day, not UTC's."""
        return to_local(self.now()).date()


def to_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def instant_text(moment: datetime) -> str:
    """An instant as every output of pegboard writes it (JSON, CSV, the export): ISO 8601
    in UTC with a Z, microseconds only when there are some."""
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


def to_local(moment: datetime) -> datetime:
    return moment.astimezone()


def parse_datetime(text: str) -> datetime:
    """Parse an ISO date or datetime typed by a user (local time unless it says otherwise)."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not a date/time: {text!r} (use YYYY-MM-DD or YYYY-MM-DD HH:MM)"
        ) from None
    within_years(parsed.date(), text)
    return to_utc(parsed)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE = re.compile(r"^\+?(\d{1,6})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months)?$")


NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})(?:\2(\d{2}|\d{4}))?\.?$")
"""12/03, 12/03/2026, 12.03.26, 2026/12/03: read in the book's date order."""
ORDER_SHOWN = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY", "ymd": "YYYY/MM/DD"}


def parse_date(text: str, today: date, order: str = "mdy") -> date:
    """A due date as people type it: YYYY-MM-DD, today, tomorrow, +3 / 3d / 2w / +1m
    from today, a weekday (fri, friday, next monday: the first one after today), or
    numbers with / . or - in the book's date `order` (dmy: 03/12 is 3 December; mdy:
    March 12); without a year, this year."""
    typed = " ".join(text.strip().lower().split())
    if typed in ("today", "tod"):
        return today
    if typed in ("tomorrow", "tmr", "tom"):
        return today + timedelta(days=1)
    if match := RELATIVE.match(typed):
        return _later(today, int(match.group(1)), (match.group(2) or "d")[0], text.strip())
    weekday = _weekday(typed.removeprefix("next ").strip())
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        day = _numeric_date(typed, today, order, text.strip())
    return within_years(day, text.strip())


def _numeric_date(typed: str, today: date, order: str, text: str) -> date:
    match = NUMERIC_DATE.match(typed)
    if match is None:
        raise ValueError(
            f"not a date: {text!r} (use {ORDER_SHOWN[order]}, YYYY-MM-DD, today, tomorrow, "
            "+3d, 2w, +1m, fri)"
        )
    first, _, second, third = match.groups()
    if len(first) == 4:
        if third is None:
            raise ValueError(f"not a date: {text!r} (a year first needs a month and a day)")
        year, month, day = int(first), int(second), int(third)
    else:
        year = today.year if third is None else int(third)
        if third is not None and len(third) == 2:
            year += 2000
        month, day = (int(first), int(second)) if order != "dmy" else (int(second), int(first))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"not a date: {text!r} (read as {ORDER_SHOWN[order]}: no day {day} "
            f"in month {month} of {year})"
        ) from None


def _later(today: date, amount: int, unit: str, text: str) -> date:
    if unit == "m":
        import calendar  # only for a month ahead: not on the start path

        month_index = today.year * 12 + today.month - 1 + amount
        year, month = divmod(month_index, 12)
        if year > LAST_YEAR:
            raise ValueError(f"{text!r} is past the year {LAST_YEAR}")
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(today.day, last))
    days = amount * (7 if unit == "w" else 1)
    if days > (date(LAST_YEAR, 12, 31) - today).days:
        raise ValueError(f"{text!r} is past the year {LAST_YEAR}")
    return today + timedelta(days=days)


def _weekday(word: str) -> int | None:
    """0 for mon / monday, ... 6 for sun / sunday; None for anything else."""
    if len(word) < 3:
        return None
    return next((index for index, name in enumerate(WEEKDAYS) if name.startswith(word)), None)


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a typed date may fall in: a day outside them is a typo, and the calendar
export (a day and the next) and the database's own date functions stay in range."""


def within_years(day: date, text: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text!r} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return day
