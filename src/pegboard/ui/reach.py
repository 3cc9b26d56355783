"""How to reach a person, as the detail pages show it on one line."""

from __future__ import annotations


def reach_line(email: str, phone: str, also: tuple[str, ...] = ()) -> str:
    """`ann@x.com · 555-0100 · also ann@home.com, 555-0101`, or `—` for nothing."""
    parts = [value for value in (email, phone) if value]
    if also:
        parts.append("also " + ", ".join(also))
    return " · ".join(parts) or "—"
