"""Amounts in the owner's number format: read exactly or refused with what they would
mean, never scaled; shown back the same way; each currency with its own minor units and
symbol (checked against the CLDR's data, as babel ships it)."""

import pytest

from pegboard.cli import main
from pegboard.config import Settings, load_settings
from pegboard.errors import ConfigError
from pegboard.money import (
    CURRENCIES,
    Currency,
    cents_to_text,
    default_number_format,
    format_cents,
    parse_cents,
)
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Lead, Purchase
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.lead_form import LeadForm
from pegboard.wiring import Services

EURO = Currency("EUR", "1.234,56")


@pytest.mark.parametrize(
    ("number_format", "text", "cents"),
    [
        ("1,234.56", "1,200.50", 120050),
        ("1,234.56", "$1200.5", 120050),
        ("1,234.56", "1,234", 123400),
        ("1.234,56", "1.200,50", 120050),
        ("1.234,56", "1200,50", 120050),
        ("1.234,56", "€1.200", 120000),
        ("1.234,56", "1200 €", 120000),
        ("1 234,56", "1 200,50", 120050),
        ("1 234,56", "1\u202f200,50", 120050),
        ("1'234.56", "CHF 1'200.50", 120050),
    ],
)
def test_an_amount_is_read_exactly_in_the_books_format(number_format, text, cents):
    currency = Currency("CHF" if "'" in number_format else "EUR", number_format)
    assert parse_cents(text, currency) == cents
    assert parse_cents(cents_to_text(cents, currency), currency) == cents


@pytest.mark.parametrize(
    ("number_format", "text", "meaning"),
    [
        ("1,234.56", "1200,50", "if you mean $1,200.50, type 1200.50"),
        ("1,234.56", "12,50", "if you mean $12.50, type 12.50"),
        ("1.234,56", "1,234", "if you mean €1.234,00, type 1234,00"),
        ("1.234,56", "1200.50", "if you mean €1.200,50, type 1200,50"),
    ],
)
def test_an_ambiguous_amount_is_refused_with_what_it_would_mean(number_format, text, meaning):
    currency = Currency("USD" if number_format == "1,234.56" else "EUR", number_format)
    with pytest.raises(ValueError, match="is not an amount as this book writes them") as caught:
        parse_cents(text, currency)
    assert meaning in str(caught.value)


def test_currencies_keep_their_own_minor_units_and_symbols():
    assert format_cents(123456, "JPY") == "¥123,456"
    assert parse_cents("¥123,456", "JPY") == 123456
    with pytest.raises(ValueError, match="JPY has no minor unit"):
        parse_cents("123.45", "JPY")
    assert format_cents(120050, "CAD") == "CA$1,200.50"
    assert format_cents(120050, "AUD") == "A$1,200.50"
    assert format_cents(120050, "USD") == "$1,200.50"
    assert format_cents(120050, EURO) == "€1.200,50"
    assert format_cents(1234567, "KWD") == "KWD 1,234.567"


def test_the_built_in_currency_table_agrees_with_the_cldr():
    babel = pytest.importorskip("babel.numbers")
    for code, (symbol, digits) in CURRENCIES.items():
        assert babel.get_currency_precision(code) == digits, code
        theirs = babel.get_currency_symbol(code, locale="en")
        assert symbol.strip() == theirs or (theirs == code and symbol == f"{code} "), code


def test_a_currency_beyond_the_table_is_looked_up_in_the_cldr():
    pytest.importorskip("babel.numbers")
    assert Currency("ISK").digits == 0
    assert Currency("TND").digits == 3


def test_the_default_format_follows_the_locale(monkeypatch):
    monkeypatch.setenv("LC_NUMERIC", "de_DE.UTF-8")
    assert default_number_format() == "1.234,56"
    monkeypatch.setenv("LC_NUMERIC", "fr_FR.UTF-8")
    assert default_number_format() == "1 234,56"
    monkeypatch.setenv("LC_NUMERIC", "en_GB.UTF-8")
    assert default_number_format() == "1,234.56"
    monkeypatch.setenv("LC_ALL", "C")
    assert default_number_format() == "1,234.56"


def test_config_names_a_bad_format_and_reads_amounts_in_minor_units(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('number_format = "1;234"\n')
    with pytest.raises(ConfigError, match="number_format: must be one of") as caught:
        load_settings(path)
    assert caught.value.line == 1
    path.write_text(
        'currency = "JPY"\n[goal]\nrevenue = 500000\n[[loyalty.rules]]\nevery = 5\namount = 1000\n'
    )
    settings = load_settings(path)
    assert settings.revenue_goal_cents == 500000
    assert settings.loyalty_rules[0].amount_cents == 1000
    assert settings.loyalty_rules[0].name == "¥1,000 off every 5th purchase"
    path.write_text('currency = "JPY"\n[goal]\nrevenue = 10.5\n')
    with pytest.raises(ConfigError, match="smallest unit"):
        load_settings(path)


def book_with_format(tmp_path, number_format: str, currency: str = "EUR"):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        f'currency = "{currency}"\nnumber_format = "{number_format}"\n'
    )
    return tmp_path / "book.db", config


def test_the_command_line_reads_the_books_format(tmp_path, capsys, monkeypatch):
    db, config = book_with_format(tmp_path, "1.234,56")
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    assert main(["--db", str(db), "lead", "add", "Ann", "--value", "1200,50"]) == 0
    close_database()
    capsys.readouterr()
    assert main(["--db", str(db), "lead", "add", "Bob", "--value", "1200.50"]) == 2
    assert "if you mean €1.200,50, type 1200,50" in capsys.readouterr().err
    assert main(["--db", str(db), "leads"]) == 0
    close_database()
    assert "€1.200,50" in capsys.readouterr().out
    open_database(str(db))
    assert [lead.value_cents for lead in Lead.select()] == [120050]
    close_database()


def test_an_import_reads_each_amount_column_as_its_values_show(tmp_path, capsys, monkeypatch):
    """A book that writes 1.234,56 imports a file written 1,234.56 (its 1200.50 can only
    be read one way) as exactly as one in its own format; a column that never says
    (only 1.200) is refused until --decimal says, never read as the book would guess."""
    db, config = book_with_format(tmp_path, "1.234,56")
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    theirs, ours, unclear = tmp_path / "theirs.csv", tmp_path / "ours.csv", tmp_path / "unclear.csv"
    theirs.write_text("Date,Amount,Item,Name\n2026-11-02,1200.50,Books,Fay Tan\n", "utf-8")
    ours.write_text("Date;Amount;Item;Name\n2026-11-03;1.200,50;Books;Fay Tan\n", "utf-8")
    unclear.write_text("Date;Amount;Item;Name\n2026-11-04;1.200;Books;Fay Tan\n", "utf-8")
    for path in (theirs, ours):
        assert main(["--db", str(db), "import", str(path), "--kind", "purchases"]) == 0
        close_database()
    assert main(["--db", str(db), "import", str(unclear), "--kind", "purchases"]) == 2
    close_database()
    assert "column 'Amount': its numbers could be read more than one way" in capsys.readouterr().err
    flags = ["--kind", "purchases", "--decimal", "."]
    assert main(["--db", str(db), "import", str(unclear), *flags]) == 2, "1.200 is not 1.2"
    close_database()
    assert "at most two decimal places" in capsys.readouterr().err
    flags[-1] = ","
    assert main(["--db", str(db), "import", str(unclear), *flags]) == 0
    close_database()
    open_database(str(db))
    assert [p.amount_cents for p in Purchase.select().order_by(Purchase.id)] == [
        120050,
        120050,
        120000,
    ]
    close_database()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_lead_form_reads_and_shows_the_books_format(database, clock, size):
    settings = Settings(currency="EUR", number_format="1.234,56")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Ann Lee")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LeadForm)
        form.field("value").input.value = "1200.50"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm), "refused, and the form keeps what was typed"
        assert form.field("name").value == "Ann Lee"
        assert Lead.select().count() == 0
        form.field("value").input.value = "1.200,50"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, LeadForm)
        assert [lead.value_cents for lead in Lead.select()] == [120050]
        # Edited again, the form shows the value as the book writes it.
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm)
        assert app.screen.field("value").value == "1200,50"
