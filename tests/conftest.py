"""Shared fixtures: every test gets its own data and config dirs, a real SQLite file, a fixed clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from pegboard.clock import Clock
from pegboard.config import Settings
from pegboard.services.leads import LeadDraft, LeadService
from pegboard.store.database import close_database, open_database

FIXED_NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


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


@pytest.fixture
def database(db_path):
    handle = open_database(str(db_path))
    yield handle
    close_database()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed(FIXED_NOW)


@pytest.fixture
def leads(database, settings, clock) -> LeadService:
    return LeadService(settings, clock)


@pytest.fixture
def make_lead(leads):
    """Create a lead from a name and keyword fields; returns its id."""

    def make(name: str, stage: str | None = None, **fields) -> int:
        return leads.create_lead(LeadDraft(name=name, **fields), stage=stage)

    return make
