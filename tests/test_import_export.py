"""Import and export through the command line, with fixtures written here in each shape:
HubSpot contacts and deals, Pipedrive deals (localised: ; and a BOM, CRLF), a plain
spreadsheet; bad rows, dry runs, dedupe, the exact round trip, formula cells, calendar."""

from __future__ import annotations

import csv
import json

import pytest

from pegboard.cli import main
from pegboard.services.demo import write_demo
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Contact, Lead, StageChange
from pegboard.wiring import Services

HUBSPOT_CONTACTS = (
    "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,"
    "Lead Status,Original Source,Create Date\n"
    "101,Ana,Silva,ana@example.com,+1 555 0101,Silva Bakery,Lead,New,Organic Search,"
    "2026-10-01 09:30\n"
    "102,Ben,Okafor,ben@example.com,,Okafor Print,Customer,,Referrals,2026-09-12\n"
    "103,Chloé,Müller,chloe@example.com,+49 30 123456,Müller GmbH,Subscriber,,"
    "Paid Search,2026-11-02\n"
)
HUBSPOT_DEALS = (
    "Deal ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Associated Contact,"
    "Associated Company\n"
    '9001,Year-end accounts,closedwon,"2,400.00",2026-11-01,2026-10-01,Ana Silva,'
    "Silva Bakery\n"
    "9002,Payroll set-up,Qualified To Buy,900,,2026-11-10,Dan Roe,Roe Roofing\n"
    "9003,Advisory retainer,decisionmakerboughtin,6500.50,,2026-11-12,Eve Lund,\n"
    "9004,Tax return,Closed Lost,450,2026-11-15,2026-11-01,Fay Tan,Tan Optics\n"
)
PIPEDRIVE_DEALS = (
    "\ufeffDeal - Title;Deal - Value;Deal - Stage;Deal - Status;Deal - Organization;"
    "Deal - Contact person;Person - Email - Work;Person - Phone - Mobile;Deal - Deal created\r\n"
    "Books for Cafe;1200;Contact Made;open;Cafe Nord;Gus Holm;gus@nord.example;"
    "+46 70 111 2233;2026-11-03 10:00:00\r\n"
    "Payroll;800;Proposal Made;won;Holm Yoga;Hana Holm;hana@holm.example;;"
    "2026-10-20 09:00:00\r\n"
    "Catch-up books;300;Lead In;lost;;Ivan Ito;;;2026-10-01 08:00:00\r\n"
)
SPREADSHEET = (
    "Name,Company,Email,Phone,Notes\n"
    "Jade Kim,Kim Design,jade@kim.example,555-0199,met at the fair\n"
    "Kofi Lee,,kofi@lee.example,,\n"
    "jade kim,Kim Design,,,\n"  # the same person again (name and company): one contact
)


@pytest.fixture
def cli(db_target, tmp_path, capsys, monkeypatch):
    """Run pegboard's CLI against the test database; (exit code, stdout, stderr)."""
    from pegboard.clock import Clock
    from tests.conftest import FIXED_NOW

    monkeypatch.setattr("pegboard.cli.context.Clock", lambda: Clock.fixed(FIXED_NOW))

    def run(*args):
        try:
            code = main(["--db", db_target, *args])
        except SystemExit as stopped:
            code = stopped.code
        close_database()
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(tmp_path, name, text, newline=""):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline=newline)
    return str(path)


def reopen(db_target):
    open_database(db_target)


def test_hubspot_contacts_import_with_their_column_names(cli, tmp_path, db_target):
    code, out, err = cli("import", write(tmp_path, "contacts.csv", HUBSPOT_CONTACTS))
    assert code == 0, err
    assert "3 rows as contacts: 3 contacts created" in out
    reopen(db_target)
    ana = Contact.get(Contact.email == "ana@example.com")
    assert (ana.name, ana.phone, ana.company) == ("Ana Silva", "+1 555 0101", "Silva Bakery")
    assert Contact.get(Contact.email == "chloe@example.com").name == "Chloé Müller"


def test_hubspot_deals_land_on_the_board_with_stages_sources_and_values(cli, tmp_path, db_target):
    cli("import", write(tmp_path, "contacts.csv", HUBSPOT_CONTACTS))
    code, out, err = cli("import", write(tmp_path, "deals.csv", HUBSPOT_DEALS))
    assert code == 0, err
    # Ana is there already (from the contacts export): her deal joins her, no second Ana.
    assert "4 rows as leads: 3 contacts created, 1 updated" in out
    assert "stage 'Qualified To Buy' -> 'qualified'" in out
    reopen(db_target)
    by_title = {lead.title: lead for lead in Lead.select()}
    won = by_title["Year-end accounts"]
    assert (won.stage, won.value_cents, won.contact.email) == ("won", 240_000, "ana@example.com")
    assert won.closed_at.date().isoformat() == "2026-11-01"
    assert by_title["Payroll set-up"].stage == "qualified"
    assert (by_title["Advisory retainer"].stage, by_title["Advisory retainer"].value_cents) == (
        "proposal",
        650_050,
    )
    assert by_title["Tax return"].stage == "lost"
    # Each has a history that starts where leads start, so Insights can follow them.
    assert StageChange.select().where(StageChange.lead == won.id).count() == 2
    assert Contact.select().where(Contact.name == "Ana Silva").count() == 1
    # The board's filter finds what came in (on SQLite, indexed in one go after the load),
    # and an edit after it as ever.
    assert names_found("payroll") == ["Payroll set-up"]
    contact = Contact.get_by_id(won.contact_id)
    contact.company = "Quillfeather"
    contact.save()
    assert names_found("quillf") == ["Year-end accounts"]


def test_pipedrive_deals_localised_with_status_and_split_columns(cli, tmp_path, db_target):
    code, _out, err = cli("import", write(tmp_path, "pipedrive.csv", PIPEDRIVE_DEALS))
    assert code == 0, err
    reopen(db_target)
    by_title = {lead.title: lead for lead in Lead.select()}
    cafe = by_title["Books for Cafe"]
    assert (cafe.stage, cafe.value_cents) == ("contacted", 120_000)
    assert (cafe.contact.name, cafe.contact.email, cafe.contact.phone) == (
        "Gus Holm",
        "gus@nord.example",
        "+46 70 111 2233",
    )
    assert cafe.contact.company == "Cafe Nord"
    # The status wins over the stage: won and lost close the deal.
    assert by_title["Payroll"].stage == "won" and by_title["Catch-up books"].stage == "lost"


def test_hubspot_referrals_are_websites_unless_mapped_otherwise(cli, tmp_path, db_target):
    path = write(
        tmp_path,
        "deals.csv",
        "Deal Name,Amount,Original Source,Associated Contact\n"
        "A,100,Referrals,Ann\nB,100,Organic Search,Bo\n",
    )
    code, out, _ = cli("import", path, "--dry-run")
    assert "source 'Referrals' -> 'website'" in out
    code, out, err = cli("import", path, "--map", "source:Referrals=referral")
    assert code == 0, err
    reopen(db_target)
    assert {lead.title: lead.source for lead in Lead.select()} == {"A": "referral", "B": "website"}


def test_a_plain_spreadsheet_dedupes_within_the_file(cli, tmp_path, db_target):
    code, out, err = cli("import", write(tmp_path, "people.csv", SPREADSHEET))
    assert code == 0, err
    assert "2 contacts created, 1 updated" in out
    reopen(db_target)
    assert Contact.select().count() == 2
    assert Contact.get(Contact.name == "Jade Kim").notes == "met at the fair"


def test_bad_rows_refuse_the_whole_file_and_name_each_one(cli, tmp_path, db_target):
    text = (
        "Deal Name,Amount,Create Date,Associated Contact\n"
        "Good one,100,2026-11-01,Ann\n"
        "Bad amount,12x,2026-11-01,Bo\n"
        "Bad date,100,someday,Cy\n"
        "No name,100,2026-11-01,\n"
    )
    code, _out, err = cli("import", write(tmp_path, "bad.csv", text))
    assert code == 2
    assert "line 3: Amount='12x'" in err
    assert "line 4: Create Date='someday': not a date" in err
    assert "line 5: no name" in err
    assert "3 bad row(s); nothing was imported" in err
    reopen(db_target)
    assert Lead.select().count() == 0 and Contact.select().count() == 0


def test_dry_run_says_what_would_happen_and_writes_nothing(cli, tmp_path, db_target):
    code, out, _ = cli("import", write(tmp_path, "deals.csv", HUBSPOT_DEALS), "--dry-run")
    assert code == 0
    assert out.startswith("dry run, nothing written: 4 rows as leads: 4 contacts to create")
    assert "stage 'closedwon' -> 'won'" in out
    reopen(db_target)
    assert Lead.select().count() == 0


def test_unknown_columns_are_listed_and_map_takes_a_column(cli, tmp_path, db_target):
    text = "Who,Firm,Notes about them\nLena Ortiz,Ortiz Law,likes mornings\n"
    code, _, err = cli("import", write(tmp_path, "odd.csv", text))
    assert code == 2 and "no column names the person" in err
    code, out, err = cli(
        "import", write(tmp_path, "odd.csv", text), "--map", "Who=name", "--map", "Firm=company"
    )
    assert code == 0, err
    assert (
        "columns not imported (use --map COLUMN=FIELD to read one): Notes about them ('likes mornings')"
        in out
    )
    reopen(db_target)
    assert Contact.get(Contact.name == "Lena Ortiz").company == "Ortiz Law"


def test_export_then_import_into_an_empty_database_then_export_again_is_identical(
    cli, tmp_path, db_target, settings, clock
):
    open_database(db_target)
    write_demo(settings, clock, leads=150, seed=3)
    Contact.update(notes='=HYPERLINK("http://x")').where(Contact.id == 1).execute()
    close_database()
    for fmt in ("csv", "json"):
        first, second = tmp_path / f"first-{fmt}", tmp_path / f"second-{fmt}"
        assert cli("export", str(first), "--format", fmt)[0] == 0
        # Into an empty database: wipe this one the way the fixture would.
        _empty(db_target, tmp_path, fmt)
        code, _out, err = cli("import", str(first))
        assert code == 0, err
        assert cli("export", str(second), "--format", fmt)[0] == 0
        for path in sorted(first.iterdir()):
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def names_found(text):
    from pegboard.services.board import BoardFilter

    found = Lead.select(Lead.title).join(Contact).switch(Lead)
    return sorted(lead.title for lead in BoardFilter.parse(text).apply(found))


def _empty(db_target, tmp_path, fmt):
    if db_target.startswith("postgresql://"):
        from tests.conftest import _wipe_postgres

        _wipe_postgres(db_target)
    else:
        from pathlib import Path

        for suffix in ("", "-wal", "-shm"):
            Path(db_target + suffix).unlink(missing_ok=True)


def test_formula_cells_are_neutralised_in_csv_exports(cli, tmp_path, db_target):
    cli(
        "import",
        write(tmp_path, "people.csv", "Name,Company,Notes\n=cmd|' /C calc'!A0,@evil,+1 555\n"),
    )
    assert cli("export", str(tmp_path / "out"))[0] == 0
    with (tmp_path / "out" / "contacts.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["company"])
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["company"] == "'@evil"
    assert row["notes"] == "'+1 555"


def test_follow_ups_export_as_calendar_events(cli, tmp_path, db_target):
    cli("lead", "add", "Ann Lee", "--next-action", "Call back", "--due", "2026-11-25")
    cli("lead", "add", "Bo, Inc; Ltd", "--due", "2026-11-26")
    cli("lead", "add", "No due")
    code, out, _ = cli("export", "--ics", str(tmp_path / "f.ics"))
    assert code == 0 and "2 follow-ups" in out
    text = (tmp_path / "f.ics").read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20261125\r\nDTEND;VALUE=DATE:20261126" in text
    assert "SUMMARY:Call back: Ann Lee" in text
    assert "SUMMARY:Follow up: Bo\\, Inc\\; Ltd" in text
    assert text.count("BEGIN:VEVENT") == 2


def test_json_export_has_one_array_per_table(cli, tmp_path, db_target):
    cli("lead", "add", "Ann Lee", "--value", "12.50")
    assert cli("export", str(tmp_path / "j"), "--format", "json")[0] == 0
    [lead] = json.loads((tmp_path / "j" / "leads.json").read_text(encoding="utf-8"))
    assert (lead["value_cents"], lead["stage"], lead["archived_at"]) == (1250, "new", None)
    assert lead["created_at"].endswith("Z")


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maya Ortiz\r\nN:Ortiz;Maya;;;\r\n"
    "ORG:Ortiz Law;Litigation\r\nEMAIL;TYPE=INTERNET,WORK:maya@ortiz.example\r\n"
    "TEL;TYPE=CELL:+1 555 0142\r\nNOTE:Met at the chamber\\, likes mornings\\nCall after 9\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Nakamura;Ren;;;\r\n"
    "EMAIL;TYPE=home:ren@example.com\r\nTEL;VALUE=uri;TYPE=cell:tel:+81-90-1234-5678\r\n"
    "item1.ORG:Nakamura Design Studio With A Very Long Name That Needs To Be Fol\r\n"
    " ded Over Two Lines\r\nEND:VCARD\r\n"
)


def test_phone_contacts_from_a_vcard_file(cli, tmp_path, db_target):
    code, out, err = cli("import", write(tmp_path, "contacts.vcf", VCARDS))
    assert code == 0, err
    assert "2 rows as contacts: 2 contacts created" in out
    reopen(db_target)
    maya = Contact.get(Contact.email == "maya@ortiz.example")
    assert (maya.name, maya.company, maya.phone) == ("Maya Ortiz", "Ortiz Law", "+1 555 0142")
    assert maya.notes == "Met at the chamber, likes mornings\nCall after 9"
    ren = Contact.get(Contact.email == "ren@example.com")
    assert (ren.name, ren.phone) == ("Ren Nakamura", "+81-90-1234-5678")
    assert ren.company.endswith("Folded Over Two Lines")


# -- in the app --------------------------------------------------------------------------


async def _open_import(app, pilot, path):
    """Open "Import…" from the palette, type the path, enter, and wait for the check."""
    from pegboard.ui.screens.import_screen import ImportScreen

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Import")
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ImportScreen)
    await pilot.press(*path, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


def _text(widget) -> str:
    return str(widget.content)


async def test_import_in_the_app_previews_checks_then_imports(
    database, db_target, settings, clock, tmp_path
):
    from pegboard.ui.app import PegboardApp

    path = write(tmp_path, "deals.csv", HUBSPOT_DEALS)
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _open_import(app, pilot, path)
        mapping = _text(screen.query_one("#import-mapping"))
        assert "Reads as leads" in mapping and "Deal Stage → stage" in mapping
        assert "Deal ID (not imported)" in mapping
        preview = screen.query_one("#import-preview")
        assert preview.row_count == 4 and preview.get_row_at(0)[1] == "Year-end accounts"
        plan = _text(screen.query_one("#import-plan"))
        assert "Would import 4 rows as leads: 4 contacts to create" in plan
        assert Lead.select().count() == 0  # nothing written by looking
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Imported 4 rows as leads" in _text(screen.query_one("#import-plan"))
        assert Lead.select().count() == 4
        if not db_target.startswith("postgresql://"):
            assert list((tmp_path / "backups").iterdir())  # a copy of the file was made first
        await pilot.press("escape")
        await pilot.pause()
        # Back on the board, which shows the new leads.
        assert sum(summary.count for summary in app.screen.summaries.values()) == 4


async def test_import_in_the_app_names_bad_rows_and_keeps_the_path(
    database, settings, clock, tmp_path
):
    from pegboard.ui.app import PegboardApp

    path = write(tmp_path, "bad.csv", "Deal Name,Amount,Associated Contact\nA,12x,Ann\n")
    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _open_import(app, pilot, path)
        plan = _text(screen.query_one("#import-plan"))
        assert "1 bad row(s); nothing was imported" in plan and "line 2: Amount='12x'" in plan
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Lead.select().count() == 0
        assert screen.query_one("#import-path").value == path


def test_partners_and_their_past_purchases_from_spreadsheets(cli, tmp_path, db_target):
    from pegboard.store.models import Partner, Purchase

    partners = "Name,Company,Email,Category\nDana Fox,Fox Law,dana@fox.example,lawyer\n"
    partners += "Eli Moss,,eli@moss.example,banker\ndana fox,Fox Law,,lawyer\n"
    code, out, err = cli("import", write(tmp_path, "partners.csv", partners), "--kind", "partners")
    assert code == 0, err
    purchases = (
        "Customer,Email,Order Date,Amount,Item\n"
        "Ann Lee,ann@lee.example,2026-09-01,120.00,Bookkeeping\n"
        "Ann Lee,ann@lee.example,2026-10-01,80,Top-up\n"
        'Bo Chen,,2026-10-15,"1,000.00",Year-end\n'
    )
    code, out, err = cli(
        "import", write(tmp_path, "purchases.csv", purchases), "--kind", "purchases"
    )
    assert code == 0, err
    assert "3 purchases created" in out and "2 contacts created, 1 updated" in out
    reopen(db_target)
    assert {(p.contact.name, p.category) for p in Partner.select()} == {
        ("Dana Fox", "lawyer"),
        ("Eli Moss", "banker"),
    }
    ann = Contact.get(Contact.email == "ann@lee.example")
    assert [
        (p.purchased_on.isoformat(), p.amount_cents, p.what)
        for p in Purchase.select().where(Purchase.contact == ann).order_by(Purchase.purchased_on)
    ] == [
        ("2026-09-01", 12_000, "Bookkeeping"),
        ("2026-10-01", 8_000, "Top-up"),
    ]


def test_a_purchase_without_its_date_or_amount_is_a_bad_row(cli, tmp_path, db_target):
    text = "Customer,Date,Amount\nAnn,,100\nBo,2026-10-01,\n"
    code, _, err = cli("import", write(tmp_path, "p.csv", text), "--kind", "purchases")
    assert code == 2
    assert "line 2: Date='': a purchase needs its date" in err
    assert "line 3: Amount='': a purchase needs its amount" in err
