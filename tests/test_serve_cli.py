"""`pegboard serve` refusals, without a browser: a reachable address needs --allow-remote
and then warns; without the web extra, one line says how to install it; a port in use
is one line too. The browser test (test_browser.py) drives the page itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from pegboard.cli.serve import is_loopback, page_host


def serve(tmp_path, *argv: str, extra_path: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(tmp_path / "config"))
    env.pop("PEGBOARD_DB", None)
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pegboard", "--db", str(tmp_path / "b.db"), "serve", *argv]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("my-laptop.local", False),
    ],
)
def test_which_addresses_only_this_machine_reaches(host, loopback):
    assert is_loopback(host) is loopback


def test_the_page_links_name_a_host_a_browser_can_reach():
    assert page_host("127.0.0.1") == "127.0.0.1"
    assert page_host("::1") == "[::1]"
    assert page_host("0.0.0.0") == socket.gethostname()


def test_a_reachable_address_is_refused_without_allow_remote(tmp_path):
    result = serve(tmp_path, "--host", "0.0.0.0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--allow-remote" in result.stderr and "no login" in result.stderr
    assert not (tmp_path / "b.db").exists(), "refused before the book is opened"


def test_allow_remote_warns_and_a_port_in_use_is_one_line(tmp_path):
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--allow-remote")
    assert result.returncode == 2
    warning, error = result.stderr.splitlines()[-2:]
    assert "Anyone who can reach 0.0.0.0" in warning and "SSH tunnel" in warning
    assert error.startswith(f"pegboard: error: cannot listen on 0.0.0.0:{port}: ")
    assert "Traceback" not in result.stderr


def test_without_the_web_extra_one_line_says_how_to_install_it(tmp_path):
    stub = tmp_path / "stub"
    (stub / "textual_serve").mkdir(parents=True)
    (stub / "textual_serve" / "__init__.py").write_text("raise ImportError('not installed')\n")
    result = serve(tmp_path, extra_path=str(stub))
    assert result.returncode == 2
    assert result.stderr == (
        "pegboard: error: serve needs the web extra: pip install 'pegboard[web]'\n"
    )


def test_without_the_mcp_extra_one_line_says_how_to_install_it(tmp_path):
    stub = tmp_path / "stub"
    (stub / "mcp").mkdir(parents=True)
    (stub / "mcp" / "__init__.py").write_text("raise ImportError('not installed')\n")
    path = os.pathsep.join(filter(None, [str(stub), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(tmp_path / "config"), PYTHONPATH=path)
    result = subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(tmp_path / "b.db"), "mcp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert (
        result.stderr == "pegboard: error: mcp needs the mcp extra: pip install 'pegboard[mcp]'\n"
    )
