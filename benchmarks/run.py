"""The benchmark suite: every speed and memory figure of pegboard, each beside the
reference it is judged against, measured in the same run on the same machine.

    python benchmarks/run.py [--quick] [--json] [--results FILE]
                             [--only GROUP,...] [--reuse DIR] [--ktui PATH]

It builds its own databases with `pegboard demo` in a temporary directory (empty,
10,000 and 100,000 leads; --quick: empty, 2,000 and 10,000 with fewer repeats),
runs the app in a real pseudo-terminal of 120x40 the way a user runs it, and
prints for each figure the median, p95 and n of its runs, its ratio to the
reference, and the target. --results writes the same as Markdown (RESULTS.md).
While working on one figure, --only runs some groups (cold, keys, quick_log, palette,
screens, cli, bulk, kanban) and --reuse keeps the demo databases in DIR between runs.

Keys are timed inside the app, from Textual's key event to the end of the paint
it caused (see probe_child.py); cold starts from process start to the text
appearing on the terminal (see pty_probe.py).

The kanban group compares with kanban-tui when its `ktui` command is on PATH or given
with --ktui (install it in a virtualenv of its own: `python -m venv /tmp/ktui &&
/tmp/ktui/bin/pip install kanban-tui`, then `--ktui /tmp/ktui/bin/ktui`). At 10,000
tasks it takes minutes to start.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from import_export import timed as timed_command  # noqa: E402
from import_export import write_deals  # noqa: E402
from pty_probe import run_probe, time_to_marker  # noqa: E402

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
        (kind 'x'), a p95 in ms ('p95'), a median in ms ('ms') or MB over the reference."""
        if reference is not None:
            figure.reference = reference.name
            figure.ratio = figure.median / reference.median if reference.median else None
        if kind == "x":
            figure.target = f"<= {limit}x"
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

    def keys_on_board(self) -> None:
        self.say(f"keys at {self.big:,} leads")
        floor_run = self.probe(
            [{"key": key, "until": "paint"} for key in "jk" * (self.keys // 2)], floor=True
        )
        floor_key = self.add(
            Figure("keys", "floor: key to paint in a bare Textual app", floor_run.steps)
        )
        self.floor_rss = self.add(
            Figure(
                "memory", "floor: peak RSS of the bare Textual app", [floor_run.rss_kb / 1024], "MB"
            )
        )
        # Each kind of key its own self.keys presses (200 in a full run), as the issue asks
        # of p50 and p95: a stage move's p95 over 100 presses rests on its five slowest.
        moves = self.keys
        cursor = [
            {"key": key, "until": "paint"} for key in ("j" * 12 + "k" * 12) * (self.keys // 24 + 1)
        ]
        cursor = cursor[: self.keys]
        columns = [{"key": key, "until": "paint"} for key in "lh" * (moves // 2)]
        stage = [{"key": key, "until": "paint"} for key in "LH" * (moves // 2)]
        reorder = [{"key": key, "until": "paint"} for key in "JK" * (moves // 2)]
        typed = [{"key": "slash", "until": "paint"}, {"key": "a", "until": "filtered"}]
        # "a" -> "an" -> "ann" -> "anne" and back: letters typed and taken back.
        cycle = ["n", "n", "e", "backspace", "backspace", "backspace"]
        typed += [{"key": key, "until": "filtered"} for key in cycle * (moves // 6 + 1)]
        lengths, length = [], 1
        for step in typed[2:]:
            length += -1 if step["key"] == "backspace" else 1
            lengths.append(length)
        groups = [
            ("cursor up/down (j/k)", cursor, 17, "p95"),
            ("column left/right (h/l)", columns, 17, "p95"),
            ("stage move with its write (L/H)", stage, 35, "p95"),
            ("reorder with its write (J/K)", reorder, 17, "p95"),
        ]
        steps = [step for _, group, _, _ in groups for step in group] + typed
        run = self.probe(steps)
        self.rss.append(run.rss_kb / 1024)
        at = 0
        for name, group, limit, kind in groups:
            figure = self.add(Figure("keys", name, run.steps[at : at + len(group)]))
            self.judge(figure, floor_key, limit, kind)
            at += len(group)
        filter_keys = slice(at + 2, at + len(typed))
        echo = self.add(
            Figure("keys", "filter keystroke: typed letter shown", run.first_paints[filter_keys])
        )
        self.judge(echo, floor_key, 17, "p95")
        filtered = run.steps[filter_keys]
        for name, wanted in (("3 letters or more", True), ("1 or 2 letters", False)):
            samples = [t for t, n in zip(filtered, lengths, strict=True) if (n >= 3) == wanted]
            board = self.add(Figure("keys", f"filter keystroke: board filtered, {name}", samples))
            self.judge(board, floor_key, 17, "p95")
        # As a user types: a word at 8 keys a second, each letter's read still under way
        # as the next key comes; timed from the last key to the board filtered for it.
        word = []
        for _ in range(4 if self.quick else 12):
            word.append({"key": "slash", "until": "paint"})
            word += [{"key": letter, "until": "echo", "gap": 0.125} for letter in "ann"]
            word.append({"key": "e", "until": "filtered"})
            word.append({"key": "escape", "until": "paint", "gap": 1.5})
        typed_run = self.probe(word)
        self.rss.append(typed_run.rss_kb / 1024)
        last = [t for t, step in zip(typed_run.steps, word, strict=True) if step["key"] == "e"]
        figure = self.add(
            Figure(
                "keys", "filter: 'anne' typed at 8 keys a second, last key to board filtered", last
            )
        )
        self.judge(figure, floor_key, 17, "p95")

    def quick_log(self) -> None:
        self.say(f"quick log at {self.big:,} leads")
        steps: list[dict] = []
        rounds = 8 if self.quick else 30
        for index in range(rounds):
            steps.append({"key": "r", "until": "quick_log"})
            typing = ["a", "tab", *f"Caller {index}", "tab", *"5550100"]
            steps += [{"key": key, "until": "echo"} for key in typing]
            steps.append({"key": "enter", "until": "saved", "gap": 0.3})
        run = self.probe(steps)
        self.rss.append(run.rss_kb / 1024)
        opened = [
            t for t, step in zip(run.steps, steps, strict=True) if step["until"] == "quick_log"
        ]
        saved = [t for t, step in zip(run.steps, steps, strict=True) if step["until"] == "saved"]
        first = self.add(Figure("quick log", "r to form shown, first time", opened[:1]))
        first.target = "(built once, then reused)"
        again = self.add(Figure("quick log", "r to form shown", opened[1:]))
        self.judge(again, None, 17, "p95")
        stored = self.add(Figure("quick log", "enter to saved and the board redrawn", saved))
        self.judge(stored, None, 30, "p95")

    def palette(self) -> None:
        self.say(f"command palette at {self.big:,} leads")
        steps = [{"key": "ctrl+p", "until": "paint", "gap": 0.3}, {"key": "a", "until": "palette"}]
        cycle = ["n", "n", "backspace", "backspace"]
        steps += [{"key": key, "until": "palette"} for key in cycle * (10 if self.quick else 25)]
        run = self.probe(steps)
        self.rss.append(run.rss_kb / 1024)
        figure = self.add(Figure("palette", "keystroke to hits listed", run.steps[2:]))
        self.judge(figure, None, 30, "p95")

    def tables(self, rounds: int) -> None:
        """The partners and loyalty tables (2,000 partners and 20,000 customers at 100,000
        leads). The issue sets them no target; Today's 100 ms is the one they are held to.
        They read a page of rows as they show, so their data is there at the first paint."""
        steps: list[dict] = []
        picked: dict[tuple[str, str], list[int]] = {}
        for key in ("3", "4"):
            picked[key, "first"] = [len(steps)]
            steps += [{"key": key, "until": "paint", "gap": 0.3}, {"key": "2", "until": "paint"}]
            for index in range(rounds):
                steps.append({"key": "L" if index % 2 == 0 else "H", "until": "paint"})
                picked.setdefault((key, "after a write"), []).append(len(steps))
                steps += [{"key": key, "until": "paint"}]
                picked.setdefault((key, "scroll"), []).append(len(steps))
                steps += [{"key": "pagedown", "until": "paint"}, {"key": "2", "until": "paint"}]
                picked.setdefault((key, "nothing written since"), []).append(len(steps))
                steps += [{"key": key, "until": "paint"}, {"key": "2", "until": "paint"}]
        run = self.probe(steps)
        self.rss.append(run.rss_kb / 1024)
        for key, name in (("3", "Partners"), ("4", "Loyalty")):
            for case, label, target, kind in (
                ("first", "first open, key to table shown", 100, "ms"),
                ("after a write", "key to current table shown, after a write", 100, "ms"),
                ("nothing written since", "key to table shown, nothing written since", 17, "p95"),
                ("scroll", "pagedown to rows shown", 17, "p95"),
            ):
                figure = self.add(
                    Figure("screens", f"{name}: {label}", [run.steps[i] for i in picked[key, case]])
                )
                self.judge(figure, None, target, kind)

    def screens(self) -> None:
        self.say(f"Today and Insights at {self.big:,} leads")
        rounds = 4 if self.quick else 10
        steps: list[dict] = []
        # Each round opens the screen after a write (a stage move on the board) and again
        # with nothing written since, when it shows what it has without reloading.
        after_write: list[int] = []
        unchanged: list[int] = []
        for key, until in (("1", "today"), ("5", "insights")):
            for index in range(rounds):
                move = "L" if index % 2 == 0 else "H"
                steps.append({"key": move, "until": "paint"})
                after_write.append(len(steps))
                steps += [{"key": key, "until": until}, {"key": "2", "until": "paint"}]
                unchanged.append(len(steps))
                steps += [{"key": key, "until": until}, {"key": "2", "until": "paint"}]
        steps += [{"key": "5", "until": "insights"}]
        steps += [{"key": "p", "until": "insights"} for _ in range(rounds)]
        run = self.probe(steps)
        self.rss.append(run.rss_kb / 1024)
        for name, key, target in (("Today", "1", 100), ("Insights", "5", 300)):
            picked = [i for i, step in enumerate(steps) if step["key"] == key]
            # The first open builds the screen and works everything out.
            first = self.add(
                Figure(
                    "screens",
                    f"{name}: first open, key to fresh data shown",
                    [run.steps[picked[0]]],
                )
            )
            self.judge(first, None, target, "ms")
            opened = self.add(
                Figure(
                    "screens",
                    f"{name}: key to screen shown with its last data",
                    [run.first_paints[i] for i in picked[1:]],
                )
            )
            self.judge(opened, None, 17, "p95")
            for label, indexes in (
                ("nothing written since", unchanged),
                ("after a write", after_write),
            ):
                shown = self.add(
                    Figure(
                        "screens",
                        f"{name}: key to current data shown, {label}",
                        [run.steps[i] for i in indexes if i in picked[1:]],
                    )
                )
                self.judge(shown, None, target, "ms")
        self.tables(rounds)
        periods = [i for i, step in enumerate(steps) if step["key"] == "p"]
        switched = self.add(
            Figure(
                "screens",
                "Insights: p (next period) to figures shown",
                [run.steps[i] for i in periods],
            )
        )
        self.judge(switched, None, 300, "ms")
        if self.floor_rss is not None:  # measured with the keys (not with --only screens)
            rss = self.add(
                Figure("memory", f"pegboard peak RSS at {self.big:,} leads", [max(self.rss)], "MB")
            )
            self.judge(rss, self.floor_rss, 40, "+MB")

    # -- 7. command line ---------------------------------------------------------

    def command_line(self) -> None:
        self.say("command line")

        def timed(argv: list[str]) -> list[float]:
            samples = []
            for _ in range(self.runs * 2):
                started = time.perf_counter()
                subprocess.run(argv, env=self.env, check=True, capture_output=True)
                samples.append(time.perf_counter() - started)
            return samples

        floor = self.add(
            Figure(
                "command line",
                'floor: python -c "import peewee"',
                timed([sys.executable, "-c", "import peewee"]),
            )
        )
        pegboard = pegboard_argv(self.databases[self.big])
        for words in (
            ["leads", "--stage", "won", "--json"],
            ["today", "--json"],
            ["partners", "--json"],
        ):
            figure = self.add(
                Figure(
                    "command line",
                    f"pegboard {' '.join(words)} ({self.big:,} leads)",
                    timed(pegboard + words),
                )
            )
            self.judge(figure, floor, 1.5, "x")
        small = pegboard_argv(self.databases[0], "leads", "--json")
        figure = self.add(Figure("command line", "pegboard leads --json (empty)", timed(small)))
        self.judge(figure, floor, 1.5, "x")
        imported = subprocess.run(
            [sys.executable, "-X", "importtime", *pegboard[1:], "today", "--json"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        textual = [line for line in imported.splitlines() if line.rstrip().endswith(" textual")]
        self.notes.append(
            "`pegboard today --json` imports Textual: " + ("YES (a defect)" if textual else "no")
        )

    # -- 8. bulk -------------------------------------------------------------------

    def bulk(self) -> None:
        rows = self.big
        self.say(f"import of {rows:,} CSV rows")
        csv_path = self.folder / "deals.csv"
        write_deals(csv_path, rows)
        db = self.folder / "import.db"
        seconds, peak = timed_command(["--db", str(db), "import", str(csv_path)], self.env)
        figure = self.add(
            Figure("data", f"pegboard import of {rows:,} HubSpot deal rows", [seconds], "s")
        )
        figure.target = f"(no target; peak RSS {peak:.0f} MB)"

    # -- 9. kanban-tui ---------------------------------------------------------------

    def kanban_tui(self) -> None:
        """kanban-tui's cold start with 10,000 tasks in its own database, against ours at
        10,000 leads, both timed in a pty from process start until their data is drawn."""
        ktui = self.ktui or shutil.which("ktui")
        if ktui is None:
            self.notes.append(
                "kanban-tui is not installed here (no `ktui` on PATH, no --ktui): "
                "its comparison was skipped."
            )
            return
        tasks = KANBAN_TUI_TASKS
        self.say(f"kanban-tui with {tasks:,} tasks ({ktui})")
        env = seed_kanban_tui(ktui, self.folder / "kanban-tui", tasks, self.env)
        runs = 1 if self.quick else 2
        theirs = self.add(
            Figure(
                "kanban-tui",
                f"kanban-tui {tasks:,} tasks: cold start to its first task drawn",
                [
                    time_to_marker([ktui], [KANBAN_TUI_CARD], env, timeout=1800)[0]
                    for _ in range(runs)
                ],
                "s",
            )
        )
        # Ours is timed to its first screen with its data in (Today's figures), the
        # later of the two cold-start marks.
        argv = pegboard_argv(self.databases[tasks])
        time_to_marker(argv, [TODAY_DATA], self.env)
        ours = self.add(
            Figure(
                "kanban-tui",
                f"pegboard {tasks:,} leads: cold start to Today's data shown",
                [time_to_marker(argv, [TODAY_DATA], self.env)[0] for _ in range(self.runs)],
            )
        )
        ours.reference = theirs.name
        ours.ratio = ours.median / theirs.median
        ours.target = "<= 0.01x (100 times faster)"
        ours.met = ours.ratio <= 0.01
        self.notes.append(
            f"pegboard at {tasks:,} leads starts {theirs.median / ours.median:.0f} times "
            f"faster than kanban-tui at {tasks:,} tasks."
        )


def pegboard_argv(db: Path, *words: str) -> list[str]:
    """`python -m pegboard --db DB WORDS...`, as every start and command here is run."""
    return [sys.executable, "-m", "pegboard", "--db", str(db), *words]


KANBAN_TUI_TASKS = 10_000
KANBAN_TUI_CARD = b"Seeded task"


def seed_kanban_tui(ktui: str, folder: Path, tasks: int, env: dict[str, str]) -> dict[str, str]:
    """A kanban-tui whose config and database live in `folder`, with one active board of
    `tasks` tasks spread over its visible columns. The board is made by kanban-tui's own
    command; the tasks go straight into its SQLite file (its `task create` commits one
    task at a time and would take longer than the comparison)."""
    import sqlite3

    config, data = folder / "config", folder / "data"
    env = dict(
        env,
        XDG_CONFIG_HOME=str(config),
        XDG_DATA_HOME=str(data),
        KANBAN_TUI_CONFIG_FILE=str(config / "kanban_tui" / "config.toml"),
        KANBAN_TUI_DATABASE_FILE=str(data / "kanban_tui" / "kanban_tui.db"),
    )
    subprocess.run(
        [ktui, "board", "create", "bench", "--set-active"], env=env, check=True, capture_output=True
    )
    created = datetime.datetime.now().replace(microsecond=0).isoformat()
    with contextlib.closing(sqlite3.connect(env["KANBAN_TUI_DATABASE_FILE"])) as db, db:
        columns = [
            row[0]
            for row in db.execute("SELECT column_id FROM columns WHERE visible ORDER BY position")
        ]
        db.executemany(
            "INSERT INTO tasks (title, column, description, creation_date) VALUES (?, ?, ?, ?)",
            [
                (
                    f"Seeded task {n}",
                    columns[n % len(columns)],
                    f"Task {n} of the benchmark",
                    created,
                )
                for n in range(1, tasks + 1)
            ],
        )
    return env


GROUPS = {
    "cold": "cold_start",
    "keys": "keys_on_board",
    "quick_log": "quick_log",
    "palette": "palette",
    "screens": "screens",
    "cli": "command_line",
    "bulk": "bulk",
    "kanban": "kanban_tui",
}
"""The suite's groups, in the order they run, and the Suite method that runs each."""


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller databases, fewer runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--results", type=Path, help="also write the figures as Markdown here")
    parser.add_argument(
        "--only", help=f"run only these groups, comma-separated: {','.join(GROUPS)}"
    )
    parser.add_argument(
        "--reuse", type=Path, help="keep the demo databases in this folder and reuse them"
    )
    parser.add_argument(
        "--ktui", help="kanban-tui's ktui command to compare with, if it is not on PATH"
    )
    args = parser.parse_args()
    only = GROUPS if args.only is None else args.only.split(",")
    unknown = set(only) - set(GROUPS)
    if unknown:
        parser.error(f"no such group: {', '.join(sorted(unknown))}")
    if args.reuse:
        args.reuse.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    with tempfile.TemporaryDirectory(prefix="pegboard-bench-") as tmp:
        suite = Suite(args.quick, Path(tmp), quiet=False, ktui=args.ktui)
        suite.build_databases(args.reuse)
        for group, run in GROUPS.items():
            if group in only:
                getattr(suite, run)()
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    report = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "figures": [figure.as_dict() for figure in suite.figures],
        "notes": suite.notes,
    }
    lines = [
        f"Run {report['date']} with `{command}` on {report['machine']['cpu']}, "
        f"{report['machine']['cores']} cores, Python {report['machine']['python']}, "
        f"Textual {report['machine']['textual']}, peewee {report['machine']['peewee']} "
        f"({report['machine']['system']}).",
        "",
        *table(suite.figures),
        "",
        *[f"- {note}" for note in suite.notes],
    ]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("\n".join(lines))
    if args.results:
        args.results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
