"""The suite's common ground: its databases, its environment, how figures are added and
judged, and the first group, cold start (from process start to text on a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from figures import FIRST_PAINT, FLOOR_APP, TODAY_DATA, Figure, pegboard_argv
from pty_probe import run_probe, time_to_marker


class Suite:
    def __init__(self, quick: bool, folder: Path, quiet: bool, ktui: str | None = None) -> None:
        self.quick = quick
        self.ktui = ktui
        """kanban-tui's `ktui` command, if not on PATH (it pins its own dependencies, so
        it is best kept in a virtualenv of its own)."""
        self.folder = folder
        self.quiet = quiet
        self.sizes = [0, 2_000, 10_000] if quick else [0, 10_000, 100_000]
        self.big = self.sizes[-1]
        self.runs = 3 if quick else 7
        self.keys = 40 if quick else 200
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.env = dict(
            os.environ,
            TERM="xterm-256color",
            COLORTERM="truecolor",
            PEGBOARD_DATA_DIR=str(folder / "data"),
            PEGBOARD_CONFIG_DIR=str(folder / "config"),
        )
        self.env.pop("PEGBOARD_DB", None)
        # As on a user's machine, Python keeps the bytecode it compiles: without it
        # every start would compile pegboard's modules afresh (an editable install has
        # no .pyc until one run writes them, and the warm-up runs below do).
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.databases: dict[int, Path] = {}
        self.rss: list[float] = []
        """Peak RSS (MB) of each in-app run at the biggest size."""
        self.floor_rss: Figure | None = None

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        self.say(
            f"  {figure.group}: {figure.name}: median {figure.scaled(figure.median):.1f}"
            f"{figure.unit}, p95 {figure.scaled(figure.p95):.1f}{figure.unit}"
        )
        return figure

    def judge(self, figure: Figure, reference: Figure | None, limit: float, kind: str) -> None:
        """Set the figure's ratio to `reference` and whether it meets its target: a ratio
        (kind 'x'), a ratio of p95s ('p95x'), a p95 in ms ('p95'), a median in ms ('ms') or
        MB over the reference."""
        if reference is not None:
            figure.reference = reference.name
            figure.ratio = figure.median / reference.median if reference.median else None
        if kind == "x":
            figure.target = f"<= {limit}x"
            figure.met = figure.ratio is not None and figure.ratio <= limit
        elif kind == "p95x":
            figure.ratio = figure.p95 / reference.p95 if reference and reference.p95 else None
            figure.target = f"p95 <= {limit}x the floor's p95"
            figure.met = figure.ratio is not None and figure.ratio <= limit
        elif kind == "p95":
            figure.target = f"p95 <= {limit:g} ms"
            figure.met = figure.p95 * 1000 <= limit
        elif kind == "ms":
            figure.target = f"<= {limit:g} ms"
            figure.met = figure.median * 1000 <= limit
        elif kind == "+MB":
            figure.target = f"<= floor + {limit:g} MB"
            figure.met = reference is not None and figure.median - reference.median <= limit

    # -- data ------------------------------------------------------------------

    def build_databases(self, reuse: Path | None = None) -> None:
        for leads in self.sizes:
            path = (reuse or self.folder) / f"demo-{leads}.db"
            self.databases[leads] = path
            if reuse is not None and path.exists():
                continue
            argv = pegboard_argv(path, "demo", "--leads", str(leads))
            started = time.perf_counter()
            subprocess.run(argv, env=self.env, check=True, capture_output=True)
            took = time.perf_counter() - started
            self.say(f"demo --leads {leads}: {took:.1f} s")
            if leads == self.big:
                figure = self.add(Figure("data", f"pegboard demo --leads {leads:,}", [took], "s"))
                figure.target = "(no target)"

    # -- 1. cold start -----------------------------------------------------------

    def cold_start(self) -> None:
        self.say("cold start in a pty")
        floor_script = self.folder / "floor.py"
        floor_script.write_text(FLOOR_APP)
        floor_argv = [sys.executable, str(floor_script)]
        # One untimed start of each first: bytecode written, files in the page cache.
        time_to_marker(floor_argv, [b"FLOOR-READY"], self.env)
        for leads in self.sizes:
            time_to_marker(
                pegboard_argv(self.databases[leads]), [FIRST_PAINT, TODAY_DATA], self.env
            )
        # Round by round, the floor and each size in turn: a machine that slows down or
        # speeds up during the runs then weighs on every figure alike (run size by size,
        # whichever came first after the floor's runs started measurably slower).
        floor_times: list[float] = []
        times: dict[int, list[list[float]]] = {leads: [] for leads in self.sizes}
        for _ in range(self.runs):
            floor_times.append(time_to_marker(floor_argv, [b"FLOOR-READY"], self.env)[0])
            for leads in self.sizes:
                argv = pegboard_argv(self.databases[leads])
                times[leads].append(time_to_marker(argv, [FIRST_PAINT, TODAY_DATA], self.env))
        floor = self.add(
            Figure("cold start", "floor: bare Textual app (Header, Static, Footer)", floor_times)
        )
        for leads in self.sizes:
            painted = self.add(
                Figure("cold start", f"{leads:,} leads: first paint", [t[0] for t in times[leads]])
            )
            self.judge(painted, floor, 1.2 if leads == 0 else 1.3, "x")
            shown = self.add(
                Figure(
                    "cold start",
                    f"{leads:,} leads: Today's data shown",
                    [t[1] for t in times[leads]],
                )
            )
            self.judge(shown, floor, 1.2 if leads == 0 else 1.3, "x")

    # -- 2-6. in the app ---------------------------------------------------------

    def probe(self, steps: list[dict], start: str = "board", floor: bool = False):
        args = ["--floor"] if floor else ["--db", str(self.databases[self.big]), "--start", start]
        run = run_probe(args, steps, self.env)
        # Which run sets the peak RSS figure (the largest of them) is worth knowing.
        self.say(f"  (this run of {len(steps)} steps peaked at {run.rss_kb / 1024:.0f} MB)")
        return run
