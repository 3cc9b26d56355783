"""The loyalty rules, edited in the app and written back to config.toml at once."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pegboard.config import LoyaltyRule
from pegboard.ui.modals.rule_form import RuleForm
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable

SaveRules = Callable[[tuple[LoyaltyRule, ...]], None]


class LoyaltyRulesScreen(Screen[None]):
    DEFAULT_CSS = """
    LoyaltyRulesScreen {
        & #rules-help { padding: 1 2; color: $text-muted; }
        & #rules { height: 1fr; margin: 0 1; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="rules.close"),
        Binding("n", "new", "New rule", id="rules.new"),
        Binding("e,enter", "edit", "Edit", id="rules.edit"),
        Binding("d", "delete", "Delete", id="rules.delete"),
        Binding("K", "move(-1)", "Up", id="rules.up"),
        Binding("J", "move(1)", "Down", id="rules.down"),
        Binding("u", "undo", "Undo", id="rules.undo"),
    ]

    def __init__(self, rules: tuple[LoyaltyRule, ...], save: SaveRules) -> None:
        super().__init__()
        self.rules = list(rules)
        self.save = save
        self.history: list[list[LoyaltyRule]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "When several rules fit a purchase, the one that takes most off wins; on a tie, "
            "the higher one. A change is kept at once (your settings file keeps its notes) "
            "and applies from the next purchase; purchases already recorded keep their "
            "discount.",
            id="rules-help",
        )
        yield PlainTable(id="rules", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Loyalty rules"
        self.query_one(DataTable).add_column("Rule")
        self.show()
        self.query_one(DataTable).focus()

    def show(self, cursor: int | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row if cursor is None else cursor
        table.clear()
        for rule in self.rules:
            table.add_row(rule.name)
        if self.rules:
            table.move_cursor(row=max(0, min(row or 0, len(self.rules) - 1)))

    def change(self, rules: list[LoyaltyRule], cursor: int | None = None) -> None:
        self.history.append(self.rules)
        self.rules = rules
        self.save(tuple(rules))
        self.show(cursor)

    def current(self) -> int | None:
        row = self.query_one(DataTable).cursor_row
        return row if self.rules and row is not None and row < len(self.rules) else None

    def action_new(self) -> None:
        def add(rule: LoyaltyRule | None) -> None:
            if rule is not None:
                self.change([*self.rules, rule], len(self.rules))
                self.notify(f"Added “{rule.name}”: it applies from the next purchase", timeout=4)

        self.app.push_screen(RuleForm(), add)

    def action_edit(self) -> None:
        index = self.current()
        if index is None:
            return

        def save(rule: LoyaltyRule | None) -> None:
            if rule is not None:
                rules = list(self.rules)
                rules[index] = rule
                self.change(rules, index)
                self.notify(f"Saved “{rule.name}”: it applies from the next purchase", timeout=4)

        self.app.push_screen(RuleForm(self.rules[index]), save)

    def action_delete(self) -> None:
        index = self.current()
        if index is not None:
            removed = self.rules[index]
            self.change(self.rules[:index] + self.rules[index + 1 :])
            self.notify(f"Deleted “{removed.name}” · u to undo", timeout=4)

    def action_move(self, step: int) -> None:
        index = self.current()
        if index is None or not 0 <= index + step < len(self.rules):
            return
        rules = list(self.rules)
        rules[index], rules[index + step] = rules[index + step], rules[index]
        self.change(rules, index + step)

    def action_undo(self) -> None:
        if not self.history:
            self.notify("Nothing to undo", timeout=2)
            return
        self.rules = self.history.pop()
        self.save(tuple(self.rules))
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)
