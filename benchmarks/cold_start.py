"""Cold start to first paint, measured as a user runs the app: in a real pseudo-terminal.

For each database (empty, and demo databases of the sizes asked) it starts
`python -m pegboard --db FILE` in a pty of 120x40, reads the terminal output
until the board's last column header is drawn, and records the time since the
process started. A bare Textual app (Header, Static, Footer) measured the same
way is the floor. Prints median, p95 and n for each, and the ratio to the floor.

    python benchmarks/cold_start.py [--runs 7] [--leads 0 10000 100000]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import make_demo, summary

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


def time_to_marker(
    argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 60
) -> float:
    """Seconds from spawning `argv` in a 120x40 pty until `marker` appears in its output."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    try:
        while True:
            remaining = timeout - (time.perf_counter() - started)
            if remaining <= 0:
                raise TimeoutError(f"no {marker!r} within {timeout}s from {argv}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise RuntimeError(f"{argv} ended before painting: {seen[-500:]!r}") from None
            seen += chunk
            if marker in seen:
                return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--leads", type=int, nargs="+", default=[0, 10_000, 100_000])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TERM="xterm-256color",
            COLORTERM="truecolor",
            PEGBOARD_DATA_DIR=f"{tmp}/data",
            PEGBOARD_CONFIG_DIR=f"{tmp}/config",
        )
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR_APP)
        rows = []
        floor = [
            time_to_marker([sys.executable, str(floor_script)], b"FLOOR-READY", env)
            for _ in range(args.runs)
        ]
        rows.append(("bare Textual app (floor)", floor))
        for leads in args.leads:
            db = f"{tmp}/demo-{leads}.db"
            took = make_demo(Path(db), leads, env)
            print(f"demo --leads {leads}: {took:.2f} s", flush=True)
            argv = [sys.executable, "-m", "pegboard", "--db", db]
            painted = [time_to_marker(argv, b"Today", env) for _ in range(args.runs)]
            rows.append((f"pegboard, {leads:,} leads: paint", painted))
            shown = [time_to_marker(argv, b" due, ", env) for _ in range(args.runs)]
            rows.append((f"pegboard, {leads:,} leads: data", shown))
        floor_median = summary(floor)[0]
        print(f"\n{'cold start':<36} {'median':>8} {'p95':>8} {'n':>3} {'x floor':>8}")
        for name, samples in rows:
            median, p95 = summary(samples)
            print(
                f"{name:<28} {median * 1000:>6.0f}ms {p95 * 1000:>6.0f}ms {len(samples):>3} "
                f"{median / floor_median:>7.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
