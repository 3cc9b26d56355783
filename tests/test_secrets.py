"""A database password is never printed: not by `check`, not by the app's header, not in
any connection error (server down, missing database), and an error is one line."""

import os
import subprocess
import sys

import pytest

from pegboard.paths import hide_password, shown_target
from tests.conftest import NO_POSTGRES, POSTGRES_URL, _wipe_postgres

SECRET = "S3cret-pw"


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (
            "postgresql://ann:S3cret-pw@db.example.com:5432/book",
            "postgresql://ann:***@db.example.com:5432/book",
        ),
        ("postgresql://ann@localhost/book", "postgresql://ann@localhost/book"),
        ("postgres://ann:S3cret-pw@[::1]/book", "postgres://ann:***@[::1]/book"),
        ("/home/ann/book.db", "/home/ann/book.db"),
        ("sqlite:///home/ann/book.db", "sqlite:///home/ann/book.db"),
    ],
)
def test_a_target_is_shown_without_its_password(target, shown):
    assert shown_target(target) == shown
    assert SECRET not in hide_password(f"failed for {target}", target)


def pegboard(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(tmp_path / "config"))
    return subprocess.run(
        [sys.executable, "-m", "pegboard", *args], capture_output=True, text=True, env=env
    )


def with_password(url: str, database: str | None = None) -> str:
    scheme, _, rest = url.partition("://")
    credentials, _, place = rest.rpartition("@")
    user = credentials.split(":", 1)[0] or "pegboard"
    if database is not None:
        place = place.rsplit("/", 1)[0] + "/" + database
    return f"{scheme}://{user}:{SECRET}@{place}"


def test_a_server_that_is_down_is_one_line_without_the_password(tmp_path):
    done = pegboard(
        "--db", f"postgresql://ann:{SECRET}@127.0.0.1:9/book", "check", tmp_path=tmp_path
    )
    assert done.returncode == 2
    assert SECRET not in done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("pegboard: error: cannot open postgresql://ann:***@127.0.0.1:9/book")


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
def test_check_and_a_missing_database_never_show_the_password(tmp_path):
    _wipe_postgres(POSTGRES_URL)  # a sound, empty book: check passes, whatever ran before
    done = pegboard("--db", with_password(POSTGRES_URL), "check", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr and ":***@" in done.stdout
    missing = pegboard(
        "--db", with_password(POSTGRES_URL, "no_such_book"), "leads", tmp_path=tmp_path
    )
    assert missing.returncode == 2
    assert SECRET not in missing.stdout + missing.stderr
    assert "no_such_book" in missing.stderr and len(missing.stderr.splitlines()) == 1
