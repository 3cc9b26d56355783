"""The app side of the in-app benchmarks: pegboard (or the floor app) run in a real
pseudo-terminal, instrumented to time each key from its key event to the paint it caused.

Started by `pty_probe.run_probe` with a JSON list of steps; the parent writes each
step's key into the terminal, and this process answers on a pipe, one line a step:

    ready <seconds>            the start screen has painted its data
    <index> <first> <done>     step `index` is done: seconds from its key event to the
                               first paint after it, and to the paint that ends it
    rss <kilobytes>            peak resident memory, after the last step

A step is {"key": ..., "until": ...}. `until` says which paint ends it:

    paint      the first paint after the key's action has run (board keys)
    echo       the first paint after the key arrived (typing into a field)
    filtered   the paint after the board showed the filtered columns
    palette    the paint after the command palette listed its hits
    today      the paint after Today showed its sections
    insights   the paint after Insights showed figures worked out since the key (the
               screen first shows the last figures it has, then refreshes them)
    quick_log  the paint after the quick log form showed
    saved      the paint after a quick-log referral was committed

The time of a key is Textual's own `Key.time` (when the driver parsed it), so the
figure includes any wait in the app's queue, as a user would feel it.

    python probe_child.py STEPS_JSON REPORT_FD (--db FILE [--start board] | --floor)

With PEGBOARD_PROBE_PROFILE=FILE in its environment the child runs under cProfile and
writes the stats to FILE (read them with `python -m pstats FILE`): the way to find where
a figure's time goes, in the same setting that measures it.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import resource
import sys
from pathlib import Path

from textual import events
from textual._time import get_time


class Probe:
    """Which step is running, and what has happened since its key."""

    def __init__(self, steps: list[dict], report_fd: int) -> None:
        self.steps = steps
        self.report = os.fdopen(report_fd, "w", buffering=1)
        self.started_at = get_time()
        self.waiting_for_start = True
        self.start_flag = "paint"
        self.index = -1
        self.key_time: float | None = None
        self.first_paint: float | None = None
        self.acted = False
        self.flags: set[str] = set()
        self.fresh: set[int] = set()
        """ids of the objects worked out since the key (Insights' reports)."""
        self.profiled: tuple | None = None
        """(cProfile.Profile, file) to write once the last step is done: before the last
        report line, since the parent stops this process as soon as it reads that."""

    @property
    def until(self) -> str:
        return self.steps[self.index]["until"]

    def on_key(self, event: events.Key) -> None:
        if self.key_time is None and self.index + 1 < len(self.steps):
            self.index += 1
            self.key_time = event.time
            self.first_paint = None
            self.acted = False
            self.flags.clear()
            self.fresh.clear()

    def on_action_done(self) -> None:
        self.acted = True

    def flag(self, name: str) -> None:
        self.flags.add(name)

    def on_paint(self) -> None:
        now = get_time()
        if self.waiting_for_start:
            if self.start_flag == "paint" or self.start_flag in self.flags:
                self.waiting_for_start = False
                self.flags.clear()
                self.report.write(f"ready {now - self.started_at:.6f}\n")
            return
        if self.key_time is None:
            return
        if self.first_paint is None:
            self.first_paint = now - self.key_time
        until = self.until
        done = until == "echo" or (until == "paint" and self.acted) or until in self.flags
        if done:
            self.report.write(f"{self.index} {self.first_paint:.6f} {now - self.key_time:.6f}\n")
            self.key_time = None
            if self.index + 1 == len(self.steps):
                if self.profiled is not None:
                    profiler, profile_to = self.profiled
                    profiler.disable()
                    profiler.dump_stats(profile_to)
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                self.report.write(f"rss {peak}\n")


def instrument(app_class: type, probe: Probe) -> type:
    """A subclass of `app_class` that tells the probe of keys, actions and paints."""

    class Instrumented(app_class):
        # Textual reads CSS_PATH relative to the file of the class that is run.
        CSS_PATH = [
            Path(inspect.getfile(app_class)).parent / path
            for path in (
                [app_class.CSS_PATH]
                if isinstance(app_class.CSS_PATH, str)
                else app_class.CSS_PATH or []
            )
        ]

        async def on_event(self, event: events.Event) -> None:
            if isinstance(event, events.Key):
                probe.on_key(event)
            await super().on_event(event)

        async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
            try:
                return await super().run_action(action, default_namespace, namespaces)
            finally:
                probe.on_action_done()

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None and not self._batch_count:
                probe.on_paint()

    return Instrumented


def flag_after(cls: type, method: str, probe: Probe, name: str) -> None:
    """Set the probe's flag `name` each time `cls.method` has run."""
    original = getattr(cls, method)

    def wrapped(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        probe.flag(name)
        return result

    setattr(cls, method, wrapped)


def flag_unless_reloading(
    cls: type, reload: str, show: str, probe: Probe, name: str, entries=("on_screen_resume",)
) -> None:
    """Set the flag `name` when the screen shows current data at once: it came back (or
    ran another of `entries`) with no load of its data under way (`reload` called and
    `show` not yet since), because nothing was written since it last loaded."""
    loading: set[int] = set()
    original_reload, original_show = getattr(cls, reload), getattr(cls, show)

    def reloading(self, *args, **kwargs):
        loading.add(id(self))
        return original_reload(self, *args, **kwargs)

    def showing(self, *args, **kwargs):
        loading.discard(id(self))
        return original_show(self, *args, **kwargs)

    def flagging(entry):
        # With the entry's signature: Textual passes an event only to handlers that take it.
        @functools.wraps(entry)
        def entered(self, *args, **kwargs) -> None:
            entry(self, *args, **kwargs)
            if id(self) not in loading:
                probe.flag(name)
                if probe.first_paint is not None:
                    # The screen painted before this ran, and has nothing new to draw:
                    # the step ended with that paint; count it ending now.
                    probe.on_paint()

        return entered

    setattr(cls, reload, reloading)
    setattr(cls, show, showing)
    for entry in entries:
        setattr(cls, entry, flagging(getattr(cls, entry)))


def run_floor(probe: Probe) -> None:
    from floor_app import Floor

    instrument(Floor, probe)().run()


def run_pegboard(probe: Probe, start_mode: str) -> None:
    from pegboard.config import load_settings
    from pegboard.paths import config_file
    from pegboard.services.partners import PartnerService
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.modals.quick_log import QuickLog
    from pegboard.ui.screens.board import BoardScreen
    from pegboard.ui.screens.insights import InsightsScreen
    from pegboard.ui.screens.today import TodayScreen
    from pegboard.wiring import Services

    flag_after(BoardScreen, "refresh_board", probe, "board")
    flag_after(BoardScreen, "_show_filtered", probe, "filtered")
    flag_after(TodayScreen, "show_sections", probe, "today")
    flag_unless_reloading(TodayScreen, "reload_data", "show_sections", probe, "today")
    from pegboard.services.insights import InsightsService

    work_out = InsightsService.report

    def report(self, *args, **kwargs):
        result = work_out(self, *args, **kwargs)
        probe.fresh.add(id(result))
        return result

    show = InsightsScreen.show_report

    def show_report(self, report) -> None:
        show(self, report)
        if id(report) in probe.fresh:
            probe.flag("insights")

    InsightsService.report = report
    InsightsScreen.show_report = show_report
    flag_unless_reloading(
        InsightsScreen,
        "_start_load",
        "show_report",
        probe,
        "insights",
        entries=("on_screen_resume", "action_period"),
    )
    flag_after(QuickLog, "_start", probe, "quick_log")
    flag_after(PartnerService, "log_referral", probe, "saved")
    from textual.command import CommandPalette

    flag_after(CommandPalette, "_refresh_command_list", probe, "palette")
    probe.start_flag = {"board": "board", "today": "today"}.get(start_mode, "paint")
    settings = load_settings(config_file())
    instrument(PegboardApp, probe)(Services(settings), start_mode=start_mode).run()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("steps", type=argparse.FileType())
    parser.add_argument("report_fd", type=int)
    parser.add_argument("--db")
    parser.add_argument("--start", default="board")
    parser.add_argument("--floor", action="store_true")
    args = parser.parse_args()
    probe = Probe(json.load(args.steps), args.report_fd)
    profile_to = os.environ.get("PEGBOARD_PROBE_PROFILE")
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        probe.profiled = (profiler, profile_to)
    if args.floor:
        run_floor(probe)
    else:
        from pegboard.store.database import open_database

        open_database(args.db)
        run_pegboard(probe, args.start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
