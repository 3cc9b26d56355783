"""The bare Textual app the keys are measured against: the cold start's Header, Static and
Footer, with j and k bound to change what it shows. Run as it is (`python floor_app.py`,
the tmux group) or instrumented (probe_child.py --floor)."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Header, Static


class Floor(App):
    BINDINGS = [Binding("j", "bump", "Bump"), Binding("k", "bump", "Bump")]
    count = 0

    def compose(self):
        yield Header()
        yield Static("FLOOR-READY 0", id="counter")
        yield Footer()

    def action_bump(self) -> None:
        self.count += 1
        self.query_one("#counter", Static).update(f"FLOOR-READY {self.count}")


if __name__ == "__main__":
    Floor().run()
