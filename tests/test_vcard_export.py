"""Contacts out as a vdir of vCard 4.0 files: parsed with vobject, UIDs stable and
unique to the book, categories right, and the folder imported back changes nothing."""

from __future__ import annotations

from pathlib import Path

import vobject

from pegboard.cli import main
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Contact

CORPUS = Path(__file__).parent / "data" / "import"


def rows_of_contacts() -> list[tuple]:
    return list(
        Contact.select(
            Contact.id,
            Contact.name,
            Contact.company,
            Contact.email,
            Contact.phone,
            Contact.also_reach,
            Contact.notes,
            Contact.updated_at,
        )
        .order_by(Contact.id)
        .tuples()
    )


def cards_in(folder: Path) -> dict[str, vobject.base.Component]:
    return {path.name: vobject.readOne(path.read_text()) for path in folder.glob("*.vcf")}


def test_every_contact_goes_out_and_comes_back_unchanged(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    for name in ("apple-contacts-3.0.vcf", "google-contacts-old.csv"):
        assert main(["--db", db, "import", str(CORPUS / name)]) == 0
        close_database()
    log = ["referral", "log", "--partner", "Ann Smith", "--received", "--person", "Sam Okafor"]
    assert main(["--db", db, *log, "--create-partner"]) == 0
    close_database()
    folder = tmp_path / "contacts"
    assert main(["--db", db, "export", "--vcf", str(folder)]) == 0
    close_database()
    cards = cards_in(folder)
    assert len(cards) == 3
    by_name = {card.fn.value: card for card in cards.values()}
    ann = by_name["Ann Smith"]
    assert ann.version.value == "4.0"
    assert [e.value for e in ann.contents["email"]] == [
        "ann.smith@home.example",
        "ann@smithandsons.example",
    ]
    assert ann.contents["email"][0].params["PREF"] == ["1"]
    assert [t.value for t in ann.contents["tel"]] == ["+1 (555) 010-0177", "555-010-0188"]
    assert ann.org.value == ["Smith; Sons"]
    assert ann.categories.value == ["partner"]
    assert sorted(by_name["Sam Okafor"].categories.value) == ["lead"]
    assert by_name["María José Núñez"].contents.get("categories") is None
    first_uids = {card.uid.value for card in cards.values()}
    assert all(uid.startswith("urn:uuid:") for uid in first_uids)

    open_database(db)
    before = rows_of_contacts()
    close_database()
    capsys.readouterr()
    assert main(["--db", db, "import", str(folder)]) == 0
    close_database()
    assert "0 contacts created, 3 updated" in capsys.readouterr().out
    open_database(db)
    assert rows_of_contacts() == before, "the folder imported back changes nothing"
    close_database()

    assert main(["--db", db, "export", "--vcf", str(folder)]) == 0
    close_database()
    assert {card.uid.value for card in cards_in(folder).values()} == first_uids

    other = str(tmp_path / "other.db")
    assert main(["--db", other, "import", str(CORPUS / "apple-contacts-3.0.vcf")]) == 0
    close_database()
    assert main(["--db", other, "export", "--vcf", str(tmp_path / "other")]) == 0
    close_database()
    other_uids = {card.uid.value for card in cards_in(tmp_path / "other").values()}
    assert not other_uids & first_uids, "another book's contact 1 is another UID"


def test_a_folder_with_other_files_is_not_exported_over(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "lead", "add", "Ann"]) == 0
    close_database()
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert main(["--db", db, "export", "--vcf", str(folder)]) == 2
    assert "not a pegboard export" in capsys.readouterr().err
    assert (folder / "notes.txt").read_text() == "mine"


def test_follow_ups_as_tasks_parse_as_vtodos_with_the_events_uids(tmp_path):
    db = str(tmp_path / "book.db")
    assert (
        main(
            [
                "--db",
                db,
                "lead",
                "add",
                "Ann Lee",
                "--due",
                "2026-12-04",
                "--next-action",
                "Call; then, email",
            ]
        )
        == 0
    )
    close_database()
    events, tasks = tmp_path / "events.ics", tmp_path / "tasks.ics"
    assert main(["--db", db, "export", "--ics", str(events)]) == 0
    close_database()
    assert main(["--db", db, "export", "--ics", str(tasks), "--ics-as", "tasks"]) == 0
    close_database()
    (event,) = vobject.readOne(events.read_text()).contents["vevent"]
    (todo,) = vobject.readOne(tasks.read_text()).contents["vtodo"]
    assert todo.uid.value == event.uid.value
    assert str(todo.due.value) == "2026-12-04" and todo.status.value == "NEEDS-ACTION"
    assert todo.summary.value == "Call; then, email: Ann Lee"
