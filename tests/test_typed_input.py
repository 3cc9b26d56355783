"""What owners type by hand: dates as they say them, emails checked as mail systems
would, and a CSV a spreadsheet guarded coming back in unchanged; and a calendar export
whose events stay one per lead."""

from datetime import date

import pytest

from pegboard.cli import main
from pegboard.clock import parse_date
from pegboard.services.contacts import check_email
from pegboard.services.csv_cells import text_cell, unguarded_cell
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Contact, Lead

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("today", MONDAY),
        ("tomorrow", date(2026, 11, 24)),
        ("3d", date(2026, 11, 26)),
        ("+3", date(2026, 11, 26)),
        ("2w", date(2026, 12, 7)),
        ("+1m", date(2026, 12, 23)),
        ("fri", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("mon", date(2026, 11, 30)),
        ("next monday", date(2026, 11, 30)),
        ("2026-12-01", date(2026, 12, 1)),
    ],
)
def test_dates_as_people_say_them(typed, day):
    assert parse_date(typed, MONDAY) == day


def test_a_month_ahead_keeps_to_the_months_end():
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("typed", ["th", "someday", "32d x", "2026-13-01"])
def test_a_date_that_does_not_read_is_refused(typed):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(typed, MONDAY)


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("a@b..c", "two periods in a row"),
        ("ann@example.com.", "cannot end with a period"),
        ("ann@.example.com", "period immediately after the @-sign"),
        ("ann lee@example.com", "not an email address"),
    ],
)
def test_an_email_is_checked_as_mail_systems_read_it(email, problem):
    assert problem in (check_email(email) or "")


def test_good_emails_pass(tmp_path, capsys):
    assert check_email("ann@example.com") is None
    assert check_email("josé@café.example") is None
    db = tmp_path / "book.db"
    assert main(["--db", str(db), "lead", "add", "Ann", "--email", "a@b..c"]) == 2
    assert "two periods in a row" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["=1+1", "'Twas", "''double", "-5 apples", "plain"])
def test_the_formula_guard_comes_off_exactly_once(value):
    assert unguarded_cell(text_cell(value)) == value
    assert unguarded_cell("'Twas") == "'Twas"


def test_an_export_reimported_as_a_plain_csv_keeps_its_text(tmp_path, capsys):
    db = tmp_path / "book.db"
    open_database(str(db))
    Contact.create(
        name="'Twas Brillig", company="=HYPERLINK(x)", created_at=MONDAY, updated_at=MONDAY
    )
    close_database()
    folder = tmp_path / "export"
    assert main(["--db", str(db), "export", str(folder)]) == 0
    close_database()
    again = tmp_path / "again.db"
    code = main(["--db", str(again), "import", str(folder / "contacts.csv"), "--kind", "contacts"])
    close_database()
    assert code == 0, capsys.readouterr().err
    open_database(str(again))
    assert [(c.name, c.company) for c in Contact.select()] == [("'Twas Brillig", "=HYPERLINK(x)")]
    close_database()


def test_a_follow_ups_calendar_uid_is_one_per_lead_and_book(tmp_path, capsys):
    def uids(db, due) -> list[str]:
        assert main(["--db", str(db), "lead", "add", "Ann", "--due", due]) == 0
        close_database()
        ics = tmp_path / f"{db.stem}.ics"
        assert main(["--db", str(db), "export", "--ics", str(ics)]) == 0
        close_database()
        return [line for line in ics.read_text().splitlines() if line.startswith("UID:")]

    first = tmp_path / "first.db"
    (before,) = uids(first, "2026-12-01")
    open_database(str(first))
    Lead.update(due_date=date(2026, 12, 9)).execute()  # rescheduled
    close_database()
    ics = tmp_path / "first.ics"
    assert main(["--db", str(first), "export", "--ics", str(ics)]) == 0
    close_database()
    (after,) = [line for line in ics.read_text().splitlines() if line.startswith("UID:")]
    assert before == after
    (other,) = uids(tmp_path / "second.db", "2026-12-01")
    assert other != before


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("jose", "José Núñez"),
        ("nunez", "José Núñez"),
        ("bjorn", "Björn Ek"),
        ("strasse", "Straße Bau"),
    ],
)
def test_partners_are_found_without_their_accents(typed, found):
    from pegboard.services.partner_match import PartnerMatch, rank_partners

    partners = [
        PartnerMatch(n, name, "", "")
        for n, name in enumerate(["José Núñez", "Björn Ek", "Straße Bau", "Dana Keller"], 1)
    ]
    assert rank_partners(partners, typed)[0].name == found


async def test_the_due_field_shows_the_date_typed_in_words(database, settings, clock):
    from pegboard.ui.app import PegboardApp
    from pegboard.wiring import Services

    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Ann Lee")
        await pilot.pause()
        due = app.screen.field("due")
        due.input.focus()
        await pilot.press(*"fri")
        await pilot.pause()
        assert str(due.query_one(".field-error").render()) == "→ Fri 27 Nov 2026"
        assert due.query_one(".field-error").has_class("-reading")
        await pilot.press("backspace", "backspace", "backspace", *"someday")
        await pilot.pause()
        note = due.query_one(".field-error")
        assert "not a date" in str(note.render()) and not note.has_class("-reading")
