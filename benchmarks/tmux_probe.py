"""Keys timed black-box through tmux, as the issue measured them: the app runs in a tmux
pane of 120x40 on a tmux server of its own; each key is sent with `tmux send-keys`, and
its time is until `tmux capture-pane` shows the screen changed. tmux's own relay and the
polling weigh on the app and on the bare Textual app alike."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

COLUMNS, ROWS = 120, 40

FLOOR_KEYS_APP = Path(__file__).with_name("floor_app.py")
"""The bare Textual app the keys are measured against (the probe's floor too)."""


def available() -> bool:
    return shutil.which("tmux") is not None


class TmuxPane:
    """One program in a detached pane of a private tmux server."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.socket = f"pegboard-bench-{os.getpid()}"
        # The environment through `env`: the server may be older than the variables.
        variables = [f"{name}={value}" for name, value in env.items() if name.startswith("PEG")]
        command = shlex.join(["env", "-u", "PYTHONDONTWRITEBYTECODE", *variables, *argv])
        size = ["-x", str(COLUMNS), "-y", str(ROWS)]
        self._tmux("new-session", "-d", "-s", "bench", *size, command)

    def _tmux(self, *words: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *words], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "bench")

    def send(self, key: str) -> None:
        self._tmux("send-keys", "-t", "bench", key)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        until = time.perf_counter() + timeout
        while text not in self.screen():
            if time.perf_counter() > until:
                raise TimeoutError(f"no {text!r} in tmux within {timeout}s: {self.screen()!r}")
            time.sleep(0.05)

    def time_key(self, key: str, timeout: float = 2.0) -> float | None:
        """Seconds from sending `key` to the pane showing a change (None: none came)."""
        before = self.screen()
        started = time.perf_counter()
        self.send(key)
        while self.screen() == before:
            if time.perf_counter() - started > timeout:
                return None
        return time.perf_counter() - started

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def key_times(
    argv: list[str], env: dict[str, str], ready: str, before: list[str], keys: str, gap: float
) -> list[float]:
    """Seconds for each of `keys` (after `before`, each followed by a second's rest),
    `gap` seconds apart, in a tmux pane running `argv` once it shows `ready`."""
    pane = TmuxPane(argv, env)
    try:
        pane.wait_for(ready)
        time.sleep(1.0)
        for key in before:
            pane.send(key)
            time.sleep(1.0)
        times = []
        for key in keys:
            took = pane.time_key(key)
            if took is not None:
                times.append(took)
            time.sleep(gap)
        return times
    finally:
        pane.close()
