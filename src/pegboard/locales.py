"""What the owner's locale says about how they write numbers, dates and phone numbers:
the defaults for config.toml's `number_format`, `date_order` and `phone_region`.

Read from the environment as the C library does (LC_ALL, then the category, then
LANG), without calling setlocale: a locale that is named but not installed still says
where its owner lives, and nothing here changes how Python formats anything."""

from __future__ import annotations

import os

DATE_ORDERS = ("dmy", "mdy", "ymd")
"""How a date typed with slashes or dots is read: 03/12/2026 is 3 December (dmy) or
March 12 (mdy); 2026/12/03 is read year first whatever the order."""

MONTH_FIRST = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
"""Territories that write the month first (03/12 is March 12)."""
YEAR_FIRST = {"CN", "JP", "KR", "KP", "TW", "HU", "LT", "MN", "IR", "BT"}
"""Territories that write the year first (2026/03/12)."""


def locale_name(category: str) -> str:
    """The locale in force for `category` (such as LC_NUMERIC): `de_DE.UTF-8`, or `C`."""
    for name in ("LC_ALL", category, "LANG"):
        if value := os.environ.get(name):
            return value
    return "C"


def language(category: str) -> str:
    """`de` for de_DE.UTF-8; `c` for the C locale."""
    return locale_name(category).split("_")[0].split(".")[0].split("@")[0].lower()


def territory(category: str) -> str | None:
    """`DE` for de_DE.UTF-8; None when the locale names no territory (C, POSIX, en)."""
    name = locale_name(category).split(".")[0].split("@")[0]
    _, _, place = name.partition("_")
    return place.upper() if len(place) == 2 and place.isalpha() else None


def default_phone_region() -> str:
    """Where a number typed without +country code is: the locale's territory, else US."""
    return territory("LC_TELEPHONE") or "US"


def default_date_order() -> str:
    """dmy, mdy or ymd as the locale's territory writes dates; mdy when it names none
    (the C locale, and what pegboard read before the order could be set)."""
    place = territory("LC_TIME")
    if place is None or place in MONTH_FIRST:
        return "mdy"
    return "ymd" if place in YEAR_FIRST else "dmy"
