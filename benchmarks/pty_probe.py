"""The terminal side of the benchmarks: start a program in a real pseudo-terminal of
120x40, as a user's terminal would, and time what it paints or reports.

`time_to_marker` times a cold start until some text is drawn; `run_probe` drives
`probe_child.py` key by key and collects the times it reports, and times each key from
outside as well: from writing it into the terminal to reading what the app drew.

PROBE_CHILD=FILE in the environment runs FILE instead of probe_child.py (a copy of it
with marks of one's own, to trace where a step's time goes).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS, ROWS = 120, 40
CHILD = Path(os.environ.get("PROBE_CHILD", Path(__file__).with_name("probe_child.py")))
KEY_BYTES = {
    "enter": b"\r",
    "tab": b"\t",
    "backspace": b"\x7f",
    "ctrl+p": b"\x10",
    "slash": b"/",
    "escape": b"\x1b",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
}
KEY_GAP = 0.05
"""Seconds between a step's paint and the next key: 20 keys a second, quicker than anyone
types, and slow enough that each key starts a frame of its own (Textual paints at most
60 frames a second, so keys sent back to back would time its frame limit, not the app)."""


def _spawn(argv: list[str], env: dict[str, str], keep_fd: int | None = None) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    return pid, fd


def _stop(pid: int, fd: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)


def time_to_marker(
    argv: list[str], markers: list[bytes], env: dict[str, str], timeout: float = 120
) -> list[float]:
    """Seconds from spawning `argv` until each of `markers` has appeared in what it drew."""
    started = time.perf_counter()
    pid, fd = _spawn(argv, env)
    seen = b""
    found: dict[bytes, float] = {}
    try:
        while len(found) < len(markers):
            remaining = timeout - (time.perf_counter() - started)
            if remaining <= 0:
                raise TimeoutError(f"no {markers!r} within {timeout}s from {argv}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise RuntimeError(f"{argv} ended before painting: {seen[-800:]!r}") from None
            seen += chunk
            now = time.perf_counter() - started
            for marker in markers:
                if marker not in found and marker in seen:
                    found[marker] = now
        return [found[marker] for marker in markers]
    finally:
        _stop(pid, fd)


@dataclass
class ProbeRun:
    ready: float
    """Seconds from the app's start (its first line of Python) to its first screen with data."""
    steps: list[float] = field(default_factory=list)
    """Seconds from each step's key to the paint that ends it."""
    first_paints: list[float] = field(default_factory=list)
    """Seconds from each step's key to the first paint after it."""
    outside: list[float] = field(default_factory=list)
    """Seconds from writing each step's key into the terminal to reading the first of
    what the app drew after it: the step seen from outside, as a user's terminal would."""
    rss_kb: int = 0


class _ProbeChannel:
    """The child's two outputs: its terminal, kept read (or the app would block writing
    to it), and its report pipe, read a line at a time."""

    def __init__(self, fd: int, report_read: int, timeout: float) -> None:
        self.fd = fd
        self.report_read = report_read
        self.deadline = time.perf_counter() + timeout
        self.pending = b""
        self.lines: list[str] = []
        self.drawn = b""
        self.step = -1
        self.key_sent: float | None = None
        """When the step's key was written, until the first output after it is read."""
        self.first_output: float | None = None

    def next_line(self) -> str:
        while not self.lines:
            if time.perf_counter() > self.deadline:
                raise TimeoutError(f"probe stalled at step {self.step}: {self.drawn[-1500:]!r}")
            ready, _, _ = select.select([self.fd, self.report_read], [], [], 1)
            if self.fd in ready:
                self.read_terminal()
            if self.report_read in ready:
                chunk = os.read(self.report_read, 65536)
                if not chunk:
                    raise RuntimeError(f"the app ended: {self.drawn[-1500:]!r}")
                self.pending += chunk
                *complete, self.pending = self.pending.split(b"\n")
                self.lines.extend(line.decode() for line in complete)
        return self.lines.pop(0)

    def read_terminal(self) -> None:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            raise RuntimeError(f"the app ended: {self.drawn[-1500:]!r}") from None
        if self.key_sent is not None:
            self.first_output = time.perf_counter() - self.key_sent
            self.key_sent = None
        self.drawn = (self.drawn + chunk)[-4000:]

    def drain(self, seconds: float) -> None:
        until = time.perf_counter() + seconds
        while (left := until - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self.read_terminal()


def run_probe(
    child_args: list[str], steps: list[dict], env: dict[str, str], timeout: float = 300
) -> ProbeRun:
    """Run probe_child.py with `child_args` in a pty and press each step's key in turn."""
    report_read, report_write = os.pipe()
    os.set_inheritable(report_write, True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(steps, handle)
    argv = [sys.executable, str(CHILD), handle.name, str(report_write), *child_args]
    pid, fd = _spawn(argv, env)
    os.close(report_write)
    channel = _ProbeChannel(fd, report_read, timeout)
    try:
        kind, value = channel.next_line().split()
        assert kind == "ready", kind
        result = ProbeRun(float(value))
        channel.drain(0.5)
        for index, step in enumerate(steps):
            channel.step = index
            key = step["key"]
            channel.first_output = None
            channel.key_sent = time.perf_counter()
            os.write(fd, KEY_BYTES.get(key, key.encode()))
            kind, first, done = channel.next_line().split()
            assert int(kind) == index, (kind, index)
            result.first_paints.append(float(first))
            result.steps.append(float(done))
            channel.drain(step.get("gap", KEY_GAP))
            channel.key_sent = None
            result.outside.append(channel.first_output)
        kind, value = channel.next_line().split()
        assert kind == "rss", kind
        result.rss_kb = int(value)
        return result
    finally:
        _stop(pid, fd)
        os.close(report_read)
        os.unlink(handle.name)
