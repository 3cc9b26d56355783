"""Text from the book or the world as it may be shown on a terminal: as data, never as
commands to it."""

from __future__ import annotations

_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
"""C0 and C1 control characters and DEL, each shown as its escape (`\\x1b`)."""


def one_line(text: str) -> str:
    """`text` on one line: line breaks and tabs become single spaces, and any other
    control character (a terminal escape, a bell) is shown escaped, not sent."""
    flat = " ".join(text.split())
    return flat.translate(_CONTROL)
