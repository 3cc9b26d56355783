"""The phone-call path at scale: quick log key -> visible form, enter -> saved.

Builds a demo database (100,000 leads by default) and drives the real app
headless: the time from pressing `r` until the form has been laid out and
painted, and from pressing enter until the referral (and its lead) are
committed and the board behind has been reloaded. Also times the partners
table query. Prints median, p95 and n.

    python benchmarks/quick_log.py [--leads 100000] [--runs 30] [--db FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import line, make_demo


async def measure(db: Path, runs: int) -> dict[str, list[float]]:
    from pegboard.config import Settings
    from pegboard.store.database import open_database
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.modals.quick_log import QuickLog

    open_database(str(db))
    app = PegboardApp(Settings())
    figures: dict[str, list[float]] = {
        "key to visible form (first time)": [],
        "key to visible form": [],
        "enter to saved": [],
        "enter to saved and board reloaded": [],
    }
    painted = asyncio.Event()
    original_start = QuickLog._start

    marks: dict[str, float] = {}

    def start(self) -> None:
        # Runs each time the form is shown (built once, then reused).
        original_start(self)

        def shown() -> None:
            marks["painted"] = time.perf_counter()
            painted.set()

        self.call_after_refresh(shown)

    QuickLog._start = start
    saved_at: list[float] = []
    original_log = app.partners.log_referral

    def log_referral(*args, **kwargs):
        result = original_log(*args, **kwargs)
        saved_at.append(time.perf_counter())
        return result

    app.partners.log_referral = log_referral
    original_action = app.action_quick_log

    def action_quick_log() -> None:
        # Timed from the moment the key reaches the app, as a user presses it.
        marks["key"] = time.perf_counter()
        original_action()

    app.action_quick_log = action_quick_log
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        reloaded: list[float] = []
        original_reload = board.reload_data

        def reload_data() -> None:
            original_reload()
            reloaded.append(time.perf_counter())

        board.reload_data = reload_data
        for run in range(runs):
            painted.clear()
            await pilot.press("r")
            await painted.wait()
            name = "key to visible form" if run else "key to visible form (first time)"
            figures[name].append(marks["painted"] - marks["key"])
            await pilot.press(*"a", "tab", *f"Caller {run}", "tab", *"+1 555 0100")
            started = time.perf_counter()
            await pilot.press("enter")
            while len(reloaded) <= run:
                await asyncio.sleep(0.0005)
            figures["enter to saved"].append(saved_at[-1] - started)
            figures["enter to saved and board reloaded"].append(reloaded[-1] - started)
        partners = []
        for _ in range(runs):
            started = time.perf_counter()
            app.partners.partner_rows()
            partners.append(time.perf_counter() - started)
        figures["partners table query"] = partners
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--db", type=Path, default=None, help="use this database (a copy is not made)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PEGBOARD_DATA_DIR"] = f"{tmp}/data"
        os.environ["PEGBOARD_CONFIG_DIR"] = f"{tmp}/config"
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            print(f"demo --leads {args.leads}: {make_demo(db, args.leads):.1f} s", flush=True)
        figures = asyncio.run(measure(db, args.runs))
    print(f"\n{'at ' + format(args.leads, ',') + ' leads':<40} {'median':>10} {'p95':>10} {'n':>4}")
    for name, samples in figures.items():
        print(line(name, samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
