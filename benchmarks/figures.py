"""What the benchmark suite measures in: a Figure (samples, reference, ratio, target),
the table it is printed as, the machine it ran on, and how pegboard is started."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

FLOOR_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Floor(App):
    def compose(self):
        yield Header()
        yield Static("FLOOR-READY")
        yield Footer()
Floor().run()
"""
FIRST_PAINT = b"pegboard"
"""The title in pegboard's header: drawn with its first screen."""
TODAY_DATA = b" due, "
"""In Today's summary line: drawn once its figures are in."""


@dataclass
class Figure:
    group: str
    name: str
    samples: list[float]
    unit: str = "ms"
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def scaled(self, value: float) -> float:
        return value * 1000 if self.unit == "ms" else value

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("samples")
        data.update(
            median=round(self.scaled(self.median), 3),
            p95=round(self.scaled(self.p95), 3),
            n=len(self.samples),
        )
        return data


def pegboard_argv(db: Path, *words: str) -> list[str]:
    """`python -m pegboard --db DB WORDS...`, as every start and command here is run."""
    return [sys.executable, "-m", "pegboard", "--db", str(db), *words]


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "textual": _version("textual"),
        "peewee": _version("peewee"),
    }


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def table(figures: list[Figure]) -> list[str]:
    rows = [
        "| group | figure | median | p95 | n | ratio | target | met |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        ratio = (
            "" if f.ratio is None else f"{f.ratio:.2f}x" if f.ratio >= 0.1 else f"{f.ratio:.2g}x"
        )
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        rows.append(
            f"| {f.group} | {f.name} | {f.scaled(f.median):.1f} {f.unit} | {f.scaled(f.p95):.1f} {f.unit} "
            f"| {len(f.samples)} | {ratio} | {f.target} | {met} |"
        )
    return rows
