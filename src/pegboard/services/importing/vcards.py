"""Contacts from .vcf files as phones, mail clients and Apple export them: vCard 2.1
(Android and Outlook's default, quoted-printable), 3.0 and 4.0, read with vobject, the
reader khard and khal use, in the shape read_csv gives: a header and rows with the
line each card starts on.

vobject decodes quoted-printable, charsets, escapes (`ORG:Smith\\; Sons` is one name),
quoted parameters (`SORT-AS="Acme:JP"`) and groups (`item1.TEL`). What it does not do
is done here: a quoted-printable soft line break (`=` at the end of a line, the next
line continuing without a leading space) is joined first, and a card's preferred email
and phone (`TYPE=pref`, `PREF=1`, vCard 2.1's bare `PREF`) come first. A card's other
emails and phones are kept too, in one cell, apart by ` ::: ` (as Google writes them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pegboard.errors import ImportRefused
from pegboard.services.importing.readers import file_encoding, not_decoded

VCARD_COLUMNS = ["name", "company", "job title", "email", "phone", "notes"]
VCARD_SUFFIXES = (".vcf", ".vcard")
MANY = " ::: "
"""Between the values of one cell that holds several (Google's own separator)."""

BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE | re.MULTILINE)
END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE | re.MULTILINE)


def read_vcards(
    path: Path, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    return list(VCARD_COLUMNS), _card_rows(path, _vcard_text(path, encoding))


def _vcard_text(path: Path, encoding: str | None) -> str:
    """The file decoded (a refusal names the line of a byte that does not decode)."""
    encoding = file_encoding(path, encoding)
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise ImportRefused(not_decoded(path, encoding, error, line)) from None
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    return text.replace("\r\r\n", "\r\n")


def _card_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """The cards of one file's text, each with the line it starts on."""
    starts = _card_starts(path, text)

    def rows() -> Iterator[tuple[int, list[str]]]:
        import vobject

        try:
            cards = list(vobject.readComponents(join_soft_breaks(text), ignoreUnreadable=True))
        except vobject.base.ParseError as error:
            raise ImportRefused(f"{path.name}: {_shown_error(error)}") from None
        for start, card in zip(starts, (c for c in cards if c.name == "VCARD"), strict=False):
            yield start, card_cells(card)

    return rows()


def read_vcard_folder(
    folder: Path, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """A folder of .vcf files (a vdir: khard's, vdirsyncer's, pegboard's own vCard
    export) as one file: its cards in file name order, lines counted on through them."""
    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in VCARD_SUFFIXES)
    if not files:
        raise ImportRefused(f"{folder}: no .vcf files in it, and not a pegboard export folder")

    def rows() -> Iterator[tuple[int, list[str]]]:
        offset = 0
        for path in files:
            text = _vcard_text(path, encoding)
            yield from ((offset + line, cells) for line, cells in _card_rows(path, text))
            offset += text.count("\n") + 1

    return list(VCARD_COLUMNS), rows()


def _card_starts(path: Path, text: str) -> list[int]:
    """The line each card begins on; a card with no END:VCARD before the next BEGIN (or
    the end of the file) is refused, naming its line and its name."""
    begins = [text.count("\n", 0, match.start()) + 1 for match in BEGIN.finditer(text)]
    ends = [text.count("\n", 0, match.start()) + 1 for match in END.finditer(text)]
    if not begins:
        raise ImportRefused(f"{path.name}: no BEGIN:VCARD: not a vCard file")
    for index, begin in enumerate(begins):
        following = begins[index + 1] if index + 1 < len(begins) else float("inf")
        if not any(begin < end < following for end in ends):
            name = re.search(r"^FN[^:\n]*:(.*)$", text.split("\n", begin)[-1], re.MULTILINE)
            called = f" ({name.group(1).strip()})" if name else ""
            raise ImportRefused(
                f"{path.name}: line {begin}: the card{called} has no END:VCARD; "
                "the file is cut short or two cards ran together"
            )
    return begins


def join_soft_breaks(text: str) -> str:
    """vCard 2.1's quoted-printable soft line breaks undone: a QP value whose line ends
    in `=` goes on at the start of the next line."""
    out: list[str] = []
    joining = False
    for line in text.splitlines():
        if joining:
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
        last = out[-1]
        joining = last.endswith("=") and "QUOTED-PRINTABLE" in last.split(":", 1)[0].upper()
    return "\r\n".join(out) + "\r\n"


def card_cells(card) -> list[str]:
    """One card as the VCARD_COLUMNS cells."""
    contents = card.contents
    name = _first_text(contents.get("fn"))
    if not name and "n" in contents:
        parts = contents["n"][0].value
        name = " ".join(
            part
            for part in (parts.prefix, parts.given, parts.additional, parts.family)
            if isinstance(part, str) and part
        )
    org = contents.get("org")
    company = ""
    if org:
        value = org[0].value
        company = (value[0] if isinstance(value, list) else str(value)).strip()
    emails = _preferred_first(contents.get("email", []))
    phones = [phone.removeprefix("tel:") for phone in _preferred_first(contents.get("tel", []))]
    notes = "\n\n".join(_note(note.value) for note in contents.get("note", []))
    return [
        name,
        company,
        _first_text(contents.get("title")),
        MANY.join(emails),
        MANY.join(phones),
        notes,
    ]


def _note(value) -> str:
    """A NOTE's lines, without the spaces and tabs exporters leave at their ends
    (Outlook writes a tab before each line break)."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip(" \t") for line in lines).strip()


def _first_text(lines) -> str:
    return str(lines[0].value).strip() if lines else ""


def _preferred_first(lines) -> list[str]:
    """Values in the card's order, with the preferred one first (stable otherwise)."""
    values = [
        (not _preferred(line), index, str(line.value).strip()) for index, line in enumerate(lines)
    ]
    return [value for _, _, value in sorted(values) if value]


def _preferred(line) -> bool:
    types = [t.lower() for value in line.params.get("TYPE", []) for t in value.split(",")]
    singles = [value.lower() for value in getattr(line, "singletonparams", [])]
    return "pref" in types or "pref" in singles or bool(line.params.get("PREF"))


def _shown_error(error) -> str:
    """vobject's parse error as one line: its own words, with the line it names."""
    return " ".join(str(error).split())
