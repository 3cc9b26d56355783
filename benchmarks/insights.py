"""Insights at scale: the report per period, and the screen from key to figures shown.

Builds a demo database (100,000 leads by default), times InsightsService.report
for each period, then drives the real app headless: the time from pressing `5`
(or `p` for the next period) until the figures are on screen and painted.
Prints median, p95 and n.

    python benchmarks/insights.py [--leads 100000] [--runs 5] [--db FILE]
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


def time_reports(runs: int) -> dict[str, list[float]]:
    from pegboard.clock import Clock
    from pegboard.config import Settings
    from pegboard.services.insights import PERIODS, InsightsService

    service = InsightsService(Settings(revenue_goal_cents=100_000_000), Clock())
    figures = {}
    for period in PERIODS:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            service.report(period)
            samples.append(time.perf_counter() - started)
        figures[f"report {period}"] = samples
    return figures


async def time_screen(runs: int) -> dict[str, list[float]]:
    from pegboard.config import Settings
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.insights import InsightsScreen

    shown = asyncio.Event()
    original_show = InsightsScreen.show_report

    def show_report(self, report) -> None:
        original_show(self, report)
        self.call_after_refresh(shown.set)

    InsightsScreen.show_report = show_report
    opened, switched = [], []
    for _ in range(runs):
        app = PegboardApp(Settings(revenue_goal_cents=100_000_000), start_mode="board")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            shown.clear()
            started = time.perf_counter()
            await pilot.press("5")
            await shown.wait()
            opened.append(time.perf_counter() - started)
            shown.clear()
            started = time.perf_counter()
            await pilot.press("p")
            await shown.wait()
            switched.append(time.perf_counter() - started)
    return {
        "screen: key 5 to figures painted (365d)": opened,
        "screen: p to figures painted (all)": switched,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="use this demo database instead of a new one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PEGBOARD_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["PEGBOARD_CONFIG_DIR"] = str(Path(tmp) / "config")
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            seconds = make_demo(db, args.leads, env=dict(os.environ))
            print(f"demo with {args.leads} leads written in {seconds:.1f}s")
        from pegboard.store.database import open_database

        open_database(str(db))
        print(f"{'figure':<40} {'median':>10} {'p95':>10} {'n':>4}")
        for name, samples in time_reports(args.runs).items():
            print(line(name, samples))
        for name, samples in asyncio.run(time_screen(args.runs)).items():
            print(line(name, samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
