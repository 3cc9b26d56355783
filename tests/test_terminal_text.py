"""Text from the book is data, not terminal commands: a lead whose name and company hold
a screen clear, a terminal retitle, a clipboard write, a bell, a C1 CSI and a bidi
override (a web-form lead in a HubSpot export is written by strangers) shows with those
characters visible, in every screen of the app and every text the command line prints;
new input holding them is refused on every path."""

import json
import re
import sqlite3

import pytest

from pegboard.cli import main
from pegboard.config import Settings
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.database import close_database, open_database
from pegboard.ui.app import PegboardApp
from pegboard.wiring import Services

HOSTILE_NAME = "Ann \x1b[2J\x1b]52;c;aGVsbG8=\x07 Lee \x9b31m"
HOSTILE_COMPANY = "Acme\x1b]0;pwned\x07 \u202eevil"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters a terminal would act on (line breaks and tabs aside)."""


def store_hostile_book(db) -> None:
    """The hostile lead put straight into the file, as an older version or another
    program would have left it (every door of pegboard now refuses such text)."""
    open_database(str(db))
    services = Services(Settings())
    dana = services.partners.create_partner(PartnerDraft("Dana"))
    logged = services.partners.log_referral(ReferralDraft("received", "Ann Lee", partner_id=dana))
    services.leads.move_lead(logged.lead_id, "won", value_cents=5000)
    close_database()
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE contact SET name = ?, company = ?", (HOSTILE_NAME, HOSTILE_COMPANY)
        )
        connection.execute("UPDATE lead SET title = ?", (HOSTILE_COMPANY,))


@pytest.fixture
def hostile_book(tmp_path):
    db = tmp_path / "book.db"
    store_hostile_book(db)
    return db


def run(db, *args, capsys):
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    close_database()
    return code, *capsys.readouterr()


@pytest.mark.parametrize(
    "args",
    [
        ["leads"],
        ["partners"],
        ["customers"],
        ["today"],
        ["report"],
        ["report", "--format", "csv"],
        ["archived"],
    ],
)
def test_no_command_prints_a_control_character_raw(hostile_book, capsys, args):
    code, out, err = run(hostile_book, *args, capsys=capsys)
    assert code == 0, err
    assert not RAW.search(out + err), repr(out)
    if args[0] in ("leads", "customers"):
        assert "␛[2J" in out and "\\x9b31m" in out


def test_json_keeps_the_text_exactly_and_escapes_it(hostile_book, capsys):
    code, out, _ = run(hostile_book, "leads", "--json", capsys=capsys)
    assert code == 0
    assert not RAW.search(out)
    (record,) = json.loads(out)
    assert (record["contact"], record["company"]) == (HOSTILE_NAME, HOSTILE_COMPANY)


def test_the_calendar_escapes_a_bare_carriage_return(hostile_book, tmp_path, capsys):
    with sqlite3.connect(hostile_book) as connection:
        connection.execute(
            "UPDATE lead SET stage = 'new', closed_at = NULL, due_date = '2026-12-02', "
            "next_action = ?",
            ("Call\rEND:VEVENT\rBEGIN:VEVENT",),
        )
    ics = tmp_path / "due.ics"
    code, _, err = run(hostile_book, "export", "--ics", str(ics), capsys=capsys)
    assert code == 0, err
    text = ics.read_bytes().decode()
    assert "\r" not in text.replace("\r\n", "")
    assert text.split("\r\n").count("BEGIN:VEVENT") == 1
    assert not RAW.search(text.replace("\r\n", ""))


SCREENS = ["1", "2", "3", "4"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_shows_the_hostile_lead_as_data(hostile_book, size, clock):
    open_database(str(hostile_book))
    app = PegboardApp(Services(Settings(), clock), start_mode="board")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in [*SCREENS, "2"]:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not RAW.search(app.export_screenshot()), f"screen {key}"
        await pilot.press("l", "l", "l", "l", "enter")  # the won lead's page (folded at 80)
        await pilot.pause()
        assert type(app.screen).__name__ == "LeadDetailScreen"
        page = app.export_screenshot()
        assert not RAW.search(page) and "␛" in page
        for key, page_type in (("3", "PartnerDetailScreen"), ("4", "CustomerDetailScreen")):
            await pilot.press("escape", key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")  # the partner's (the customer's) own page
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert type(app.screen).__name__ == page_type
            page = app.export_screenshot()
            assert not RAW.search(page) and "␛" in page, page_type
        await pilot.press("escape", "ctrl+p", *"ann")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert not RAW.search(app.export_screenshot())
        await pilot.press("escape")
        app.notify(f"Archived {HOSTILE_NAME}")
        await pilot.pause()
        assert not RAW.search(app.export_screenshot())
    close_database()


def test_the_command_line_refuses_control_characters(tmp_path, capsys):
    db = tmp_path / "book.db"
    code, _, err = run(db, "lead", "add", "Ann \x1b[2J Lee", capsys=capsys)
    assert code == 2 and "control characters (␛)" in err and not RAW.search(err)
    assert not db.exists()


def test_an_import_names_each_cell_with_control_characters(tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text(
        "Name,Company,Notes\n"
        "Ann Lee,Acme\x1b]0;pwned\x07,fine\n"
        "Bob Stone,Stone Co,two\nlines are fine in a note\n",
        encoding="utf-8",
    )
    code, _, err = run(tmp_path / "book.db", "import", str(people), capsys=capsys)
    assert code == 2
    assert "line 2: Company=" in err and "holds control characters (␛ ␇)" in err
    assert not RAW.search(err)


async def test_a_form_refuses_pasted_control_characters(database, settings, clock):
    from pegboard.store.models import Lead
    from pegboard.ui.modals.lead_form import LeadForm

    app = PegboardApp(Services(settings, clock), start_mode="board")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.field("name").input.value = "Ann \x1b[2J Lee"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LeadForm)
        error = form.field("name").query_one(".field-error").render()
        assert "remove the control character(s) ␛" in str(error)
        assert Lead.select().count() == 0
        form.field("name").input.value = "Ann Lee"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [lead.contact.name for lead in Lead.select()] == ["Ann Lee"]
