from datetime import date

import pytest

from pegboard.clock import parse_date, parse_datetime
from pegboard.money import cents_to_text, format_cents, format_compact, parse_cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1200", 120000), ("1,200.50", 120050), ("$1200.5", 120050), (" 0.01 ", 1), ("0", 0)],
)
def test_parse_cents_reads_what_people_type(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter an amount"),
        ("abc", "not an amount"),
        ("-5", "negative"),
        ("1.005", "two decimal"),
        ("nan", "not an amount"),
    ],
)
def test_parse_cents_rejects_bad_amounts_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        parse_cents(text)


def test_money_is_shown_with_currency_and_rounded_half_up():
    assert format_cents(120050) == "$1,200.50"
    assert format_cents(120050, "EUR", whole=True) == "€1,201"
    assert format_cents(120049, whole=True) == "$1,200"
    assert format_compact(4_850_000) == "$48.5k"
    assert format_compact(95_000) == "$950"
    assert format_compact(310_000_000, "GBP") == "£3.1M"
    assert format_compact(104_000_000) == "$1.04M", "a big total is not rounded to $1M"
    assert cents_to_text(120005) == "1200.05"


def test_due_dates_accept_words_and_offsets():
    today = date(2026, 11, 23)
    assert parse_date("today", today) == today
    assert parse_date("tomorrow", today) == date(2026, 11, 24)
    assert parse_date("+3d", today) == date(2026, 11, 26)
    assert parse_date("+2w", today) == date(2026, 12, 7)
    assert parse_date("2027-01-05", today) == date(2027, 1, 5)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("soon", today)


def test_datetimes_are_stored_as_utc():
    moment = parse_datetime("2026-11-23T10:00:00+02:00")
    assert moment.utcoffset().total_seconds() == 0
    assert moment.hour == 8
    with pytest.raises(ValueError, match="not a date/time"):
        parse_datetime("yesterday-ish")
