"""Helpers the benchmark scripts share: figures and demo databases."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, p95) of the samples."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def line(name: str, samples: list[float], unit: float = 1000, suffix: str = "ms") -> str:
    median, p95 = summary(samples)
    return f"{name:<40} {median * unit:>8.1f}{suffix} {p95 * unit:>8.1f}{suffix} {len(samples):>4}"


def make_demo(path: Path, leads: int, env: dict[str, str] | None = None) -> float:
    """Write a demo database with `pegboard demo`; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(path), "demo", "--leads", str(leads)],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started
