"""Where pegboard keeps its data and config: functions, so nothing is touched at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "pegboard"
DB_ENV = "PEGBOARD_DB"
DATA_DIR_ENV = "PEGBOARD_DATA_DIR"
CONFIG_DIR_ENV = "PEGBOARD_CONFIG_DIR"


def data_dir() -> Path:
    """The user data directory (override with PEGBOARD_DATA_DIR)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user config directory (override with PEGBOARD_CONFIG_DIR)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    return data_dir() / "pegboard.db"


def sqlite_path(target: str) -> Path | None:
    """The file behind a SQLite target (a plain path or sqlite:/// URL); None for a server
    URL. Here, not in the store, so that a command can tell before peewee is imported."""
    if target.startswith("sqlite:///"):
        return Path(target.removeprefix("sqlite:///"))
    if "://" in target:
        return None
    return Path(target).expanduser()


def _credentials(target: str) -> tuple[str, str, str, str] | None:
    """(scheme, user, password, place) of a server URL with a password, else None."""
    scheme, found, rest = target.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not found or not at or ":" not in credentials:
        return None
    user, password = credentials.split(":", 1)
    return scheme, user, password, place


def shown_target(target: str) -> str:
    """A database target as it may be shown: a server URL's password is never printed
    (`postgresql://ann:***@host/db`)."""
    parts = _credentials(target)
    if parts is None:
        return target
    scheme, user, _, place = parts
    return f"{scheme}://{user}:***@{place}"


def hide_password(text: str, target: str) -> str:
    """`text` (a driver's message) with the password of the URL `target` taken out."""
    parts = _credentials(target)
    password = parts[2] if parts else ""
    return text.replace(password, "***") if password else text


def resolve_db_target(explicit: str | None) -> str:
    """The database to open: --db, else PEGBOARD_DB, else the default file."""
    return explicit or os.environ.get(DB_ENV) or str(default_db_path())


def ensure_private_dir(path: Path) -> None:
    """Create a directory readable by the user only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
