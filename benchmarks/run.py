"""The benchmark suite: every speed and memory figure of pegboard, each beside the
reference it is judged against, measured in the same run on the same machine.

    python benchmarks/run.py [--quick] [--json] [--results FILE]
                             [--only GROUP,...] [--reuse DIR] [--ktui PATH]

It builds its own databases with `pegboard demo` in a temporary directory (empty,
10,000 and 100,000 leads; --quick: empty, 2,000 and 10,000 with fewer repeats),
runs the app in a real pseudo-terminal of 120x40 the way a user runs it, and
prints for each figure the median, p95 and n of its runs, its ratio to the
reference, and the target. --results writes the same as Markdown (RESULTS.md).
While working on one figure, --only runs some groups (cold, keys, tmux, quick_log,
palette, screens, cli, bulk, kanban) and --reuse keeps the demo databases in DIR between runs.

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
import datetime
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from commands import CommandFigures  # noqa: E402
from figures import machine, table  # noqa: E402
from in_app import InAppFigures  # noqa: E402
from suite import Suite  # noqa: E402


class Benchmarks(InAppFigures, CommandFigures, Suite):
    """Every group of the suite."""


GROUPS = {
    "cold": "cold_start",
    "keys": "keys_on_board",
    "tmux": "keys_in_tmux",
    "quick_log": "quick_log",
    "palette": "palette",
    "screens": "screens",
    "cli": "command_line",
    "bulk": "bulk",
    "kanban": "kanban_tui",
}
"""The suite's groups, in the order they run, and the Benchmarks method that runs each."""


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
        suite = Benchmarks(args.quick, Path(tmp), quiet=False, ktui=args.ktui)
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
