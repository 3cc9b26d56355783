"""The groups measured from outside: the command line, a bulk import, and kanban-tui's
cold start beside ours."""

from __future__ import annotations

import contextlib
import datetime
import shutil
import subprocess
import sys
import time
from pathlib import Path

from figures import TODAY_DATA, Figure, pegboard_argv
from import_export import timed as timed_command
from import_export import write_deals
from pty_probe import time_to_marker

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


class CommandFigures:
    """Mixed into the Suite (suite.py), whose add and judge these use."""

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
        for words, target in (
            (["leads", "--stage", "won", "--json"], 1.5),
            (["today", "--json"], 1.5),
            (["partners", "--json"], 1.5),
            (["report", "--period", "365d", "--format", "json"], 2.0),
            # Last: each run adds a lead to the book.
            (["lead", "add", "Bench Caller", "--source", "website"], 1.3),
        ):
            figure = self.add(
                Figure(
                    "command line",
                    f"pegboard {' '.join(words)} ({self.big:,} leads)",
                    timed(pegboard + words),
                )
            )
            self.judge(figure, floor, target, "x")
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
