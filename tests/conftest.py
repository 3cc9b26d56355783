"""Shared fixtures: every test gets its own data and config dirs, a real SQLite file, a fixed clock."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from datetime import UTC, datetime

import pytest

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.leads import LeadDraft, LeadService
from pegboard.store import tallies
from pegboard.store.database import close_database, open_database
from pegboard.store.models import db
from pegboard.wiring import Services

FIXED_NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

os.environ.pop("LC_ALL", None)
os.environ["LC_NUMERIC"] = "C"
os.environ["LC_TIME"] = "C"
os.environ["LC_TELEPHONE"] = "C"
"""Amounts read as 1,234.56, dates as MM/DD and phones as US numbers (the locale's ways
are the defaults): the same on every machine."""

POSTGRES_URL = os.environ.get("PEGBOARD_TEST_POSTGRES", "")
"""A PostgreSQL server the tests may wipe (.ci/run starts a throwaway one and sets this)."""
NO_POSTGRES = (
    "PostgreSQL tests SKIPPED: no server. Set PEGBOARD_TEST_POSTGRES to a database URL "
    "the tests may wipe (bash .ci/run starts a throwaway server and sets it)."
)


def type_in_a_burst(app, *keys: str) -> None:
    """Send keys all at once, as a paste or a fast typist does; Pilot's `press` waits for
    each key to be handled. Keys are named as for `press`."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        # As Textual's App._press_keys names them, minus its waits.
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            character = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            character = key if len(key) == 1 else None
        app._driver.send_message(events.Key(key, character))


def drawn_text(widget) -> str:
    """What a widget draws now, its lines joined: the text an owner reads on it."""
    return "\n".join(line.text for line in widget.render_lines(widget.region.reset_offset))


def pytest_report_header(config):
    return f"postgresql: {POSTGRES_URL or 'NOT AVAILABLE - its tests will be skipped'}"


def pytest_collection_modifyitems(config, items):
    """Tests marked sqlite_only run once, on SQLite: their PostgreSQL twin is deselected."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("db_target") == "postgres"
        (drop if on_postgres and item.get_closest_marker("sqlite_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if not POSTGRES_URL:
        terminalreporter.write_sep("!", NO_POSTGRES, red=True, bold=True)
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if "the browser test cannot run" in reason:
            banner = reason.split("SKIPPED LOUDLY: ", 1)[-1]
            terminalreporter.write_sep("!", f"browser test SKIPPED: {banner}", red=True, bold=True)


def _wipe_postgres(url: str) -> None:
    """An empty public schema: each test starts from nothing, as with a new SQLite file."""
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        connection.close()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Never touch the real user data or config: point every path at the test's temp dir."""
    monkeypatch.setenv("PEGBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("PEGBOARD_DB", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    close_database()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "pegboard.db"


@pytest.fixture(params=["sqlite", "postgres"])
def db_target(request, db_path):
    """Where the test's database lives: a new SQLite file, or an emptied PostgreSQL schema.

    Every test that uses `database` runs on both; mark SQLite-specific ones sqlite_only.
    """
    if request.param == "sqlite":
        return str(db_path)
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    _wipe_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def database(db_target):
    """The test's database, open; after the test, the figures its triggers kept must
    agree with the same worked out again from its rows (store.tallies)."""
    handle = open_database(db_target)
    yield handle
    if db.obj is not None:
        assert tallies.disagreements() == [], "the kept tallies disagree with the rows"
    close_database()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed(FIXED_NOW)


@pytest.fixture
def services(database, settings, clock) -> Services:
    """The services over the test's database, made as the app and the CLI make them."""
    return Services(settings, clock)


@pytest.fixture
def leads(services) -> LeadService:
    return services.leads


def undo(service) -> tuple[str, int] | None:
    """Take back the newest step of the service's undo log: (what, record id), or None."""
    step = service.undo_log.undo()
    return None if step is None else (step.description, step.record_id)


@pytest.fixture
def make_lead(leads):
    """Create a lead from a name and keyword fields; returns its id."""

    def make(name: str, stage: str | None = None, **fields) -> int:
        return leads.create_lead(LeadDraft(name=name, **fields), stage=stage)

    return make


@contextlib.contextmanager
def tmpfs(folder, size: str):
    """A real file system of `size` (a tmpfs) at `folder`, for a full or read-only disk;
    the test is skipped, loudly, where this machine does not let a test mount one."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"SKIPPED LOUDLY: cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
