"""Money as integer minor units (cents; yen for JPY): reading what people type in the
book's own number format, and showing it back the same way.

An amount is read exactly or refused, never scaled: under `1,234.56` the text
`1200,50` is refused (a comma groups thousands there) with the reading it would have
under `1.234,56`, instead of becoming 120,050.00.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pegboard.locales import language

NUMBER_FORMATS: dict[str, tuple[str, str]] = {
    "1,234.56": (".", ","),
    "1.234,56": (",", "."),
    "1 234,56": (",", " "),
    "1'234.56": (".", "'"),
    "1234.56": (".", ""),
    "1234,56": (",", ""),
}
"""How a book writes amounts (config.toml's `number_format`): decimal and grouping mark."""

CURRENCIES: dict[str, tuple[str, int]] = {
    "USD": ("$", 2),
    "EUR": ("€", 2),
    "GBP": ("£", 2),
    "JPY": ("¥", 0),
    "CAD": ("CA$", 2),
    "AUD": ("A$", 2),
    "NZD": ("NZ$", 2),
    "CHF": ("CHF ", 2),
    "SEK": ("SEK ", 2),
    "NOK": ("NOK ", 2),
    "DKK": ("DKK ", 2),
    "PLN": ("PLN ", 2),
    "CZK": ("CZK ", 2),
    "INR": ("₹", 2),
    "BRL": ("R$", 2),
    "MXN": ("MX$", 2),
    "ZAR": ("ZAR ", 2),
    "KRW": ("₩", 0),
    "CNY": ("CN¥", 2),
    "HKD": ("HK$", 2),
    "SGD": ("SGD ", 2),
    "ILS": ("₪", 2),
    "KWD": ("KWD ", 3),
    "BHD": ("BHD ", 3),
}
"""The symbol (as an English-speaking reader sees it: `$` is the US dollar, Canada's is
`CA$`) and minor digits of common currencies, checked against the CLDR's (babel's) in
the tests. Others are looked up in babel when first needed, off the start path (its
import and data cost about 25 ms)."""

COMMA_DECIMAL_LANGUAGES = {
    "de": "1.234,56",
    "es": "1.234,56",
    "it": "1.234,56",
    "nl": "1.234,56",
    "pt": "1.234,56",
    "da": "1.234,56",
    "id": "1.234,56",
    "tr": "1.234,56",
    "fr": "1 234,56",
    "sv": "1 234,56",
    "fi": "1 234,56",
    "nb": "1 234,56",
    "pl": "1 234,56",
    "cs": "1 234,56",
    "ru": "1 234,56",
    "uk": "1 234,56",
}
"""Where the owner's locale writes `1.234,56` or `1 234,56` (the default format)."""

LARGEST = 10**15
"""Amounts at or above this many minor units are refused (a typo, or a lost mark)."""


def default_number_format() -> str:
    """The number format of the owner's locale (LC_ALL, LC_NUMERIC, LANG), else 1,234.56."""
    return COMMA_DECIMAL_LANGUAGES.get(language("LC_NUMERIC"), "1,234.56")


class Currency(str):
    """An ISO 4217 code (it is that string) and how amounts in it are written in this
    book: its symbol and minor digits, and the number format's decimal and group mark."""

    symbol: str
    digits: int
    decimal: str
    group: str
    number_format: str

    def __new__(cls, code: str = "USD", number_format: str = "1,234.56") -> Currency:
        code = code.upper()
        currency = super().__new__(cls, code)
        currency.symbol, currency.digits = _facts_of(code)
        currency.number_format = number_format
        currency.decimal, currency.group = NUMBER_FORMATS[number_format]
        return currency

    def __reduce__(self):
        return (Currency, (str(self), self.number_format))


def currency_of(currency: str) -> Currency:
    return currency if isinstance(currency, Currency) else Currency(currency)


def _facts_of(code: str) -> tuple[str, int]:
    if code in CURRENCIES:
        return CURRENCIES[code]
    try:
        from babel.numbers import get_currency_precision, get_currency_symbol
    except ImportError:
        return f"{code} ", 2
    symbol = get_currency_symbol(code, locale="en")
    return (symbol if symbol != code else f"{code} "), get_currency_precision(code)


def parse_cents(text: str, currency: str = "USD") -> int:
    """An amount as typed, in minor units: under 1,234.56, '1,200.50', '$1200.5' and
    '1200.50 $' are 120050. Refuses negatives, fractions of a minor unit and any text
    this book's format does not read exactly, saying how it would read otherwise."""
    money = currency_of(currency)
    body = _without_currency(text.strip(), money)
    if not body:
        raise ValueError(f"enter an amount, e.g. {_example(money)}")
    if body.startswith("-"):
        raise ValueError("the amount cannot be negative")
    reading, problem = _read(body, money)
    if problem:
        raise ValueError(_refusal(text.strip(), money, problem))
    if reading >= LARGEST:
        raise ValueError("that amount is too large")
    return reading


def _without_currency(text: str, money: Currency) -> str:
    marks = {money.symbol.strip(), str(money), "$", "€", "£", "¥"}
    for mark in sorted(marks, key=len, reverse=True):
        if mark and text.upper().startswith(mark.upper()):
            text = text[len(mark) :].strip()
        if mark and text.upper().endswith(mark.upper()):
            text = text[: -len(mark)].strip()
    return text


def _read(body: str, money: Currency) -> tuple[int, str]:
    """(minor units, '') or (0, what is wrong) for text without its currency."""
    spaces = "\u00a0\u202f " if money.group == " " else ""
    group = money.group
    cleaned = "".join(" " if ch in spaces else ch for ch in body)
    allowed = set("0123456789") | {money.decimal} | ({group} if group else set())
    if not cleaned or any(ch not in allowed for ch in cleaned):
        return 0, "not an amount"
    whole, _, fraction = cleaned.partition(money.decimal)
    if money.decimal in fraction:
        return 0, f"more than one {money.decimal!r}"
    if group and group in fraction:
        return 0, f"{group!r} after the decimal mark"
    if group and group in whole:
        parts = whole.split(group)
        if not (1 <= len(parts[0]) <= 3 and all(len(part) == 3 for part in parts[1:])):
            return 0, f"{group!r} groups thousands here, so groups of three digits follow it"
        whole = "".join(parts)
    if not (whole or fraction) or not (whole + fraction).isdigit():
        return 0, "not an amount"
    if len(fraction) > money.digits:
        if money.digits == 0:
            return 0, f"{money} has no minor unit, so no decimals"
        places = {1: "one decimal place", 2: "two decimal places", 3: "three decimal places"}
        return 0, f"at most {places.get(money.digits, f'{money.digits} decimal places')}"
    return int(whole or "0") * 10**money.digits + int(fraction.ljust(money.digits, "0") or "0"), ""


def _refusal(text: str, money: Currency, problem: str) -> str:
    """Why `text` is refused, and how to type what it would mean in another format."""
    message = f"{text!r} is not an amount as this book writes them ({_example(money)}): {problem}"
    meanings = []
    for number_format in NUMBER_FORMATS:
        if number_format == money.number_format:
            continue
        other = Currency(money, number_format)
        reading, trouble = _read(_without_currency(text, other), other)
        if not trouble and reading:
            meaning = f"{format_cents(reading, money)}, type {cents_to_text(reading, money)}"
            if meaning not in meanings:
                meanings.append(meaning)
    if meanings:
        message += "; if you mean " + ", or if you mean ".join(meanings)
    return message


def _example(money: Currency) -> str:
    return format_cents(120050 if money.digits == 2 else 1200 * 10**money.digits, money)


def symbol_for(currency: str) -> str:
    return currency_of(currency).symbol


def format_cents(cents: int, currency: str = "USD", *, whole: bool = False) -> str:
    """120050 -> '$1,200.50' (or '$1,201' with whole=True, rounded half up), in the
    book's number format; yen show no decimals."""
    money = currency_of(currency)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    scale = 10**money.digits
    if whole or not money.digits:
        units = (cents + scale // 2) // scale
        return f"{sign}{money.symbol}{_grouped(units, money)}"
    units, minor = divmod(cents, scale)
    return f"{sign}{money.symbol}{_grouped(units, money)}{money.decimal}{minor:0{money.digits}d}"


def _grouped(units: int, money: Currency) -> str:
    return f"{units:,}".replace(",", money.group)


def format_compact(cents: int, currency: str = "USD") -> str:
    """Short form for tight places like column headers: $950, $12.4k, $3.1M, $1.04M (two
    places for millions and billions: a total of $1,040,000 is not shown as $1M)."""
    money = currency_of(currency)
    units = Decimal(cents) / 10**money.digits
    for limit, suffix, places in (
        (Decimal(10**9), "B", "0.01"),
        (Decimal(10**6), "M", "0.01"),
        (Decimal(10**3), "k", "0.1"),
    ):
        if units >= limit:
            value = (units / limit).quantize(Decimal(places), rounding=ROUND_HALF_UP)
            return f"{money.symbol}{value.normalize():f}{suffix}".replace(".", money.decimal)
    return f"{money.symbol}{units.quantize(Decimal('1'), rounding=ROUND_HALF_UP):f}"


def cents_to_text(cents: int, currency: str = "USD") -> str:
    """Minor units as a plain editable number ('1200.50'; '1200,50' in a comma book), for
    pre-filling a form: what parse_cents reads back exactly."""
    money = currency_of(currency)
    if not money.digits:
        return str(cents)
    units, minor = divmod(cents, 10**money.digits)
    return f"{units}{money.decimal}{minor:0{money.digits}d}"


def units_to_minor(amount: Decimal, currency: str = "USD") -> int:
    """A config amount in currency units (10, 12.5) as minor units."""
    return int(amount * 10 ** currency_of(currency).digits)


def minor_to_units(minor: int, currency: str = "USD") -> int | float:
    """Minor units as a config amount in currency units (for writing config.toml)."""
    digits = currency_of(currency).digits
    if minor % 10**digits == 0:
        return minor // 10**digits
    return float(Decimal(minor) / 10**digits)
