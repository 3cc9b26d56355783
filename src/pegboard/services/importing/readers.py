"""Reading the files owners bring: CSV (any of the usual delimiters) and vCard, as a
header and rows, each row with the line it starts on. Nothing here knows the database."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from pegboard.errors import ImportRefused


def normalize_header(header: str) -> str:
    """Headers match by name: BOM and a trailing * dropped, trimmed, case-folded."""
    text = header.replace("\ufeff", "").strip()
    text = text.removesuffix("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def _open_text(path: Path) -> io.TextIOWrapper:
    return path.open("r", encoding="utf-8-sig", newline="")


DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV, read off its header line: the candidate that splits it
    into the most columns (a comma on a tie). Localised exports use ; and some use tabs.
    The data rows are not consulted: their cells may hold any of the candidates."""
    first = sample.split("\n", 1)[0]
    best, most = ",", 1
    for delimiter in DELIMITERS:
        try:
            columns = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if columns > most:
            best, most = delimiter, columns
    return best


def read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (with the line each starts on), streamed."""
    try:
        handle = _open_text(path)
        sample = handle.read(64 * 1024)
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    handle.seek(0)
    reader = csv.reader(handle, delimiter=sniff_delimiter(sample))
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise ImportRefused(f"{path.name} is empty") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            line = reader.line_num + 1
            try:
                for row in reader:
                    if any(cell.strip() for cell in row):
                        yield line, row
                    line = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise ImportRefused(
                    f"{path.name}: line {line}: not UTF-8 text ({error.reason})"
                ) from None
            except csv.Error as error:
                raise ImportRefused(f"{path.name}: line {line}: {error}") from None

    return header, rows()


VCARD_COLUMNS = ["name", "company", "email", "phone", "notes"]


def _vcard_value(text: str) -> str:
    """Undo vCard escaping: \\n is a new line, \\, \\; and \\\\ are themselves."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following in "nN" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def read_vcards(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Contacts from a .vcf file (vCard 3.0 and 4.0, as phones and mail clients export
    them), in the shape read_csv gives: a header and rows with their first line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path.name}: not UTF-8 text ({error.reason})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        card: dict[str, str] | None = None
        start = 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        # Unfold: a line starting with a space or tab continues the one before.
        logical: list[tuple[int, str]] = []
        for number, line in enumerate(lines, start=1):
            if line[:1] in (" ", "\t") and logical:
                logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
            else:
                logical.append((number, line))
        for number, line in logical:
            name, colon, value = line.partition(":")
            if not colon:
                continue
            prop = name.split(";")[0].split(".")[-1].upper()
            if prop == "BEGIN" and value.strip().upper() == "VCARD":
                card, start = {}, number
            elif prop == "END" and card is not None:
                # FN is the name as shown; N (family;given;...) stands in when FN is missing.
                card.setdefault("name", card.pop("n", ""))
                yield start, [card.get(column, "") for column in VCARD_COLUMNS]
                card = None
            elif card is not None:
                value = _vcard_value(value.strip())
                if prop == "FN" and value:
                    card["name"] = value
                elif prop == "N":
                    family, _, rest = value.partition(";")
                    given = rest.split(";")[0]
                    card["n"] = " ".join(part for part in (given, family) if part)
                elif prop == "ORG":
                    card.setdefault("company", value.split(";")[0])
                elif prop == "EMAIL":
                    card.setdefault("email", value.removeprefix("mailto:"))
                elif prop == "TEL":
                    card.setdefault("phone", value.removeprefix("tel:"))
                elif prop == "NOTE":
                    card.setdefault("notes", value)

    return list(VCARD_COLUMNS), rows()


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """A CSV, or a .vcf file of contacts, as a header and its rows."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return read_vcards(path)
    return read_csv(path)
