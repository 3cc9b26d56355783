"""Time for the whole app: stored in UTC, shown in local time, and injectable for tests."""

from __future__ import annotations

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


def parse_date(text: str, today: date) -> date:
    """Parse a due date: YYYY-MM-DD, 'today', 'tomorrow', or '+N' / '+Nd' / '+Nw' from today."""
    text = text.strip().lower()
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text.startswith("+"):
        amount, unit = text[1:], "d"
        if amount[-1:] in ("d", "w"):
            amount, unit = amount[:-1], amount[-1]
        if amount.isdigit():
            days = int(amount) * (7 if unit == "w" else 1)
            if days > (date(LAST_YEAR, 12, 31) - today).days:
                raise ValueError(f"{text!r} is past the year {LAST_YEAR}")
            return today + timedelta(days=days)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, today, tomorrow or +3d)") from None
    return within_years(day, text)


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a typed date may fall in: a day outside them is a typo, and the calendar
export (a day and the next) and the database's own date functions stay in range."""


def within_years(day: date, text: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text!r} is not between {FIRST_YEAR} and {LAST_YEAR}")
    return day
