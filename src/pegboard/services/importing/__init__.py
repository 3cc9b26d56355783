"""Bringing a book of business in: pegboard's own export folder (exactly), or a file from
HubSpot, Pipedrive, a phone or a spreadsheet (contacts or deals).

An import is all or nothing. The file is read twice, streamed: first every row is
checked and the plan made (what will be created, updated and skipped, and the values
that had to be mapped); a file with bad rows is refused whole, each bad row named with
its line, column, value and why. Then, unless it is a dry run, the rows are written in
one transaction.

    readers.py     CSV files (UTF-8, UTF-16, --encoding) as a header and rows
    vcards.py      vCard 2.1, 3.0 and 4.0 files (vobject) in the same shape
    formats.py     each amount and date column's reading, inferred or told
    plan.py        what an import will do, in words
    vocabulary.py  other programs' column names, stage and source words; --map
    rows.py        cells to typed rows and problems (no database)
    dedupe.py      one person once: by email, phone, or name and company
    writer.py      the checked rows into the book, in bulk, by field
    book.py        pegboard's own export folder, ids and all
    job.py         one import: check, then write; the preview before it
"""

from pegboard.errors import ImportRefused
from pegboard.services.importing.book import import_book, is_book_folder
from pegboard.services.importing.job import CsvImport, Preview, preview_file
from pegboard.services.importing.plan import Plan
from pegboard.services.importing.readers import normalize_header, read_csv, read_table
from pegboard.services.importing.rows import KINDS
from pegboard.services.importing.vocabulary import Mapping

__all__ = [
    "KINDS",
    "CsvImport",
    "ImportRefused",
    "Mapping",
    "Plan",
    "Preview",
    "import_book",
    "is_book_folder",
    "normalize_header",
    "preview_file",
    "read_csv",
    "read_table",
]
