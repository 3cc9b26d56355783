"""Text from the book or the world as it may be shown on a terminal: as data, never as
commands to it. A name holding `ESC [2J` (clear the screen), `ESC ]52;...` (write the
clipboard) or a bell is shown with its control characters as visible symbols (`␛`), and
a bidi override, which would show the rest of the line backwards, as its code."""

from __future__ import annotations

import re
import unicodedata

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
"""C0 controls as Unicode's control pictures: ESC is ␛, BEL is ␇, NUL is ␀."""
_PICTURES[0x7F] = "␡"
_ESCAPED = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
"""C1 controls (CSI is \\x9b), which have no pictures, as their escape."""
_BIDI = {
    code: f"\\u{code:04x}"
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}
"""Bidi marks, embeddings, overrides and isolates."""

SHOWN = {**_PICTURES, **_ESCAPED, **_BIDI}
SHOWN_KEEPING_LINES = {code: shown for code, shown in SHOWN.items() if code not in (9, 10)}


def _finder(codes) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


ANY = _finder(SHOWN)
ANY_BUT_LINES = _finder(SHOWN_KEEPING_LINES)
"""Found first in C, so text with nothing to show (nearly all of it) is not translated:
str.translate looks each character up, 40 ms for a 10,000-lead JSON listing."""


def shown(text: str, *, lines: bool = False) -> str:
    """`text` with every control character visible; with `lines`, tabs and line breaks
    stay (a note of several lines)."""
    if not (ANY_BUT_LINES if lines else ANY).search(text):
        return text
    return text.translate(SHOWN_KEEPING_LINES if lines else SHOWN)


def one_line(text: str) -> str:
    """`text` on one line (line breaks and tabs become spaces), every other control
    character visible."""
    return shown(" ".join(text.split()))


def control_characters(text: str, *, lines: bool = False) -> list[str]:
    """The control characters in `text` as shown (`['␛', '\\x9b']`): input that holds
    any is refused by forms, the command line and imports."""
    if not (ANY_BUT_LINES if lines else ANY).search(text):
        return []  # found in C: an import checks millions of cells, nearly all clean
    table = SHOWN_KEEPING_LINES if lines else SHOWN
    return list(dict.fromkeys(table[ord(ch)] for ch in text if ord(ch) in table))


JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *_BIDI)}
"""What json.dumps leaves raw that a terminal would act on (it escapes C0 itself):
written as JSON's own escapes, the same text to a reader of the JSON."""


JSON_RAW = _finder(JSON_ESCAPES)


def terminal_safe_json(document: str) -> str:
    return document.translate(JSON_ESCAPES) if JSON_RAW.search(document) else document


class VisibleControls:
    """A text stream (a command's stdout) through which no control character passes
    raw: each is shown (see `shown`); line breaks, tabs and CSV's CR LF stay."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        written = text
        if ANY_BUT_LINES.search(text):
            written = "\r\n".join(shown(part, lines=True) for part in text.split("\r\n"))
        self.stream.write(written)
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def folded(text: str) -> str:
    """Text as a search or a look-up by name compares it: accents and case folded
    (NFKD, combining marks dropped, casefold), so `jose` finds José, `bjorn` Björn,
    `nunez` Núñez and `strasse` Straße. ASCII text is only lower-cased (no normalising)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def display_width(text: str) -> int:
    """Terminal columns `text` takes: a wide character (CJK, fullwidth) two, a combining
    mark none, the rest one."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def ljust_display(text: str, width: int) -> str:
    """`text` padded with spaces on the right to `width` terminal columns (as str.ljust,
    counting columns: `山田太郎` takes eight)."""
    return text + " " * max(0, width - display_width(text))


def rjust_display(text: str, width: int) -> str:
    return " " * max(0, width - display_width(text)) + text


def counted(count: int, one: str, many: str | None = None) -> str:
    """`1 new referral`, `2 new referrals`: the count with its noun in number."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
