"""The book's rules hold on every path, and every bad input is one line and exit 2 with
nothing written: on real SQLite files (and PostgreSQL where the database is the point)."""

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from pegboard.cli import main
from pegboard.errors import ServiceError, StoreError
from pegboard.services.check import check_database
from pegboard.services.leads import LeadDraft
from pegboard.services.partners import PartnerDraft, ReferralDraft
from pegboard.store.backup import inspect_file
from pegboard.store.database import close_database, open_database
from pegboard.store.models import Lead, Purchase
from tests.conftest import tmpfs, undo


def run(db, *args, capsys):
    capsys.readouterr()
    try:
        code = main(["--db", str(db), *args])
    except SystemExit as refused_by_the_parser:
        code = refused_by_the_parser.code
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


# -- the rules, in the service, for every door ------------------------------------------


def test_a_lead_added_as_won_is_its_customers_purchase(services):
    lead_id = services.leads.create_lead(LeadDraft("Ann", value_cents=10000), stage="won")
    (purchase,) = Purchase.select().where(Purchase.lead == lead_id)
    assert (purchase.amount_cents, purchase.archived_at) == (10000, None)


def test_a_lead_added_as_lost_needs_its_reason(services):
    with pytest.raises(ServiceError, match="say why the lead was lost"):
        services.leads.create_lead(LeadDraft("Ann"), stage="lost")
    assert Lead.select().count() == 0
    lead_id = services.leads.create_lead(LeadDraft("Ann"), stage="lost", lost_reason="Budget")
    assert Lead.get_by_id(lead_id).lost_reason == "Budget"


def test_an_archived_lead_is_not_moved(services, make_lead):
    lead_id = make_lead("Ann", value_cents=5000)
    services.leads.archive(lead_id)
    with pytest.raises(ServiceError, match="archived"):
        services.leads.move_lead(lead_id, "won")
    assert Purchase.select().count() == 0


def test_the_command_line_keeps_the_same_rules(tmp_path, capsys):
    db = tmp_path / "book.db"
    assert run(db, "lead", "add", "Ann", "--stage", "won", "--value", "100", capsys=capsys)[0] == 0
    code, _, err = run(db, "lead", "add", "Bob", "--stage", "lost", capsys=capsys)
    assert code == 2 and "say why the lead was lost" in err
    assert (
        run(db, "lead", "add", "Bob", "--stage", "lost", "--reason", "Price", capsys=capsys)[0] == 0
    )
    open_database(str(db))
    assert [p.amount_cents for p in Purchase.select()] == [10000]
    close_database()


# -- check finds a lead whose stage disagrees with what follows it -----------------------


def test_check_finds_a_purchase_or_referral_that_disagrees_with_its_lead(services, settings):
    dana = services.partners.create_partner(PartnerDraft("Dana"))
    logged = services.partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    services.leads.move_lead(logged.lead_id, "won", value_cents=90000)
    assert check_database(settings) == []
    # What an undo that ignored another window did: the lead back in new, its business live.
    Lead.update(stage="new", closed_at=None).where(Lead.id == logged.lead_id).execute()
    problems = check_database(settings)
    assert any(f"lead {logged.lead_id} is in 'new' but its purchase" in p for p in problems)
    assert any(f"its referral {logged.referral_id} is 'converted'" in p for p in problems), problems


def test_the_refused_undo_leaves_nothing_for_check_to_find(services, settings, clock):
    from pegboard.wiring import Services

    dana = services.partners.create_partner(PartnerDraft("Dana"))
    logged = services.partners.log_referral(ReferralDraft("received", "Ann", partner_id=dana))
    services.leads.move_lead(logged.lead_id, "contacted")
    Services(settings, clock).leads.move_lead(logged.lead_id, "won", value_cents=90000)
    with pytest.raises(ServiceError, match="Not undone"):
        undo(services.leads)
    assert check_database(settings) == []


# -- an export folder obeys the same rules, and is named when it is broken ---------------


@pytest.fixture
def exported(tmp_path, capsys):
    db = tmp_path / "book.db"
    assert run(db, "demo", "--leads", "20", capsys=capsys)[0] == 0
    folder = tmp_path / "export"
    assert run(db, "export", str(folder), "--format", "json", capsys=capsys)[0] == 0
    return folder


def edit(folder, table, change):
    path = folder / f"{table}.json"
    rows = json.loads(path.read_text())
    change(rows)
    path.write_text(json.dumps(rows))


def refused(tmp_path, folder, capsys) -> str:
    target = tmp_path / "new.db"
    code, _, err = run(target, "import", str(folder), capsys=capsys)
    assert code == 2, err
    open_database(str(target))
    assert Lead.select().count() == 0, "nothing is written"
    close_database()
    return err


@pytest.mark.parametrize(
    ("table", "change", "named"),
    [
        ("leads", lambda rows: rows[0].update(value_cents=-1000), "cannot be negative"),
        ("contacts", lambda rows: rows[0].update(name=""), "a contact needs a name"),
        ("referrals", lambda rows: rows[0].update(direction="sideways"), "'sideways'"),
        ("leads", lambda rows: rows.append(dict(rows[0])), "appears twice"),
        ("leads", lambda rows: rows[0].update(contact_id=999999), "points to no contact"),
        ("leads", lambda rows: rows[0].update(stage="limbo"), "'limbo' is not one of"),
        ("touches", lambda rows: rows[0].update(colour="red"), "unknown column 'colour'"),
    ],
)
def test_a_broken_export_row_is_named_and_nothing_is_imported(
    exported, tmp_path, capsys, table, change, named
):
    edit(exported, table, change)
    assert named in refused(tmp_path, exported, capsys)


@pytest.mark.parametrize(
    ("text", "named"),
    [("[{", "not valid JSON"), ('{"id": 1}', "not a list of rows"), ("[1, 2]", "not a row")],
)
def test_a_broken_json_file_is_named(exported, tmp_path, capsys, text, named):
    (exported / "partners.json").write_text(text)
    err = refused(tmp_path, exported, capsys)
    assert "partners.json" in err and named in err


# -- a file that only claims to be a book ------------------------------------------------


def stub(path, version):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE schema_info (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE lead (id INTEGER PRIMARY KEY)")
        connection.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY)")
        if version is not None:
            connection.execute("INSERT INTO schema_info VALUES ('schema_version', ?)", (version,))
    return path


def test_restore_refuses_a_stub_and_keeps_the_book(tmp_path, capsys):
    db = tmp_path / "book.db"
    assert run(db, "demo", "--leads", "15", capsys=capsys)[0] == 0
    from pegboard.store.migrations import SCHEMA_VERSION

    fake = stub(tmp_path / "fake.db", str(SCHEMA_VERSION))
    code, _, err = run(db, "restore", str(fake), capsys=capsys)
    assert code == 2 and "not a whole pegboard book (missing" in err
    assert run(db, "check", capsys=capsys)[0] == 0


@pytest.mark.parametrize("value", ["abc", "", "-1", "eight", None])
def test_a_schema_version_that_is_not_one_is_a_clear_refusal(tmp_path, capsys, value):
    fake = stub(tmp_path / "fake.db", value)
    with pytest.raises(StoreError, match=r"schema version|not a pegboard"):
        inspect_file(fake)
    code, _, err = run(fake, "leads", capsys=capsys)
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err


# -- one line and exit 2, never a traceback ----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["lead", "add", "Ann", "--due", "+99999999d"],
        ["lead", "add", "Ann", "--due", "9999-12-31"],
        ["lead", "move", "99999999999999999999999", "won"],
        ["lead", "add", "Ann", "--at", "0001-01-01"],
        ["demo", "--leads", "99999999999"],
    ],
)
def test_values_out_of_range_are_one_line(tmp_path, capsys, args):
    code, _, err = run(tmp_path / "book.db", *args, capsys=capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err


def test_an_argument_that_is_not_utf8_is_one_line_and_nothing_is_written(tmp_path):
    db = tmp_path / "book.db"
    for args in (
        [b"lead", b"add", b"Ann \xff Lee"],
        [b"referral", b"log", b"Dana", b"Gi\xfena"],
        [b"purchase", b"add", b"Cl\xe9o", b"12"],
    ):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"pegboard", b"--db", bytes(db), *args],
            capture_output=True,
        )
        assert done.returncode == 2
        assert b"not UTF-8" in done.stderr and b"Traceback" not in done.stderr
    assert not db.exists()


LOCKER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.parametrize("command", ["demo", "import"])
def test_demo_and_import_while_another_process_holds_the_lock(tmp_path, capsys, command):
    db = tmp_path / "book.db"
    assert run(db, "lead", "add", "Seed", capsys=capsys)[0] == 0
    if command == "demo":
        db = tmp_path / "empty.db"
        open_database(str(db))
        close_database()
    csv = tmp_path / "people.csv"
    csv.write_text("Name,Email\nAnn Lee,ann@example.com\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(db), "12"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        args = ["demo", "--leads", "10"] if command == "demo" else ["import", str(csv)]
        code, _, err = run(db, *args, capsys=capsys)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert code == 2 and "kept the database busy" in err and len(err.strip().splitlines()) == 1
    assert waited >= 4  # the busy timeout was waited out first


# -- settings far out of range are refused as the config is read --------------------------


@pytest.mark.parametrize(
    ("text", "line", "named"),
    [
        ("[loyalty]\nlapsed_after_months = 999999999\n", 2, "at most 1,200"),
        ("[partners]\nask_given_after_days = 99999999999999999999\n", 2, "at most 36,500"),
        (
            '[pipeline]\n[[pipeline.stages]]\nid = "new"\nstale_after_days = 99999999999999999999\n'
            '[[pipeline.stages]]\nid = "won"\ncloses = "won"\n'
            '[[pipeline.stages]]\nid = "lost"\ncloses = "lost"\n',
            4,
            "1 to 36,500",
        ),
        ("[goal]\nrevenue = 1e300\n", 2, "an amount from 0"),
        ("[[loyalty.rules]]\nevery = 99999999999\npercent = 5\n", 1, "at most 1,000,000"),
    ],
)
def test_a_setting_far_out_of_range_is_named_with_its_line(tmp_path, capsys, text, line, named):
    from pegboard.config import load_settings
    from pegboard.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=named) as caught:
        load_settings(path)
    assert caught.value.line == line
    assert path.read_text() == text, "a broken config is never overwritten"


# -- a read-only disk: one line for every command that writes, and nothing written ---------


@pytest.fixture
def read_only_disk(tmp_path):
    """A real file system mounted read-only, holding a book."""
    with tmpfs(tmp_path / "ro", "8m") as disk:
        assert main(["--db", str(disk / "book.db"), "lead", "add", "Seed"]) == 0
        close_database()
        open_database(str(disk / "empty.db"))  # an empty book, for the demo
        close_database()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        yield disk


def pegboard(*args, env_extra=None):
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "pegboard", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["purchase", "add", "--customer", "Seed", "--amount", "12", "--create-customer"],
        ["import", "PEOPLE"],
        ["lead", "add", "Ann"],
        ["backup"],
        ["demo", "--leads", "5", "--db", "EMPTY"],
    ],
)
def test_on_a_read_only_disk_every_write_is_one_line(read_only_disk, tmp_path, args):
    people = tmp_path / "people.csv"
    people.write_text("Name,Email\nAnn Lee,ann@example.com\n", encoding="utf-8")
    swap = {"PEOPLE": str(people), "EMPTY": str(read_only_disk / "empty.db")}
    args = [swap.get(arg, arg) for arg in args]
    done = pegboard(
        "--db",
        str(read_only_disk / "book.db"),
        *args,
        env_extra={"PEGBOARD_CONFIG_DIR": str(tmp_path / "config")},
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "read-only" in done.stderr.lower() or "read only" in done.stderr.lower()


def test_an_unwritable_config_or_data_folder_on_the_first_start_is_one_line(
    read_only_disk, tmp_path
):
    # The app (no command) writes the default config.toml on its first start.
    config = pegboard(
        env_extra={
            "PEGBOARD_CONFIG_DIR": str(read_only_disk / "config"),
            "PEGBOARD_DATA_DIR": str(tmp_path / "data"),
        },
    )
    assert config.returncode == 2 and "config.toml: cannot be written" in config.stderr
    assert len(config.stderr.strip().splitlines()) == 1
    data = pegboard(
        "leads",
        env_extra={
            "PEGBOARD_CONFIG_DIR": str(tmp_path / "config"),
            "PEGBOARD_DATA_DIR": str(read_only_disk / "data"),
        },
    )
    assert data.returncode == 2 and "cannot create" in data.stderr, data.stderr
    assert len(data.stderr.strip().splitlines()) == 1


def test_editing_a_won_leads_value_edits_its_purchase(services, make_lead, settings):
    lead_id = make_lead("Ann", value_cents=0)
    services.leads.move_lead(lead_id, "won")
    assert Purchase.select().count() == 0
    draft = services.leads.draft_of(lead_id)
    services.leads.update_lead(lead_id, LeadDraft(**{**draft.__dict__, "value_cents": 7000}))
    assert [p.amount_cents for p in Purchase.select()] == [7000]
    services.leads.update_lead(lead_id, LeadDraft(**{**draft.__dict__, "value_cents": 9000}))
    assert [p.amount_cents for p in Purchase.select()] == [9000]
    assert check_database(settings) == []


def test_check_names_rows_no_door_would_write(services, make_lead, settings):
    from pegboard.store.models import Contact

    lead_id = make_lead("Ann", value_cents=100)
    Lead.update(value_cents=-5).where(Lead.id == lead_id).execute()
    Contact.update(name="  ").execute()
    services.leads.move_lead(lead_id, "contacted")
    problems = check_database(settings)
    assert "1 lead(s) with a negative value" in problems
    assert "1 contact(s) without a name" in problems
    Lead.update(value_cents=500, stage="won").where(Lead.id == lead_id).execute()
    assert f"lead {lead_id} is won but is no customer's purchase" in check_database(settings)


def test_an_imported_won_deal_is_its_customers_purchase(tmp_path, capsys):
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Deal Name,Deal Stage,Amount,Close Date,Contact Name\n"
        "Books,Closed Won,450,2026-11-02,Fay Tan\n"
        "Audit,Closed Lost,900,2026-11-03,Gus Ruiz\n",
        encoding="utf-8",
    )
    db = tmp_path / "book.db"
    code, _, err = run(db, "import", str(deals), capsys=capsys)
    assert code == 0, err
    assert run(db, "check", capsys=capsys)[0] == 0
    open_database(str(db))
    (purchase,) = Purchase.select()
    assert (purchase.amount_cents, str(purchase.purchased_on)) == (45000, "2026-11-02")
    close_database()
