"""Money as integer cents: parsing what people type and showing it back."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "$", "AUD": "$"}


def parse_cents(text: str) -> int:
    """'1,200.50' or '$1200.5' -> 120050. Rejects negatives and fractions of a cent."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    cleaned = cleaned.lstrip("".join(set(CURRENCY_SYMBOLS.values()))).strip()
    if not cleaned:
        raise ValueError("enter an amount, e.g. 1200 or 1200.50")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text.strip()!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {text.strip()!r}")
    if amount < 0:
        raise ValueError("the amount cannot be negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("at most two decimal places")
    cents = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if cents >= 10**15:
        raise ValueError("that amount is too large")
    return cents


def symbol_for(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")


def format_cents(cents: int, currency: str = "USD", *, whole: bool = False) -> str:
    """120050 -> '$1,200.50' (or '$1,201' with whole=True, rounded half up)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    symbol = symbol_for(currency)
    if whole:
        units = (cents + 50) // 100
        return f"{sign}{symbol}{units:,}"
    return f"{sign}{symbol}{cents // 100:,}.{cents % 100:02d}"


def format_compact(cents: int, currency: str = "USD") -> str:
    """Short form for tight places like column headers: $950, $12.4k, $3.1M."""
    symbol = symbol_for(currency)
    units = Decimal(cents) / 100
    for limit, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "k")):
        if units >= limit:
            value = (units / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{symbol}{value.normalize():f}{suffix}"
    return f"{symbol}{units.quantize(Decimal('1'), rounding=ROUND_HALF_UP):f}"


def cents_to_text(cents: int) -> str:
    """Cents as a plain editable number ('1200.50'), for pre-filling a form."""
    return f"{cents // 100}.{cents % 100:02d}"
