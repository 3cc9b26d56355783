"""Reading the files owners bring: CSV (any of the usual delimiters) and vCard, as a
header and rows, each row with the line it starts on. Nothing here knows the database."""

from __future__ import annotations

import codecs
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


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def file_encoding(path: Path, encoding: str | None = None) -> str:
    """How to decode the file: as told (--encoding), else as its byte order mark says
    (UTF-8 or UTF-16: Excel's "Unicode Text"), else UTF-8."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportRefused(
                f"--encoding {encoding!r}: no such encoding (e.g. cp1252, latin-1)"
            ) from None
        return encoding
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    if start.startswith(UTF16_BOMS):
        return "utf-16"
    return "utf-8-sig"


def not_decoded(path: Path, encoding: str, error: UnicodeDecodeError, line: int | None) -> str:
    """The refusal for bytes that do not decode: where, and what to pass instead."""
    where = f"line {line}: " if line else ""
    byte = error.object[error.start : error.start + 1].hex()
    if encoding.startswith("utf-8"):
        return (
            f"{path.name}: {where}not UTF-8 text (byte 0x{byte}); a file saved on Windows "
            "(Outlook, Excel) is often cp1252: pass --encoding cp1252"
        )
    return f"{path.name}: {where}not {encoding} text (byte 0x{byte}); pass its --encoding"


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    return path.open("r", encoding=encoding, newline="")


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


def read_csv(
    path: Path, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (with the line each starts on), streamed.

    Read strictly: a quote left open runs to the end of the file in a lenient reader,
    swallowing every row after it into one cell, so it is refused, naming its line."""
    encoding = file_encoding(path, encoding)
    try:
        handle = _open_text(path, encoding)
        sample = handle.read(64 * 1024)
    except UnicodeDecodeError as error:
        raise ImportRefused(not_decoded(path, encoding, error, None)) from None
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    handle.seek(0)
    reader = csv.reader(handle, delimiter=sniff_delimiter(sample), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise ImportRefused(f"{path.name} is empty") from None
    except csv.Error as error:
        handle.close()
        raise ImportRefused(f"{path.name}: line 1: {_csv_problem(error)}") from None
    except UnicodeDecodeError as error:
        handle.close()
        raise ImportRefused(not_decoded(path, encoding, error, 1)) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            line = reader.line_num + 1
            try:
                for row in reader:
                    if any(cell.strip() for cell in row):
                        yield line, row
                    line = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise ImportRefused(not_decoded(path, encoding, error, line)) from None
            except csv.Error as error:
                raise ImportRefused(f"{path.name}: line {line}: {_csv_problem(error)}") from None

    return header, rows()


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return "a quote opened here is never closed (the rest of the file would be one cell)"
    if "expected after" in text:
        return f'{text}: a quoted cell must end at a delimiter (quote it whole, as "a ""b""")'
    return text


def read_table(
    path: Path, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """A CSV, a .vcf file of contacts or a folder of them, as a header and its rows."""
    if path.is_dir():
        from pegboard.services.importing.vcards import read_vcard_folder

        return read_vcard_folder(path, encoding)
    if path.suffix.lower() in (".vcf", ".vcard"):
        from pegboard.services.importing.vcards import read_vcards

        return read_vcards(path, encoding)
    return read_csv(path, encoding)
