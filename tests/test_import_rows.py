"""An import's row logic on its own: cells to typed rows and problems, with no database
at all (the book is not open; any query would raise)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.services.importing.rows import Plan, RowReader
from pegboard.services.importing.vocabulary import Mapping
from pegboard.store.models import db

PIPEDRIVE_DEALS = (
    "Deal - Title,Deal - Value,Deal - Stage,Deal - Status,Person - Name,"
    "Deal - Organization,Person - Email - Work,Deal - Add time,Deal - Lost reason\n"
    "Kitchen remodel,4500,Proposal Made,open,Dana Price,Price & Co,dana@example.com,"
    "2026-10-02 09:30:00,\n"
    "Bathroom,1200,Contact Made,lost,Eli Moss,,eli@example.com,2026-09-01,Went elsewhere\n"
    "Garage,lots,Lead In,open,Fay Lin,,,10/40/2026,\n"
)


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    monkeypatch.setattr(db, "obj", None)


def test_deal_rows_are_read_and_translated_without_a_database(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(PIPEDRIVE_DEALS)
    reader = RowReader(Settings(), path)
    assert reader.kind == "leads"
    plan, problems = Plan(reader.kind), []
    rows = list(reader.checked_rows(plan, problems))
    assert plan.rows == 3
    assert [row.name for row in rows] == ["Dana Price", "Eli Moss", "Fay Lin"]
    dana, eli, _fay = rows
    assert dana.company == "Price & Co" and dana.email == "dana@example.com"
    assert dana.lead["stage"] == "proposal" and dana.lead["value_cents"] == 450_000
    assert dana.lead["created"] == datetime(2026, 10, 2, 9, 30, tzinfo=UTC)
    assert eli.lead["stage"] == "lost" and eli.lead["lost_reason"] == "Went elsewhere"
    assert plan.mapped[("stage", "Proposal Made", "proposal")] == 1
    # Both of Fay's bad cells are named, with their column as the file spells it.
    assert problems == [
        "line 4: Deal - Value='lots': " + problems[0].split(": ", 2)[2],
        "line 4: Deal - Add time='10/40/2026': " + problems[1].split(": ", 2)[2],
    ]
    assert "not a date" in problems[1]


def test_purchase_rows_need_a_date_and_an_amount(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Customer,Order Date,Amount,Item\nAnn Lee,2026-11-02,89.90,Candles\nBo,,12,\n")
    reader = RowReader(Settings(), path, "purchases")
    problems: list[str] = []
    rows = list(reader.checked_rows(Plan(reader.kind), problems))
    assert rows[0].purchase == (date(2026, 11, 2), 8990, "Candles")
    assert rows[1].purchase is None
    assert problems == ["line 3: Order Date='': a purchase needs its date"]


def test_a_mapping_names_a_column_the_vocabulary_does_not_know(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("Kunde;Firma\nJörg Ähler;Bäckerei Ähler\n")
    with pytest.raises(ImportRefused, match="no column names the person"):
        RowReader(Settings(), path)
    mapping = Mapping.parse(["Kunde=name", "Firma=company"], Settings())
    rows = list(RowReader(Settings(), path, "contacts", mapping).checked_rows(Plan("contacts"), []))
    assert (rows[0].name, rows[0].company) == ("Jörg Ähler", "Bäckerei Ähler")
