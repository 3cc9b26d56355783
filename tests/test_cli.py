"""The command line, for scripts: JSON out, one-line errors with exit code 2, nothing half written."""

import json
import subprocess
import sys

import pytest

from pegboard.cli import main
from pegboard.store.database import close_database


@pytest.fixture
def run(db_target, capsys):
    """The CLI in this process, on a new SQLite file or an emptied PostgreSQL database."""

    def run(*args):
        code = main(["--db", db_target, *args])
        close_database()
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_lead_add_move_and_list(run):
    code, out, _ = run(
        "lead",
        "add",
        "Ann Lee",
        "--company",
        "Acme",
        "--value",
        "1200.50",
        "--source",
        "referral",
        "--email",
        "ann@example.com",
        "--due",
        "2026-12-01",
    )
    assert code == 0
    lead_id = int(out)
    code, out, _ = run("lead", "move", str(lead_id), "won", "--value", "1500")
    assert (code, out.strip()) == (0, f"lead {lead_id}: new -> won")
    code, out, _ = run("leads", "--json")
    (record,) = json.loads(out)
    assert record["contact"] == "Ann Lee"
    assert record["stage"] == "won"
    assert record["value_cents"] == 150000
    assert record["due"] == "2026-12-01"
    code, out, _err = run("leads", "--stage", "won")
    assert "Ann Lee (Acme)" in out and "$1,500.00" in out
    code, out, _ = run("leads", "--stage", "new", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lead", "add", ""), "name: a lead needs a contact name"),
        (("lead", "add", "X", "--value", "12.345"), "--value: '12.345' is not an amount"),
        (("lead", "add", "X", "--email", "nope"), "email: not an email address"),
        (("lead", "add", "X", "--due", "someday"), "--due: not a date"),
        (("lead", "add", "X", "--stage", "limbo"), "no stage 'limbo'"),
        (("lead", "add", "X", "--source", "tv"), "source: not a configured source"),
        (("lead", "move", "99", "won"), "no lead with id 99"),
        (("leads", "--stage", "limbo"), "no stage 'limbo'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(run, args, message):
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
    assert json.loads(run("leads", "--json")[1]) == []


def test_lost_without_reason_is_refused(run):
    lead_id = run("lead", "add", "Ann")[1].strip()
    code, _, err = run("lead", "move", lead_id, "lost")
    assert code == 2 and "why" in err
    assert run("lead", "move", lead_id, "lost", "--reason", "Timing")[0] == 0


def test_argparse_errors_are_one_line_with_code_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err


def test_demo_command_refuses_a_second_run(run):
    code, out, _ = run("demo", "--leads", "30")
    assert code == 0 and "30 leads" in out
    code, _, err = run("demo", "--leads", "30")
    assert code == 2 and "already has data" in err


def test_broken_config_is_reported_with_its_line_and_kept(run, tmp_path):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text('currency = "USD"\n[pipeline\n')
    code, _, err = run("leads")
    assert code == 2
    assert f"{config}: line 2" in err
    assert config.read_text() == 'currency = "USD"\n[pipeline\n'


def test_default_database_lives_in_the_data_dir(tmp_path, capsys):
    assert main(["lead", "add", "Default Person"]) == 0
    close_database()
    assert (tmp_path / "data" / "pegboard.db").exists()


def test_pegboard_db_environment_variable_picks_the_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("PEGBOARD_DB", str(target))
    assert main(["lead", "add", "Env Person"]) == 0
    close_database()
    assert target.exists()


def test_non_ui_commands_never_import_textual(tmp_path):
    db = tmp_path / "x.db"
    script = (
        "import sys\n"
        "from pegboard.cli import main\n"
        f"main(['--db', {str(db)!r}, 'lead', 'add', 'Ann'])\n"
        f"main(['--db', {str(db)!r}, 'leads', '--json'])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        f"main(['--db', {str(db)!r}, 'mcp', '--history'])\n"
        "import pegboard.services.board, pegboard.services.demo\n"
        "import pegboard.assistant.server, pegboard.cli.serve\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        "print('clean')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "clean" in result.stdout


def test_a_command_on_a_file_loads_no_server_driver_and_one_on_a_server_does(db_target):
    """peewee imports every database driver it finds (psycopg2 took 10 ms of each start):
    for a SQLite file they are skipped; a PostgreSQL URL still gets psycopg2."""
    script = (
        "import sys\n"
        "from pegboard.cli import main\n"
        f"assert main(['--db', {db_target!r}, 'lead', 'add', 'Ann']) == 0\n"
        "print(type(sys.modules.get('psycopg2')).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    server = "://" in db_target
    assert result.stdout.split()[-1] == ("module" if server else "NoneType")


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "pegboard", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("pegboard ")


def test_referral_log_received_creates_a_lead(run):
    code, _, err = run(
        "referral", "log", "--partner", "Dana Keller", "--received", "--person", "Ann Lee"
    )
    assert code == 2 and "--create-partner" in err
    code, out, err = run(
        "referral",
        "log",
        "--partner",
        "Dana Keller",
        "--received",
        "--person",
        "Ann Lee",
        "--phone",
        "+1 555 0100",
        "--create-partner",
    )
    assert code == 0
    lines = out.split()
    assert lines[0] == "referral" and lines[2] == "lead"
    assert "created partner" in err
    (lead,) = json.loads(run("leads", "--json")[1])
    assert lead["id"] == int(lines[3])
    assert (lead["source"], lead["partner"], lead["phone"]) == (
        "referral",
        "Dana Keller",
        "+1 555 0100",
    )
    code, out, _ = run("referral", "log", "--partner", "dana keller", "--given", "--person", "Bob")
    assert code == 0 and "lead" not in out


def test_referral_log_rejects_bad_input_and_writes_nothing(run):
    with pytest.raises(SystemExit) as caught:
        run("referral", "log", "--partner", "X", "--received", "--given", "--person", "A")
    assert caught.value.code == 2
    code, _, err = run(
        "referral",
        "log",
        "--partner",
        "X",
        "--received",
        "--person",
        "A",
        "--email",
        "nope",
        "--create-partner",
    )
    assert code == 2 and "email" in err
    assert json.loads(run("partners", "--json")[1]) == []


def test_partners_json_has_the_reciprocity_figures(run):
    for _ in range(2):
        run(
            "referral",
            "log",
            "--partner",
            "Dana",
            "--received",
            "--person",
            "P",
            "--create-partner",
        )
    run("referral", "log", "--partner", "Raj", "--given", "--person", "Q", "--create-partner")
    code, out, _ = run("partners", "--json")
    records = {r["name"]: r for r in json.loads(out)}
    assert (records["Dana"]["received"], records["Dana"]["given"]) == (2, 0)
    assert records["Dana"]["balance"] == 2 and records["Dana"]["owed"] is True
    assert records["Raj"]["balance"] == -1 and records["Raj"]["owed"] is False
    assert set(records["Raj"]) >= {
        "name",
        "category",
        "received",
        "given",
        "balance",
        "closed_value_cents",
        "last_exchange",
        "owed",
    }
    code, out, _ = run("partners")
    assert "Dana" in out and "OWED" in out
    code, _, err = run("partners", "--sort", "vibes")
    assert code == 2 and "sort by" in err


def test_purchase_add_prints_the_discount_and_customers_lists_it(run):
    code, _, err = run("purchase", "add", "--customer", "Ann Lee", "--amount", "120")
    assert code == 2 and "--create-customer" in err
    assert json.loads(run("customers", "--json")[1]) == []
    code, out, _ = run(
        "purchase", "add", "--customer", "Ann Lee", "--amount", "120", "--create-customer", "--json"
    )
    assert code == 0 and json.loads(out)["discount_cents"] == 0
    code, out, _ = run(
        "purchase",
        "add",
        "--customer",
        "ann lee",
        "--amount",
        "120.00",
        "--what",
        "Books",
        "--json",
    )
    record = json.loads(out)
    assert (record["amount_before_cents"], record["discount_cents"], record["charged_cents"]) == (
        12000,
        1200,
        10800,
    )
    assert record["rule"] == "10% off the 2nd purchase"
    code, out, _ = run("purchase", "add", "--customer", "Ann Lee", "--amount", "100")
    assert "$15.00" in out and "$85.00" in out
    (customer,) = json.loads(run("customers", "--json")[1])
    assert (customer["name"], customer["purchases"], customer["lifetime_value_cents"]) == (
        "Ann Lee",
        3,
        12000 + 10800 + 8500,
    )
    assert customer["next_discount"]["rule"] == "15% off the 3rd purchase and later"
    code, _, err = run("purchase", "add", "--customer", "Ann Lee", "--amount", "-3")
    assert code == 2 and "negative" in err


def test_today_prints_sections_with_counts_and_json(run):
    run("lead", "add", "Ann Due", "--due", "2020-01-01", "--next-action", "Call back")
    run(
        "referral",
        "log",
        "--partner",
        "Dana",
        "--received",
        "--person",
        "Ben New",
        "--create-partner",
    )
    code, out, _ = run("today")
    assert code == 0
    assert out.splitlines()[0].startswith("1 follow-up due, 1 new referral,")
    assert "Follow-ups due (1)" in out and "Ann Due: Call back" in out
    assert (
        "New referrals to contact (1)" in out
        and "Ben New: no phone or email yet · from Dana" in out
    )
    assert out.index("New referrals to contact") < out.index("Follow-ups due"), "warmest first"
    data = json.loads(run("today", "--json")[1])
    assert data["due"]["count"] == 1 and data["due"]["rows"][0]["title"] == "Ann Due"
    assert data["new_referral"]["rows"][0]["title"] == "Ben New"


def test_a_script_drives_the_same_commands_in_a_process_of_its_own(db_target):
    """The entry point as a shell script runs it, on either database."""

    def pegboard(*args):
        done = subprocess.run(
            [sys.executable, "-m", "pegboard", "--db", db_target, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "300 leads" in pegboard("demo", "--leads", "300")
    won = json.loads(pegboard("leads", "--stage", "won", "--json"))
    assert won and all(lead["stage"] == "won" for lead in won)
    report = json.loads(pegboard("report", "--period", "all", "--format", "json"))
    assert sum(row["won"] for row in report["by_source"]) == len(won)
    assert report["funnel"][0]["reached"] == 300
    assert "all checks passed" in pegboard("check")
