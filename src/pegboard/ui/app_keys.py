"""What the app tells about its keys: the screens a [keymap] may name, the keymap applied,
the help screen's rows, and the palette's commands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from pegboard.ui.textual_private import keymap

if TYPE_CHECKING:
    from textual.app import App


def screen_classes() -> tuple[type[Screen], ...]:
    """The screens whose binding ids a [keymap] table may name (with the app's own)."""
    from pegboard.ui.modals.form_screen import FormScreen
    from pegboard.ui.modals.quick_log import QuickLog
    from pegboard.ui.screens.archive import ArchiveScreen
    from pegboard.ui.screens.board import BoardScreen
    from pegboard.ui.screens.customer_detail import CustomerDetailScreen
    from pegboard.ui.screens.help import HelpScreen
    from pegboard.ui.screens.import_screen import ImportScreen
    from pegboard.ui.screens.insights import InsightsScreen
    from pegboard.ui.screens.lead_detail import LeadDetailScreen
    from pegboard.ui.screens.loyalty import LoyaltyScreen
    from pegboard.ui.screens.loyalty_rules import LoyaltyRulesScreen
    from pegboard.ui.screens.partner_detail import PartnerDetailScreen
    from pegboard.ui.screens.partners import PartnersScreen
    from pegboard.ui.screens.today import TodayScreen

    return (
        TodayScreen,
        BoardScreen,
        PartnersScreen,
        LoyaltyScreen,
        InsightsScreen,
        LeadDetailScreen,
        PartnerDetailScreen,
        CustomerDetailScreen,
        LoyaltyRulesScreen,
        ImportScreen,
        FormScreen,
        QuickLog,
        HelpScreen,
        ArchiveScreen,
    )


def apply_keymap(app: App) -> None:
    """Remap bindings by id from [keymap]; an unknown id is reported and skipped."""
    if not app.settings.keymap:
        return
    known = {
        binding.id
        for node in (app, *screen_classes())
        for binding in Binding.make_bindings(node.BINDINGS)
        if binding.id
    }
    remapped = {}
    for binding_id, keys in app.settings.keymap.items():
        if binding_id in known:
            remapped[binding_id] = keys
        else:
            app.notify(
                f"config.toml [keymap]: no binding has the id {binding_id!r}; ignored",
                severity="warning",
                timeout=8,
            )
    if remapped:
        app.set_keymap(remapped)


def help_rows(app: App, screen: Screen) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every binding of `screen` and the app, keymap applied."""
    rows = []
    for where, bindings in (("this screen", screen.BINDINGS), ("everywhere", _app_bindings(app))):
        grouped: dict[tuple[str, str], list[str]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.system:
                continue
            keys = keymap(app).get(binding.id, binding.key) if binding.id else binding.key
            label = binding.description or binding.action
            shown = [app.get_key_display(replace(binding, key=key)) for key in keys.split(",")]
            grouped.setdefault((binding.action, label), []).extend(shown)
        for (_, label), keys in grouped.items():
            rows.append((where, " ".join(dict.fromkeys(keys)), label))
    return rows


def _app_bindings(app: App) -> list:
    """The app's bindings and those it inherits from Textual (ctrl+q quits), with the
    command palette's key, which Textual binds as the app starts."""
    bindings = list(app.BINDINGS)
    for cls in type(app).__mro__[1:]:
        if "BINDINGS" in vars(cls):
            bindings += [b for b in vars(cls)["BINDINGS"] if b not in bindings]
    if app.ENABLE_COMMAND_PALETTE:
        bindings.append(Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"))
    return bindings


def pegboard_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """The palette's commands beside Textual's: the screens, the dialogs, and every
    action of the screen underneath with its key."""
    yield SystemCommand(
        "Log referral", "Log a referral received or given (r)", app.action_quick_log
    )
    yield SystemCommand("Today", "The morning triage (1)", lambda: app.switch_mode("today"))
    yield SystemCommand("Board", "The leads board (2)", lambda: app.switch_mode("board"))
    yield SystemCommand(
        "Partners",
        "Referral partners and reciprocity (3)",
        lambda: app.switch_mode("partners"),
    )
    yield SystemCommand(
        "Loyalty",
        "Repeat customers and their discounts (4)",
        lambda: app.switch_mode("loyalty"),
    )
    yield SystemCommand(
        "Insights",
        "Sources, referrals, funnel and revenue goal (5)",
        lambda: app.switch_mode("insights"),
    )
    yield SystemCommand(
        "Import…",
        "Contacts or deals from a CSV (HubSpot, Pipedrive, a sheet), a .vcf, or an export",
        app.open_import,
    )
    yield SystemCommand(
        "Loyalty rules", "Edit the repeat-purchase discounts", app.open_loyalty_rules
    )
    yield SystemCommand(
        "Archived…", "Archived leads, partners and purchases, to bring back", app.open_archive
    )
    yield SystemCommand(
        "Duplicates…",
        "Contacts that look like one person, side by side, to merge",
        app.open_duplicates,
    )
    # Every action of the screen underneath, from its BINDINGS, with its key; moving the
    # cursor is left to the keys.
    seen: set[str] = set()
    where = (screen.sub_title or "this screen").split(" · ")[0]
    for binding in Binding.make_bindings(screen.BINDINGS):
        if binding.action in seen or not binding.description or _moves_the_cursor(binding):
            continue
        seen.add(binding.action)
        name = PALETTE_NAMES.get(binding.id or "", binding.description)
        yield SystemCommand(
            name,
            f"{where} · press {app.get_key_display(binding)}",
            partial(screen.run_action, binding.action),
        )


CURSOR_ACTIONS = ("cursor", "scroll", "column", "first", "last", "section", "match")
"""Actions that only move the cursor or the view: not the palette's to list."""

PALETTE_NAMES = {
    "board.won": "Mark the lead won",
    "board.lost": "Mark the lead lost",
    "board.move-left": "Move the lead back a stage",
    "board.move-right": "Move the lead on a stage",
    "board.log-touch": "Log a call, email or meeting",
    "board.open-lead": "Open the lead",
    "board.filter": "Filter the board",
    "today.done": "Mark the row done",
    "today.snooze-day": "Snooze the row a day",
    "today.snooze-week": "Snooze the row a week",
    "today.touch": "Log a call, email or meeting",
    "loyalty.purchase": "Record a purchase",
    "loyalty.asked": "Mark the customer asked for a referral",
    "loyalty.testimonial": "Mark that the customer gave a testimonial",
    "loyalty.rules": "Edit the loyalty rules",
    "partners.log-given": "Log a referral I gave",
    "partners.new": "Add a partner",
    "insights.next-period": "Show the next period",
    "insights.previous-period": "Show the previous period",
}
"""What the palette calls an action, in the owner's words (the footer keeps its short
label)."""


def _moves_the_cursor(binding: Binding) -> bool:
    return binding.action.split("(")[0].startswith(CURSOR_ACTIONS)
