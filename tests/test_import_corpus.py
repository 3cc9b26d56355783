"""Files as other programs write them (tests/data/import, see SOURCES.md there), each
imported through the command line into a real SQLite book and read back: every
person's name, company, emails and phones, every deal's value, stage and dates; the
broken ones refused, naming the line and what to do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pegboard.cli import main
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Contact, Lead

CORPUS = Path(__file__).parent / "data" / "import"


@pytest.fixture
def book(tmp_path, monkeypatch, capsys):
    """Import a corpus file into a new book (with config.toml lines); returns
    (exit code, stdout, stderr), leaving the book open for reading back."""
    db = str(tmp_path / "book.db")

    def run(name: str, *flags: str, config: str = "") -> tuple[int, str, str]:
        folder = tmp_path / "config"
        folder.mkdir(exist_ok=True)
        (folder / "config.toml").write_text(config)
        monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(folder))
        code = main(["--db", db, "import", str(CORPUS / name), *flags])
        close_database()
        out, err = capsys.readouterr()
        open_database(db)
        return code, out, err

    return run


def person(name: str) -> Contact:
    return Contact.get(Contact.name == name)


def reach(contact: Contact) -> tuple[str, str, list[str]]:
    return contact.email, contact.phone, contact.also_reach.splitlines()


def test_android_vcard_21_is_decoded_soft_breaks_and_all(book):
    code, _, err = book("android-contacts-2.1.vcf")
    assert code == 0, err
    jovan = person("Jovan Petrović")
    assert jovan.company == "Štamparija Petrović"
    assert reach(jovan) == (
        "jovan.petrovic@work.example.rs",
        "+381 64 123 4567",
        ["jovan@example.rs", "011 222 3333"],
    )
    assert jovan.notes == (
        "Met at the Novi Sad fair; wants a quote for the spring catalogue\nCall after 10"
    )
    assert reach(person("Sam Okafor")) == ("", "(555) 010-0123", [])


def test_outlook_vcard_keeps_its_note_and_title_with_doubled_line_ends(book):
    code, _, err = book("outlook-2.1.vcf")
    assert code == 0, err
    aoife = person("Aoife Brennan")
    assert aoife.company == "Brennan & Daughters Bakery"
    assert reach(aoife) == (
        "aoife@brennan-bakery.example",
        "+353 1 555 0199",
        ["+353 85 555 0100"],
    )
    assert aoife.notes == "Job title: Owner\nThis is the NOTE field\nSecond line of the note"


def test_apple_vcard_keeps_the_escaped_semicolon_and_puts_the_preferred_email_first(book):
    code, _, err = book("apple-contacts-3.0.vcf")
    assert code == 0, err
    ann = person("Ann Smith")
    assert ann.company == "Smith; Sons"
    assert reach(ann) == (
        "ann.smith@home.example",
        "+1 (555) 010-0177",
        ["ann@smithandsons.example", "555-010-0188"],
    )
    assert ann.phone_key == "+15550100177"
    assert ann.notes == "Job title: Partner\nPrefers email, not calls.\nBook-keeper for the Bakery."


def test_vcard_40_reads_quoted_parameters_pref_and_tel_uris(book):
    code, _, err = book("rfc6350-4.0.vcf")
    assert code == 0, err
    jane = person("Jane Doe")
    assert jane.company == "Acme Japan"
    assert (jane.email, jane.also_reach) == ("jane@doe.example", "jane.doe@acme.example")
    assert jane.phone_key == "+15555555555;ext=5555"
    assert person("ACME Inc.").phone_key == "+15550100100"


def test_a_card_without_its_end_is_refused_naming_it(book):
    code, _, err = book("cut-short.vcf")
    assert code == 2
    assert "line 5: the card (Half A Card) has no END:VCARD" in err
    assert Contact.select().count() == 0


def test_google_contacts_old_layout_keeps_every_email_phone_and_the_middle_name(book):
    code, out, err = book("google-contacts-old.csv")
    assert code == 0, err
    sam = person("Sam Okafor")
    assert sam.company == "Okafor Design" and sam.notes.startswith("Job title: Head of Design")
    assert reach(sam) == ("sam@okafor.example", "+1 555-010-0144", ["sam.okafor@mail.example"])
    maria = person("María José Núñez")
    assert reach(maria) == (
        "mj@nunez.example",
        "+34 912 34 56 78",
        ["mjnunez@estudio.example", "+34 612 34 56 78"],
    )
    assert "Birthday ('1985-06-12')" in out


def test_google_contacts_new_layout(book):
    code, _, err = book("google-contacts-new.csv")
    assert code == 0, err
    joao = person("João Pedro Silva")
    assert joao.company == "Silva Contabilidade"
    assert reach(joao) == ("joao@silva.example", "+55 11 91234-5678", ["+55 11 3456-7890"])
    assert person("Lena Ortiz").notes == "Met at the\nchamber breakfast"


def test_outlook_desktop_cp1252_needs_its_encoding_and_title_is_an_honorific(book):
    code, _, err = book("outlook-desktop.csv")
    assert code == 2 and "not UTF-8 text" in err and "--encoding cp1252" in err
    code, out, err = book("outlook-desktop.csv", "--encoding", "cp1252")
    assert code == 0, err
    assert "as contacts" in out and "Title ('Mrs.', 'Sr.')" in out
    assert Lead.select().count() == 0
    zoe = person("Zoë Lefèvre")
    assert zoe.company == "Café Lefèvre"
    assert reach(zoe) == ("zoe@cafe-lefevre.example", "+33 1 42 68 53 00", ["+33 6 12 34 56 78"])
    assert "\u2013 £/€ both fine" in zoe.notes
    assert reach(person("Jürgen K. Groß")) == (
        "jgross@grossbau.example",
        "030 1234567",
        ["juergen@gross.example"],
    )


def test_outlook_com_with_bom_is_contacts_not_deals(book):
    code, out, err = book("outlook-com.csv")
    assert code == 0, err
    assert "2 rows as contacts" in out and Lead.select().count() == 0
    assert person("Carlos Méndez").company == "Méndez y Asociados"
    assert reach(person("Priya Raman")) == (
        "priya@raman.example",
        "(555) 010-0166",
        ["priya.raman@mail.example"],
    )


def test_thunderbird(book):
    code, _, err = book("thunderbird.csv")
    assert code == 0, err
    rory = person("Rory Williams")
    assert rory.company == "Leadworth Clinic"
    assert reach(rory) == (
        "rory@williams.example",
        "+44 20 7946 0011",
        ["rory.w@mail.example", "+44 7700 900123"],
    )
    assert person("Amy Pond").email == "amy@pond.example"


def test_pipedrive_persons_and_organizations(book):
    code, _, err = book("pipedrive-persons.csv")
    assert code == 0, err
    dana = person("Dana Price")
    assert dana.company == "Price & Co"
    assert reach(dana) == ("dana@price.example", "+1 555 010 0155", ["dana.p@mail.example"])
    assert reach(person("Eli Moss")) == ("eli@moss.example", "555-010-0166", ["555-010-0167"])
    code, out, err = book("pipedrive-organizations.csv")
    assert code == 0, err
    # Moss Landscaping is a company here, not Eli: a contact of its own, named for it.
    assert person("Harbor Dental").company == "Harbor Dental"
    assert "Organization - Address ('12 Elm St, Springfield', '1 Quay Rd')" in out


def test_pipedrive_deals_from_german_excel_read_with_decimal_commas_and_day_first(book):
    code, _, err = book("pipedrive-deals-excel-de.csv", "--encoding", "cp1252")
    assert code == 2 and "this book keeps amounts in USD" in err, "a EUR file in a USD book"
    code, _, err = book(
        "pipedrive-deals-excel-de.csv", "--encoding", "cp1252", config='currency = "EUR"\n'
    )
    assert code == 0, err
    by_title = {lead.title: lead for lead in Lead.select()}
    kitchen = by_title["Küchenumbau"]
    assert (kitchen.value_cents, kitchen.stage, kitchen.due_date) == (
        1_250_000,
        "proposal",
        date(2027, 1, 15),
    )
    assert kitchen.contact.name == "Jürgen Groß" and kitchen.contact.company == "Groß Bau GmbH"
    assert kitchen.created_at.date() == date(2026, 11, 3)
    assert by_title["Badsanierung"].value_cents == 123_450
    garden = by_title["Gartenplanung"]
    assert (garden.value_cents, garden.stage) == (1_250, "won")
    assert garden.closed_at.date() == date(2026, 10, 28)


def test_hubspot_contacts_companies_and_deals(book):
    code, out, err = book("hubspot-contacts.csv")
    assert code == 0, err
    ana = person("Ana Silva")
    assert (ana.company, ana.notes) == ("Quill & Co", "Job title: Founder")
    assert reach(ana) == ("ana@example.com", "+1 555 010 0101", ["+1 555 010 0102"])
    assert "Lifecycle Stage ('Customer', 'Lead')" in out
    code, _, err = book("hubspot-companies.csv")
    assert code == 0, err
    assert person("Quill & Co").phone_key == "+15550100100"
    code, out, err = book("hubspot-deals.csv")
    assert code == 0, err
    assert "0 contacts created, 2 updated" in out, "Ana (by the email after her name) and Ben"
    assert Contact.select().where(Contact.name == "Ana Silva").count() == 1
    won = Lead.get(Lead.title == "Year-end accounts")
    assert (won.value_cents, won.stage, won.contact.name) == (240_000, "won", "Ana Silva")
    assert won.closed_at.date() == date(2026, 11, 1)
    payroll = Lead.get(Lead.title == "Payroll set-up")
    assert (payroll.value_cents, payroll.stage) == (125_050, "qualified")


def test_excel_unicode_text_is_utf16_with_tabs(book):
    code, _, err = book("excel-unicode-text.txt")
    assert code == 0, err
    assert person("Søren Kierkegaard").company == "København Bogtryk"
    assert reach(person("Ōtani Shōhei")) == ("shohei@otani.example", "+81 3-1234-5678", [])


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("nul-byte.csv", "line 3: Name='Bo␀b Ray': holds control characters"),
        ("unterminated-quote.csv", "line 2: a quote opened here is never closed"),
    ],
)
def test_broken_csv_files_are_refused_naming_the_line(book, name, named):
    code, _, err = book(name)
    assert code == 2 and named in err
    assert Contact.select().count() == 0


def test_a_date_column_that_never_says_its_order_is_refused_until_told(book):
    code, _, err = book("deals-dates-unclear.csv")
    assert code == 2
    assert "column 'Next activity date': its dates could be read more than one way" in err
    assert "--date-order dmy" in err and "line 2: '03/12/2026'" in err
    code, _, err = book("deals-dates-unclear.csv", "--date-order", "dmy")
    assert code == 0, err
    roof = Lead.get(Lead.title == "Roof repair")
    assert (roof.due_date, roof.value_cents, roof.stage) == (date(2026, 12, 3), 90_000, "new")
    assert Lead.get(Lead.title == "Gutters").due_date == date(2026, 11, 4)


def test_an_amount_column_that_never_says_its_decimal_is_refused_until_told(book):
    code, _, err = book("deals-amounts-unclear.csv")
    assert code == 2 and "column 'Amount'" in err and "--decimal ." in err
    code, _, err = book("deals-amounts-unclear.csv", "--decimal", ",")
    assert code == 2 and "line 2: Amount='1,234'" in err, "1,234 with a decimal comma: 3 places"
    code, _, err = book("deals-amounts-unclear.csv", "--decimal", ".")
    assert code == 0, err
    assert Lead.get(Lead.title == "Roof repair").value_cents == 123_400


def test_a_person_twice_in_one_file_is_one_contact_with_both_rows_details(book, tmp_path):
    rows = tmp_path / "twice.csv"
    rows.write_text(
        "Name,Email,Phone,Company\n"
        "Ann Lee,ann@example.com,,\n"
        "Bo Ray,bo@example.com,,\n"
        "Ann Lee,ANN@example.com,555-010-0177,Lee Co\n"
        "A. Lee,ann.lee@mail.example,(555) 010-0177,\n"
    )
    code, out, err = book(str(rows), "--dry-run")
    assert code == 0, err
    assert "2 rows are a person met earlier in the file" in out
    assert "line 4 into line 2, line 5 into line 2" in out
    code, _, err = book(str(rows))
    assert code == 0, err
    ann = person("Ann Lee")
    assert (ann.email, ann.phone, ann.company) == ("ann@example.com", "555-010-0177", "Lee Co")
    assert ann.also_reach.splitlines() == ["ann.lee@mail.example", "(555) 010-0177"]
    assert Contact.select().count() == 2


def test_a_due_date_is_the_day_written_east_of_utc(book, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        rows = tmp_path / "deals.csv"
        rows.write_text("Deal Name,Amount,Next activity date,Contact\nRoof,900,2026-12-03,Kim\n")
        code, _, err = book(str(rows))
        assert code == 0, err
        assert Lead.get().due_date == date(2026, 12, 3)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


async def test_the_import_screen_reads_a_file_as_the_owner_says(database, settings, clock):
    """A German Excel file in the app: refused as it stands (cp1252; a EUR file), then
    read with the encoding typed in and a column mapped away, the plan shown again."""
    from pegboard.config import Settings as BookSettings
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.import_screen import ImportScreen
    from pegboard.wiring import Services

    app = PegboardApp(Services(BookSettings(currency="EUR"), clock), start_mode="board")
    path = str(CORPUS / "pipedrive-deals-excel-de.csv")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Import")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await pilot.press(*path, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        plan = str(screen.query_one("#import-plan").content)
        assert "not UTF-8 text" in plan and "--encoding cp1252" in plan
        screen.query_one("#import-encoding").focus()
        await pilot.press(*"cp1252", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        plan = str(screen.query_one("#import-plan").content)
        assert "Would import 3 rows as leads" in plan
        assert "line 2: Jürgen Groß · Groß Bau GmbH · lead 'Küchenumbau' €12,500.00" in plan
        screen.query_one("#import-map").focus()
        await pilot.press(*"Deal - Value=notes", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        plan = str(screen.query_one("#import-plan").content)
        assert "lead 'Küchenumbau' €0.00" in plan
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert Lead.get(Lead.title == "Küchenumbau").contact.notes == "12.500,00"


def test_a_day_past_twelve_tells_the_whole_columns_order(book, tmp_path):
    rows = tmp_path / "deals.csv"
    rows.write_text(
        "Deal Name,Amount,Next activity date,Contact\n"
        "Roof,900,03/12/2026,Kim\nGutters,450,23/11/2026,Lee\n"
    )
    code, _, err = book(str(rows))
    assert code == 0, err
    assert Lead.get(Lead.title == "Roof").due_date == date(2026, 12, 3)
    assert Lead.get(Lead.title == "Gutters").due_date == date(2026, 11, 23)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "Deal Name,Amount,Next activity date,Contact\n"
        "Roof,900,11/23/2026,Kim\nGutters,450,23/11/2026,Lee\n"
    )
    code, _, err = book(str(mixed))
    assert code == 2 and "column 'Next activity date' mixes dates" in err
    assert "line 2: '11/23/2026' reads only as month first" in err
