"""Import and export at scale: a HubSpot-style deals CSV of 1,000 and 100,000 rows
imported with `pegboard import` (wall time and peak memory of the process, so that
memory can be seen not to grow with the file), then `pegboard export` of the result.

    python benchmarks/import_export.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)


def write_deals(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Deal ID",
                "Deal Name",
                "Deal Stage",
                "Amount",
                "Close Date",
                "Create Date",
                "Associated Contact",
                "Associated Company",
                "Email",
            ]
        )
        for index in range(rows):
            stage = rng.choice(STAGES)
            writer.writerow(
                [
                    index,
                    f"Deal {index}",
                    stage,
                    f"{rng.randrange(100, 9000)}.00",
                    "2026-11-01" if stage.startswith("closed") else "",
                    f"2026-{rng.randrange(1, 11):02d}-{rng.randrange(1, 28):02d}",
                    f"Person {index}",
                    f"Company {index % 5000}",
                    f"p{index}@example.com",
                ]
            )


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one pegboard command, in a process of its own."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pegboard", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"pegboard {' '.join(args)}: {process.stderr.read().decode()}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        env["PEGBOARD_DATA_DIR"] = str(folder / "data")
        env["PEGBOARD_CONFIG_DIR"] = str(folder / "config")
        print(f"{'figure':<44} {'seconds':>8} {'peak MB':>8}")
        for rows in sorted({1000, args.rows}):
            csv_path = folder / f"deals-{rows}.csv"
            write_deals(csv_path, rows)
            db = folder / f"import-{rows}.db"
            seconds, peak = timed(["--db", str(db), "import", str(csv_path)], env)
            print(f"{f'import {rows:,} HubSpot deal rows':<44} {seconds:>8.1f} {peak:>8.0f}")
        seconds, peak = timed(["--db", str(db), "export", str(folder / "out")], env)
        print(f"{f'export all tables after {rows:,}':<44} {seconds:>8.1f} {peak:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
