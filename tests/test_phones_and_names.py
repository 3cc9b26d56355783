"""Phones read as people say them and matched as numbers, names found without their
accents, and dates in the book's day order: through the services, the command line,
an import, a migrated old file and the app's forms."""

from datetime import date

import pytest

from pegboard.cli import main
from pegboard.clock import parse_date
from pegboard.config import Settings, load_settings
from pegboard.errors import ConfigError
from pegboard.phones import phone_key, phone_problem
from pegboard.services.board import BoardFilter, column_cards
from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.services.search import search_records
from pegboard.store.database import close_database, open_database
from pegboard.store.migrations import create_v1
from pegboard.store.models import Contact, Lead
from pegboard.ui.app import PegboardApp
from pegboard.ui.modals.lead_form import LeadForm
from pegboard.ui.modals.quick_log import QuickLog
from pegboard.wiring import Services


@pytest.mark.parametrize(
    ("first", "second", "region"),
    [
        ("(555) 010-0177", "555-010-0177", "US"),
        ("555.010.0177", "+1 555 010 0177", "US"),
        ("0170 1234567", "+49 170 1234567", "DE"),
        ("020 7946 0958", "+44 (0)20 7946 0958", "GB"),
        ("555-0199 ext 12", "555 0199 x12", "US"),
        ("1-800-FLOWERS", "1 800 356 9377", "US"),
    ],
)
def test_two_ways_of_writing_one_number_share_a_key(first, second, region):
    assert phone_key(first, region) == phone_key(second, region)
    assert phone_key(first, region).startswith("+")


def test_the_key_keeps_the_extension_and_the_region_decides_a_national_number():
    assert phone_key("555-0199 ext 12", "US") == "+15550199;ext=12"
    assert phone_key("555-0199 ext 12", "US") != phone_key("555-0199", "US")
    assert phone_key("0170 1234567", "DE") == "+491701234567"
    assert phone_key("0170 1234567", "US") != "+491701234567"


@pytest.mark.parametrize(
    "typed", ["555-0199 ext 12", "555 0199 x12", "1-800-FLOWERS", "+49 170 1234567", ""]
)
def test_numbers_read_out_on_the_phone_are_accepted(typed):
    assert phone_problem(typed, "US") is None


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("12", "too few digits"),
        ("hello", "not a phone number"),
        ("+999 1234567", "no country has the code"),
        ("1234567890123456789", "too many digits"),
        ("555 0100 <script>", "digits, letters, spaces"),
    ],
)
def test_what_is_not_a_number_is_refused_saying_why(typed, problem):
    assert problem in phone_problem(typed, "US")


def test_one_number_written_two_ways_is_one_contact(database, services):
    first = services.leads.create_lead(LeadDraft("Ann Lee", phone="(555) 010-0177"))
    services.partners.log_referral(
        ReferralDraft("given", "Ann L.", reach="555-010-0177", new_partner="Dana Keller")
    )
    ann = Lead.get_by_id(first).contact
    assert Contact.select().where(Contact.phone_key == "+15550100177").count() == 1
    assert ann.phone == "(555) 010-0177", "kept as first typed"
    assert [r.contact_id for r in ann.referrals_as_person] == [ann.id]


def test_a_german_book_matches_a_national_number_to_its_international_form(database, clock):
    services = Services(Settings(phone_region="DE"), clock)
    lead = services.leads.create_lead(LeadDraft("Jan Ober", phone="0170 1234567"))
    again = services.leads.create_lead(LeadDraft("Jan O.", phone="+49 170 1234567"))
    assert Lead.get_by_id(lead).contact_id == Lead.get_by_id(again).contact_id
    with pytest.raises(Exception, match="too few digits"):
        services.leads.create_lead(LeadDraft("Short", phone="0170"))


def test_an_edit_keeps_the_phone_key_in_step(database, services):
    lead_id = services.leads.create_lead(LeadDraft("Ann Lee", phone="555-010-0177"))
    services.leads.update_lead(lead_id, LeadDraft("Ann Lee", phone="+1 (555) 010-0188"))
    contact = Lead.get_by_id(lead_id).contact
    assert (contact.phone, contact.phone_key) == ("+1 (555) 010-0188", "+15550100188")


def test_an_import_finds_a_contact_by_the_number_however_it_is_written(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "lead", "add", "Ann Lee", "--phone", "555-010-0177"]) == 0
    close_database()
    rows = tmp_path / "people.csv"
    rows.write_text(
        "Name,Phone,Company\nA. Lee,+1 (555) 010-0177,Lee Co\nBo Berg,555 010 0199 x7,\n",
        encoding="utf-8",
    )
    assert main(["--db", db, "import", str(rows)]) == 0
    close_database()
    assert "1 contacts created, 1 updated" in capsys.readouterr().out
    open_database(db)
    ann = Contact.get(Contact.phone_key == "+15550100177")
    assert (ann.name, ann.company) == ("Ann Lee", "Lee Co")
    assert Contact.get(Contact.name == "Bo Berg").phone_key == "+15550100199;ext=7"


def test_a_partner_with_accented_capitals_is_found_by_name_again(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    log = ["--db", db, "referral", "log", "--partner", "Björn Åkesson", "--received"]
    assert main([*log, "--person", "Ann", "--create-partner"]) == 0
    close_database()
    assert main([*log, "--person", "Ben"]) == 0
    close_database()
    assert main([*log[:5], "BJORN AKESSON", "--received", "--person", "Cy"]) == 0
    close_database()
    capsys.readouterr()
    assert main(["--db", db, "partners", "--json"]) == 0
    assert capsys.readouterr().out.count('"name": "Björn Åkesson"') == 1


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("jose", "José Núñez"),
        ("NUNEZ", "José Núñez"),
        ("strasse", "Straße Bau"),
        ("çelik", "Ayşe Çelik"),
    ],
)
def test_the_board_filter_and_the_palette_find_names_without_accents(
    database, services, typed, found
):
    for name, company in (("José Núñez", ""), ("Björn Ek", "Straße Bau"), ("Ayşe Çelik", "")):
        services.leads.create_lead(LeadDraft(name, company=company))
    names = [card.name for card in column_cards("new", 0, 10, "referral", BoardFilter(typed))]
    expected = "Björn Ek" if found == "Straße Bau" else found
    assert names == [expected]
    assert expected in [hit.label for hit in search_records(typed)]


def test_an_old_file_gets_its_keys_when_opened(tmp_path):
    """A schema-1 file (as the first pegboard wrote it) holding accented names and
    national numbers: opened in a German book, each is found by name and by number."""
    from peewee import SqliteDatabase

    path = tmp_path / "old.db"
    old = SqliteDatabase(str(path))
    with old.atomic():
        create_v1(old)
        old.execute_sql("INSERT INTO schema_info (key, value) VALUES ('schema_version', '1')")
        for name, company, phone in (
            ("Jürgen Groß", "Straße AG", "0170 1234567"),
            ("Ann Lee", "", ""),
        ):
            old.execute_sql(
                "INSERT INTO contact (name, company, email, phone, notes, tags, created_at,"
                " updated_at) VALUES (?, ?, '', ?, '', '', '2025-01-01 09:00:00',"
                " '2025-01-01 09:00:00')",
                (name, company, phone),
            )
        old.execute_sql(
            "INSERT INTO lead (title, contact_id, stage, source, value_cents, next_action,"
            " qualification, position, stage_entered_at, created_at, updated_at, lost_reason,"
            " version) VALUES ('Küche', 1, 'new', '', 0, '', '[]', 1, '2025-01-02 09:00:00',"
            " '2025-01-02 09:00:00', '2025-01-02 09:00:00', '', 1)"
        )
    old.close()
    open_database(str(path), phone_region="DE")
    jurgen = Contact.get_by_id(1)
    assert (jurgen.name_key, jurgen.company_key, jurgen.phone_key) == (
        "jurgen gross",
        "strasse ag",
        "+491701234567",
    )
    assert Contact.get_by_id(2).phone_key == ""
    assert Lead.get_by_id(1).title_key == "kuche"
    assert [hit.label for hit in search_records("kuche")] == ["Jürgen Groß"]
    services = Services(Settings(phone_region="DE"))
    lead = services.leads.create_lead(LeadDraft("J. Groß", phone="+49 170 1234567"))
    assert Lead.get_by_id(lead).contact_id == 1


@pytest.mark.parametrize(
    ("typed", "order", "day"),
    [
        ("03/12", "dmy", date(2026, 12, 3)),
        ("03/12", "mdy", date(2026, 3, 12)),
        ("3.12.2026", "dmy", date(2026, 12, 3)),
        ("12/3/27", "mdy", date(2027, 12, 3)),
        ("2026/12/03", "mdy", date(2026, 12, 3)),
        ("2026-12-03", "dmy", date(2026, 12, 3)),
    ],
)
def test_a_date_with_slashes_is_read_in_the_books_day_order(typed, order, day):
    assert parse_date(typed, date(2026, 11, 23), order) == day


def test_a_day_that_is_not_in_the_month_is_refused_with_the_order_used():
    with pytest.raises(ValueError, match=r"read as DD/MM/YYYY: no day 31 in month 2"):
        parse_date("31/02", date(2026, 11, 23), "dmy")
    with pytest.raises(ValueError, match=r"read as MM/DD/YYYY: no day 3 in month 13"):
        parse_date("13/03", date(2026, 11, 23), "mdy")


def test_the_command_line_reads_due_dates_in_the_configured_order(tmp_path, capsys, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('date_order = "dmy"\nphone_region = "GB"\n')
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    db = str(tmp_path / "book.db")
    assert (
        main(["--db", db, "lead", "add", "Ann", "--due", "03/12", "--phone", "020 7946 0958"]) == 0
    )
    close_database()
    capsys.readouterr()
    assert main(["--db", db, "leads", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"due": "2026-12-03"' in out and '"phone": "020 7946 0958"' in out
    assert Contact.get().phone_key == "+442079460958"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('date_order = "dd/mm"', "date_order: must be one of dmy, mdy, ymd"),
        ('phone_region = "XX"', "phone_region: must be a 2-letter country code"),
        ('phone_region = "Germany"', "phone_region: must be a 2-letter country code"),
    ],
)
def test_a_wrong_day_order_or_region_is_reported_with_its_line(tmp_path, line, message):
    path = tmp_path / "config.toml"
    path.write_text(f'currency = "EUR"\n{line}\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message in str(caught.value) and "line 2" in str(caught.value)
    assert path.read_text() == f'currency = "EUR"\n{line}\n'


@pytest.mark.parametrize(
    ("variables", "order", "region"),
    [
        ({"LANG": "de_DE.UTF-8"}, "dmy", "DE"),
        ({"LANG": "en_US.UTF-8"}, "mdy", "US"),
        ({"LANG": "ja_JP.UTF-8"}, "ymd", "JP"),
        ({"LANG": "C.UTF-8"}, "mdy", "US"),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "en_US.UTF-8"}, "mdy", "GB"),
    ],
)
def test_the_order_and_region_default_from_the_locale(
    tmp_path, monkeypatch, variables, order, region
):
    for name in ("LC_ALL", "LC_TIME", "LC_TELEPHONE", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(tmp_path / "missing.toml")
    assert (settings.date_order, settings.phone_region) == (order, region)


async def test_the_lead_form_reads_a_phone_and_a_dmy_date_as_typed(database, clock):
    services = Services(Settings(date_order="dmy"), clock)
    app = PegboardApp(services, start_mode="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Ann Lee")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm)
        phone = app.screen.field("phone")
        phone.input.focus()
        await pilot.press(*"555-0199 ext 12")
        await pilot.pause()
        note = phone.query_one(".field-error")
        assert str(note.render()) == "→ +1 5550199 ext. 12" and note.has_class("-reading")
        due = app.screen.field("due")
        due.input.focus()
        await pilot.press(*"03/12")
        await pilot.pause()
        assert str(due.query_one(".field-error").render()) == "→ Thu 03 Dec 2026"
        await pilot.press("enter")
        await pilot.pause()
    lead = Lead.get(Lead.title == "Ann Lee")
    assert lead.due_date == date(2026, 12, 3)
    assert (lead.contact.phone, lead.contact.phone_key) == ("555-0199 ext 12", "+15550199;ext=12")


@pytest.mark.parametrize("reach", ["555-0199 ext 12", "555 0199 x12", "1-800-FLOWERS"])
async def test_the_quick_log_takes_numbers_read_out_on_the_phone(database, settings, clock, reach):
    services = Services(settings, clock)
    services.partners.create_partner(PartnerDraft("Dana Keller"))
    app = PegboardApp(services, start_mode="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuickLog)
        await pilot.press(*"dan", "tab", *"Gina Ruiz", "tab", *reach, "enter")
        await pilot.pause()
        assert not isinstance(app.screen, QuickLog)
    gina = Contact.get(Contact.name == "Gina Ruiz")
    assert gina.phone == reach
    assert gina.phone_key == phone_key(reach, "US")


def test_a_contacts_other_emails_and_phones_are_found_by_the_filter(database, services):
    """An import keeps a person's second email and phone (also_reach): the board's
    filter and the palette find the lead by them too."""
    lead_id = services.leads.create_lead(LeadDraft("Ann Smith", email="ann@work.example"))
    contact = Lead.get_by_id(lead_id).contact
    contact.also_reach = "ann.smith@home.example\n+1 555 010 0188"
    contact.save()
    for typed in ("ann.smith@home", "010 0188"):
        cards = column_cards("new", 0, 10, "referral", BoardFilter(typed))
        assert [card.name for card in cards] == ["Ann Smith"], typed
    assert "Ann Smith" in [hit.label for hit in search_records("smith@home")]
