"""The groups measured inside the running app, from Textual's key event to the end of
the paint it caused (see probe_child.py): keys on the board, the quick log, the palette,
and opening each screen."""

from __future__ import annotations

import sys

import tmux_probe
from figures import Figure, pegboard_argv

OUTSIDE = "seen from outside: key written into the terminal to the paint read from it"


def _seen(outside: list[float | None]) -> list[float]:
    """The steps whose paint was read (a key that draws nothing has no time here)."""
    return [seconds for seconds in outside if seconds is not None]


class InAppFigures:
    """Mixed into the Suite (suite.py), whose probe, add and judge these use."""

    def keys_on_board(self) -> None:
        self.say(f"keys at {self.big:,} leads")
        floor_key, floor_outside = self._floor_keys()
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
        typed, lengths = self._filter_steps(moves)
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
        outside = self.add(
            Figure("keys", f"cursor j/k, {OUTSIDE}", _seen(run.outside[: len(cursor)]))
        )
        self.judge(outside, floor_outside, 1.5, "p95x")
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
        self._filter_typed_at_speed(floor_key)

    def keys_in_tmux(self) -> None:
        """j/k on the board timed black-box through tmux (send-keys to capture-pane
        changed), against the bare Textual app's j/k the same way: the issue's figure."""
        if not tmux_probe.available():
            self.notes.append("tmux is not installed here: the keys in tmux were skipped.")
            return
        self.say(f"j/k in tmux at {self.big:,} leads")
        keys = ("j" * 12 + "k" * 12) * (self.keys // 24 + 1)
        floor = self.add(
            Figure(
                "keys",
                "floor: bare Textual app's j/k in tmux, send-keys to the pane changed",
                tmux_probe.key_times(
                    [sys.executable, str(tmux_probe.FLOOR_KEYS_APP)],
                    self.env,
                    "FLOOR-READY",
                    [],
                    keys,
                    0.05,
                ),
            )
        )
        board = self.add(
            Figure(
                "keys",
                "cursor j/k in tmux, send-keys to the pane changed",
                tmux_probe.key_times(
                    pegboard_argv(self.databases[self.big]), self.env, " due, ", ["2"], keys, 0.05
                ),
            )
        )
        self.judge(board, floor, 1.5, "p95x")

    def _floor_keys(self) -> tuple[Figure, Figure]:
        """The bare Textual app's key to paint (the keys' reference), seen inside and from
        outside the app, and its peak RSS."""
        floor_run = self.probe(
            [{"key": key, "until": "paint"} for key in "jk" * (self.keys // 2)], floor=True
        )
        floor_key = self.add(
            Figure("keys", "floor: key to paint in a bare Textual app", floor_run.steps)
        )
        floor_outside = self.add(
            Figure("keys", f"floor: bare Textual app, {OUTSIDE}", _seen(floor_run.outside))
        )
        self.floor_rss = self.add(
            Figure(
                "memory", "floor: peak RSS of the bare Textual app", [floor_run.rss_kb / 1024], "MB"
            )
        )
        return floor_key, floor_outside

    @staticmethod
    def _filter_steps(moves: int) -> tuple[list[dict], list[int]]:
        """`/` and letters typed and taken back ("a" -> "an" -> "ann" -> "anne" and back),
        with the length of the filter after each letter."""
        typed = [{"key": "slash", "until": "paint"}, {"key": "a", "until": "filtered"}]
        cycle = ["n", "n", "e", "backspace", "backspace", "backspace"]
        typed += [{"key": key, "until": "filtered"} for key in cycle * (moves // 6 + 1)]
        lengths, length = [], 1
        for step in typed[2:]:
            length += -1 if step["key"] == "backspace" else 1
            lengths.append(length)
        return typed, lengths

    def _filter_typed_at_speed(self, floor_key: Figure) -> None:
        """As a user types: a word at 8 keys a second, each letter's read still under way
        as the next key comes; timed from the last key to the board filtered for it."""
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
        self._screen_opens(run, steps, after_write, unchanged)
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

    def _screen_opens(
        self, run, steps: list[dict], after_write: list[int], unchanged: list[int]
    ) -> None:
        """Today's and Insights' figures from the screens run: first open, shown with the
        last data, and current data shown with nothing written since or after a write."""
        # Fresh figures after a write within a frame budget: 50 ms for Today, 100 for
        # Insights (a first open, which builds the screen, gets twice that).
        for name, key, target in (("Today", "1", 50), ("Insights", "5", 100)):
            picked = [i for i, step in enumerate(steps) if step["key"] == key]
            # The first open builds the screen and works everything out.
            first = self.add(
                Figure(
                    "screens",
                    f"{name}: first open, key to fresh data shown",
                    [run.steps[picked[0]]],
                )
            )
            self.judge(first, None, 2 * target, "ms")
            # After a write Today works a few sections out before its first paint, which
            # then shows current data: those opens are timed in "after a write" below.
            fresh_at_once = {i for i in after_write if run.first_paints[i] == run.steps[i]}
            opened = self.add(
                Figure(
                    "screens",
                    f"{name}: key to screen shown with its last data",
                    [run.first_paints[i] for i in picked[1:] if i not in fresh_at_once],
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
