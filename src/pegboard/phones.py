"""Phone numbers: kept as typed for people to read, matched by a normalised key.

`(555) 010-0177` and `555-010-0177` are one number, as are `0170 1234567` typed in
Germany and `+49 170 1234567`; `555-0199 ext 12` keeps its extension and
`1-800-FLOWERS` is read as the digits it spells. The key is E.164 (`+15550100177`),
with `;ext=12` for an extension, as libphonenumber (the phonenumbers package) reads the
number in the book's default region. A number it cannot read is keyed by its digits,
so two copies of it still match each other.

phonenumbers takes about 18 ms to import: it is imported when a phone is first checked
or keyed, never on the way to the first screen."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

UNREADABLE_PREFIX = "#"
"""Starts the key of a number libphonenumber cannot read: its digits follow."""


def phone_key(text: str, region: str) -> str:
    """The key two ways of writing one number share; "" for no number."""
    text = text.strip()
    if not text:
        return ""
    number = _parsed(text, region)
    if number is None:
        return UNREADABLE_PREFIX + (re.sub(r"\D", "", text) or text.casefold())
    import phonenumbers

    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{key};ext={number.extension}" if number.extension else key


def phone_problem(text: str, region: str) -> str | None:
    """What is wrong with a typed phone number, or None (also for no number)."""
    text = text.strip()
    if not text:
        return None
    if re.search(r"[^\w\s()+.\-/#,;*]", text):
        return "digits, letters, spaces and + ( ) - . / only"
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        refused = phonenumbers.NumberParseException
        return {
            refused.INVALID_COUNTRY_CODE: "no country has the code it starts with",
            refused.TOO_SHORT_NSN: TOO_FEW,
            refused.TOO_SHORT_AFTER_IDD: TOO_FEW,
            refused.TOO_LONG: TOO_MANY,
        }.get(error.error_type, "not a phone number (e.g. +1 555 010 0177, 555-0199 ext 12)")
    reason = phonenumbers.is_possible_number_with_reason(number)
    possible = phonenumbers.ValidationResult
    digits = len(str(number.national_number))
    if digits < FEWEST_DIGITS or reason == possible.TOO_SHORT:
        return TOO_FEW
    if reason == possible.INVALID_LENGTH and digits < 7:
        return TOO_FEW
    if reason == possible.TOO_LONG:
        return TOO_MANY
    return None


FEWEST_DIGITS = 4
"""Below this many digits after the country and trunk codes, no number is a subscriber's
(the shortest, Niue's, have four), whatever a region's metadata allows for local dialling."""
TOO_FEW = "too few digits for a phone number"
TOO_MANY = "too many digits for a phone number"


def phone_reading(text: str, region: str) -> str:
    """How a typed number was read, for a form to show beside it: `+1 555-010-0177
    ext. 12`; "" when it does not read."""
    number = _parsed(text.strip(), region) if text.strip() else None
    if number is None:
        return ""
    import phonenumbers

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parsed(text: str, region: str):
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if number.national_number else None


@cache
def region_known(region: str) -> bool:
    """Whether libphonenumber has metadata for a region code such as DE: checked from its
    files, without importing it (config.toml is read on every start)."""
    spec = importlib.util.find_spec("phonenumbers")
    if spec is None or spec.origin is None:
        return False
    return (Path(spec.origin).parent / "data" / f"region_{region}.py").is_file()
