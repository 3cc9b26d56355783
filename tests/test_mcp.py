"""`pegboard mcp` driven by the MCP SDK's own client over stdio, on a demo book in a
file: the read tools answer what the CLI's --json says, each write tool changes the
database (with its record in assistant_write), read-only refuses writes, and text
comes back without control characters and bounded."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import asynccontextmanager

import pytest

mcp = pytest.importorskip("mcp", reason="the mcp extra is not installed")

from pegboard.assistant.tools import LONGEST_TEXT, READ_TOOLS, WRITE_TOOLS  # noqa: E402


def pegboard(book, *argv: str) -> subprocess.CompletedProcess:
    db, config_dir = book
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(config_dir))
    env.pop("PEGBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(db), *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli_json(book, *argv: str):
    result = pegboard(book, *argv, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def book(tmp_path):
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    book = (tmp_path / "book.db", config_dir)
    assert pegboard(book, "demo", "--leads", "200").returncode == 0
    return book


def query(book, sql: str, *params):
    with sqlite3.connect(book[0]) as connection:
        return connection.execute(sql, params).fetchall()


@asynccontextmanager
async def assistant(book, *flags: str):
    """A session of the SDK's client with `pegboard mcp FLAGS` on the book."""
    db, config_dir = book
    env = {**os.environ, "PEGBOARD_CONFIG_DIR": str(config_dir)}
    env.pop("PEGBOARD_DB", None)
    params = mcp.StdioServerParameters(
        command=sys.executable, args=["-m", "pegboard", "--db", str(db), "mcp", *flags], env=env
    )
    with open(os.devnull, "w") as quiet:
        async with (
            mcp.stdio_client(params, errlog=quiet) as (read, write),
            mcp.ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


async def call(session, tool: str, **arguments):
    """A tool's answer (its structured content), or its error text as an AssertionError."""
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def refused(session, tool: str, **arguments) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error
    return result.content[0].text


async def test_the_read_tools_answer_as_the_cli_does(book):
    partner = cli_json(book, "partners")[0]
    customer = cli_json(book, "customers")[0]
    async with assistant(book) as session:
        listed = await session.list_tools()
        assert [tool.name for tool in listed.tools] == [*READ_TOOLS, *WRITE_TOOLS]
        assert all(tool.description for tool in listed.tools)
        assert await call(session, "today") == cli_json(book, "today")
        figures = await call(session, "report", period="90d")
        printed = cli_json(book, "report", "--period", "90d")
        for moment in ("since", "generated_at"):  # the moment each was asked
            assert figures.pop(moment).endswith("Z") and printed.pop(moment).endswith("Z")
        assert figures == printed
        about = await call(session, "partner", name=partner["name"].upper(), limit=3)
        assert about["partner"] == partner
        assert len(about["history"]) <= 3
        given = query(
            book,
            "SELECT COUNT(*) FROM referral WHERE partner_id = ? AND archived_at IS NULL",
            partner["id"],
        )[0][0]
        assert about["history_total"] == given
        bought = await call(session, "customer", name=customer["name"])
        assert bought["customer"] == customer
        assert bought["purchases_total"] == customer["purchases"]
        assert (
            sum(p["charged_cents"] for p in bought["purchases"])
            == (customer["lifetime_value_cents"])
        )
        found = await call(session, "find", query=partner["name"], limit=5)
        assert partner["name"] in [hit["name"] for hit in found["partners"]]
        many = await call(session, "find", query="an", limit=2)
        assert len(many["leads"]) == 2 and many["leads_total"] > 2
        assert "period: one of" in await refused(session, "report", period="7d")
        assert "limit: from 1 to 50" in await refused(session, "find", query="an", limit=500)
        assert "no partner named" in await refused(session, "partner", name="Nobody Atall")


async def test_writes_are_off_unless_allowed_and_read_only_wins(book):
    before = query(book, "SELECT COUNT(*) FROM touch")
    async with assistant(book) as session:
        text = await refused(session, "log_touch", lead_id=1, kind="call")
        assert "writes are off" in text and "--allow-writes" in text
    async with assistant(book, "--read-only") as session:
        assert "writes are off" in await refused(session, "log_touch", lead_id=1, kind="call")
    (book[1] / "config.toml").write_text("[assistant]\nallow_writes = true\n")
    async with assistant(book, "--read-only") as session:
        assert "writes are off" in await refused(session, "log_touch", lead_id=1, kind="call")
    assert query(book, "SELECT COUNT(*) FROM touch") == before
    async with assistant(book) as session:  # config.toml allows them
        await call(session, "log_touch", lead_id=1, kind="call", note="From the config")
    assert query(book, "SELECT note FROM touch WHERE note = 'From the config'")


async def test_each_write_tool_changes_the_book_and_is_recorded(book):
    partner = cli_json(book, "partners")[0]["name"]
    customer = cli_json(book, "customers")[0]["name"]
    (lead_id,) = query(book, "SELECT id FROM lead WHERE stage = 'new' ORDER BY id LIMIT 1")[0]
    async with assistant(book, "--allow-writes") as session:
        logged = await call(
            session,
            "log_referral",
            partner=partner,
            direction="received",
            person="Mia Assist",
            phone="555 0177",
        )
        touch = await call(
            session,
            "log_touch",
            lead_id=lead_id,
            kind="email",
            note="Sent the brochure",
            next_action="Call back",
            due="2030-01-15",
        )
        moved = await call(session, "move_lead", lead_id=lead_id, stage="lost", reason="price")
        bought = await call(session, "record_purchase", customer=customer, amount="120.00")
        # Refused as the command line refuses, in the same words after the field's name.
        wrong = await refused(session, "record_purchase", customer=customer, amount="1200,50")
        cli = pegboard(book, "purchase", "add", "--customer", customer, "--amount", "1200,50")
        assert cli.returncode == 2
        assert wrong.endswith(cli.stderr.strip().split("--amount: ", 1)[1])
        assert "received or given" in await refused(
            session, "log_referral", partner=partner, direction="sideways", person="X"
        )
        (other,) = query(book, "SELECT id FROM lead WHERE stage = 'new' ORDER BY id DESC LIMIT 1")[
            0
        ]
        no_reason = await refused(session, "move_lead", lead_id=other, stage="lost")
        cli = pegboard(book, "lead", "move", str(other), "lost")
        assert cli.returncode == 2 and no_reason.endswith(cli.stderr.strip().split("error: ")[1])
    person = query(
        book,
        "SELECT contact.name, contact.phone, lead.source FROM referral"
        " JOIN lead ON lead.id = referral.lead_id JOIN contact ON contact.id = lead.contact_id"
        " WHERE referral.id = ?",
        logged["referral"],
    )
    assert person == [("Mia Assist", "555 0177", "referral")]
    assert query(book, "SELECT kind, note FROM touch WHERE id = ?", touch["touch"]) == [
        ("email", "Sent the brochure")
    ]
    assert moved == {"id": lead_id, "from": "new", "to": "lost"}
    assert query(
        book, "SELECT stage, lost_reason, next_action, due_date FROM lead WHERE id = ?", lead_id
    ) == [("lost", "price", "Call back", "2030-01-15")]
    assert bought["amount_before_cents"] == 12000
    assert bought["charged_cents"] == 12000 - bought["discount_cents"]
    history = cli_json(book, "mcp", "--history")
    assert history["total"] == 4
    assert [row["tool"] for row in history["writes"]] == [
        "record_purchase",
        "move_lead",
        "log_touch",
        "log_referral",
    ]
    assert history["writes"][1]["summary"] == f"moved lead {lead_id} from new to lost"
    assert history["writes"][1]["record_id"] == lead_id
    # The lead's page lists what the assistant did beside its touches and stage changes.
    from pegboard.paths import resolve_db_target
    from pegboard.services.lead_records import lead_detail
    from pegboard.store.database import close_database, open_database

    open_database(resolve_db_target(str(book[0])))
    try:
        done = [summary for _, summary in lead_detail(lead_id).assistant]
        referred = [summary for _, summary in lead_detail(logged["lead"]).assistant]
    finally:
        close_database()
    assert done == [f"logged email on lead {lead_id}", f"moved lead {lead_id} from new to lost"]
    assert referred == [f"logged a referral from {partner}: Mia Assist"]


async def test_text_comes_back_without_control_characters_and_bounded(book):
    ((contact_id,),) = query(book, "SELECT contact_id FROM lead ORDER BY id LIMIT 1")
    with sqlite3.connect(book[0]) as connection:
        connection.execute(
            "UPDATE contact SET name = ?, name_key = 'zed evil' WHERE id = ?",
            ("Zed \x1b]52;c;cm0gLXJmIH4=\x07Evil\x1b[2J", contact_id),
        )
    partner = cli_json(book, "partners")[0]
    with sqlite3.connect(book[0]) as connection:
        connection.execute(
            "UPDATE referral SET note = ? WHERE partner_id = ?", ("x" * 5000, partner["id"])
        )
    async with assistant(book) as session:
        result = await session.call_tool("find", {"query": "zed evil"})
        text = result.content[0].text
        found = result.structured_content
        assert found["leads_total"] == 1
        name = found["leads"][0]["name"]
        assert name.startswith("Zed ") and name.endswith("Evil␛[2J")
        for character in json.dumps(found, ensure_ascii=False) + text:
            assert character in "\n" or ord(character) >= 0x20, repr(character)
        assert "\x1b" not in json.loads(text)["leads"][0]["name"]
        about = await call(session, "partner", name=partner["name"])
        assert about["history"]
        for exchange in about["history"]:
            assert len(exchange["note"]) == LONGEST_TEXT and exchange["note"].endswith("x…")
