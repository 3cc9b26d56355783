"""The benchmark suite's probe still drives the real app: a few keys on a small demo book
in a real pseudo-terminal, each reported with a time (no figure is checked: timings
belong to benchmarks/run.py, not to tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pty")
def test_probe_times_keys_in_the_app_in_a_pty(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from pty_probe import run_probe
    finally:
        sys.path.remove(str(BENCHMARKS))
    env = dict(os.environ, TERM="xterm-256color")
    db = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(db), "demo", "--leads", "300"],
        env=env,
        check=True,
        capture_output=True,
    )
    steps = [
        {"key": "j", "until": "paint"},
        {"key": "L", "until": "paint"},
        {"key": "1", "until": "today"},
        {"key": "r", "until": "quick_log"},
    ]
    run = run_probe(["--db", str(db), "--start", "board"], steps, env, timeout=120)
    assert run.ready > 0
    assert len(run.steps) == len(run.first_paints) == len(steps)
    assert all(0 < first <= done for first, done in zip(run.first_paints, run.steps, strict=True))
    assert run.rss_kb > 10_000
