"""The CSV reader on arbitrary text (property-based): whatever a spreadsheet writes, in
any of the delimiters, with or without a BOM, LF or CRLF, it reads back the same cells;
and whatever the bytes, it either reads them or refuses with ImportRefused."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pegboard.services.importing import ImportRefused, normalize_header, read_csv

cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
row = st.lists(cell, min_size=3, max_size=3)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(row, min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
    crlf=st.booleans(),
)
# Found by hypothesis: commas in the header, tabs in every data cell; a sniffer that
# looked at the whole sample took the tab.
@example(rows=[["\t", "", "\t"], ["\t", "", "\t"]], delimiter=",", bom=False, crlf=False)
def test_what_a_spreadsheet_writes_reads_back_cell_for_cell(tmp_path, rows, delimiter, bom, crlf):
    header = ["Name", "Email", "Company"]
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL
    )
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "sheet.csv"
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")
    got_header, got_rows = read_csv(path)
    assert got_header == header
    kept = [r for r in rows if any(value.strip() for value in r)]
    assert [cells for _, cells in got_rows] == kept


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_message(tmp_path, data):
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        _header, rows = read_csv(path)
        for _line, cells in rows:
            assert isinstance(cells, list)
    except ImportRefused as refused:
        assert str(refused)


@given(st.text(max_size=20).filter(lambda text: not text.rstrip().endswith("*")))
def test_header_names_normalise_the_same_whatever_the_spacing_and_case(name):
    messy = f"\ufeff  {name.upper()} *  "
    assert normalize_header(messy) == normalize_header(name.upper())
