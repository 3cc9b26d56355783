"""Add or edit one loyalty rule; checked exactly as config.toml's rules are."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from pegboard.config import (
    ConfigError,
    LoyaltyRule,
    describe_rule,
    parse_loyalty_rule,
    rule_to_toml,
)
from pegboard.ui.modals.form_screen import FormScreen
from pegboard.ui.widgets.form_field import FormField


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value == int(value) else value


class RuleForm(FormScreen[LoyaltyRule]):
    HINT = "purchase: 2 for the 2nd, 3+ for the 3rd and later · or every: 5 · enter save"

    def __init__(self, rule: LoyaltyRule | None = None) -> None:
        super().__init__()
        self.rule = rule
        self.TITLE_TEXT = "Edit loyalty rule" if rule else "New loyalty rule"

    def fields(self) -> ComposeResult:
        entry = rule_to_toml(self.rule) if self.rule else {}
        purchase = ""
        if "purchase" in entry:
            purchase = f"{entry['purchase']}{'+' if entry.get('and_later') else ''}"
        # A name that only describes the rule is left out, so an edit describes it anew.
        custom = self.rule is not None and self.rule.name != describe_rule(self.rule)
        yield FormField(
            "Name",
            entry["name"] if custom else "",
            placeholder="(described for you)",
            id="name",
        )
        yield FormField(
            "Purchase", purchase, placeholder="2, or 3+ for 3rd and later", id="purchase"
        )
        yield FormField(
            "Every", str(entry.get("every", "")), placeholder="every Nth purchase", id="every"
        )
        yield FormField("Percent off", str(entry.get("percent", "")), id="percent")
        yield FormField("Amount off", str(entry.get("amount", "")), id="amount")
        yield FormField("Min amount", str(entry.get("min_amount", "")), id="min")
        yield FormField(
            "Window months",
            str(entry.get("window_months", "")),
            placeholder="count only purchases in the last N months",
            id="window",
        )
        yield Static(id="rule-error", classes="field-error", markup=False)

    def entry(self) -> dict[str, Any]:
        """The fields as a [[loyalty.rules]] table; ValueError for text that is no number."""
        entry: dict[str, Any] = {}
        if name := self.field("name").value:
            entry["name"] = name
        purchase = self.field("purchase").value
        if purchase:
            entry["purchase"] = int(purchase.rstrip("+"))
            if purchase.endswith("+"):
                entry["and_later"] = True
        for field_id, key in (("every", "every"), ("window", "window_months")):
            if text := self.field(field_id).value:
                entry[key] = int(text)
        for field_id, key in (("percent", "percent"), ("amount", "amount"), ("min", "min_amount")):
            if text := self.field(field_id).value:
                entry[key] = _number(text)
        return entry

    def action_save(self) -> None:
        error = self.query_one("#rule-error", Static)
        try:
            rule = parse_loyalty_rule(self.entry())
        except ValueError:
            error.update("Numbers only in purchase, every, percent, amounts and months")
            return
        except ConfigError as problem:
            error.update(problem.message.removeprefix("loyalty rule 1: "))
            return
        self.dismiss(rule)

    def result(self) -> LoyaltyRule:
        return parse_loyalty_rule(self.entry())
