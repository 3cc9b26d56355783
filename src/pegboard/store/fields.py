"""Field types shared by the models and the frozen migration copies."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import DateTimeField


class UTCDateTimeField(DateTimeField):
    """Stores instants as naive UTC and hands them back as aware UTC datetimes.

    Naive UTC text sorts and compares correctly in SQLite and maps onto a plain
    `timestamp` in PostgreSQL, so the same queries run on both.
    """

    def db_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
