"""Referral partners: who sends me business, who I send business to, and who I owe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header

from pegboard.clock import Clock, to_local
from pegboard.config import Settings
from pegboard.money import format_cents
from pegboard.services.partner_match import PartnerMatch
from pegboard.services.partner_views import PARTNER_SORTS, PartnerRow
from pegboard.services.partners import PartnerDraft, PartnerService
from pegboard.ui.messages import AboutPartner
from pegboard.ui.modals.form_screen import guarded_edit
from pegboard.ui.modals.partner_form import PartnerForm
from pegboard.ui.screens.filtered_table import FilteredTableScreen
from pegboard.ui.screens.partner_detail import PartnerDetailScreen
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.filter_bar import FilterBar
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import PlainTable

if TYPE_CHECKING:
    from pegboard.services.undo import Step

COLUMNS = (
    ("name", "Partner"),
    ("category", "Category"),
    ("received", "Got"),
    ("given", "Gave"),
    ("balance", "Balance"),
    ("closed", "Closed"),
    ("network", "Network"),
    ("last", "Last exchange"),
    ("met", "Met"),
    ("owed", "Owed"),
)


class PartnersScreen(UndoesSteps, AboutPartner, FilteredTableScreen):
    """The partners table: give/get counts, balance, closed business, and an owed marker."""

    LISTING = "Partners"
    COLUMNS = COLUMNS
    SORTS = PARTNER_SORTS
    # Their sums and last exchanges (referral), networks (the customers sent: purchase),
    # last one-to-ones (touch), names: a lead's move between open stages writes none.
    READS = ("partner", "contact", "referral", "purchase", "touch")
    ASCENDING = frozenset({"name", "category"})
    NARROW_LABELS = {
        "name": "Partner",
        "received": "Got",
        "given": "Gave",
        "balance": "Bal.",
        "closed": "Closed",
        "last": "Last",
        "owed": "Owed",
    }

    BINDINGS = [
        Binding("enter", "open_partner", "Open", id="partners.open"),
        Binding("g", "log('given')", "Gave referral", id="partners.log-given"),
        Binding("t", "one_to_one", "One to one", id="partners.one-to-one"),
        Binding("n", "new_partner", "New", id="partners.new"),
        Binding("e", "edit_partner", "Edit", id="partners.edit"),
        Binding("s", "sort", "Sort", id="partners.sort"),
        Binding("S", "reverse", "Reverse", show=False, id="partners.reverse"),
        Binding("a", "archive", "Archive", id="partners.archive"),
        Binding("u", "undo", "Undo", id="partners.undo"),
        Binding("slash", "filter", "Filter", priority=True, id="partners.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="partners.clear-filter"),
    ]

    def __init__(self, partners: PartnerService, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.partners = partners
        self.undo_log = partners.undo_log
        self.settings = settings
        self.clock = clock
        self.sort = "balance"
        self.descending = True
        self.text = ""
        self.rows: list[PartnerRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield PlainTable(id="partners-table", cursor_type="row", zebra_stripes=True)
        yield FilterBar("name, company or category — enter keeps, esc clears")
        yield KeyFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#partners-table", DataTable)

    def read_page(self, offset: int, limit: int) -> tuple[list[PartnerRow], int]:
        return self.partners.partner_page(self.sort, self.descending, self.text, offset, limit)

    def add_table_row(self, row: PartnerRow) -> None:
        last = to_local(row.last_exchange).strftime("%Y-%m-%d") if row.last_exchange else "—"
        owed = []
        if row.balance > self.settings.owe_when_balance_over:
            owed.append("send" if self.narrow else "send back")
        if row.unthanked:
            owed.append(f"thank {row.unthanked}")
        currency = self.settings.currency
        closed = format_cents(row.closed_value_cents, currency, whole=True)
        network = format_cents(row.network_value_cents, currency, whole=True)
        cells = {
            "name": row.name,
            "category": row.category or "—",
            "received": Text(str(row.received), justify="right"),
            "given": Text(str(row.given), justify="right"),
            "balance": Text(f"{row.balance:+d}", justify="right"),
            "closed": Text(closed, justify="right"),
            "network": Text(network, justify="right"),
            "last": last,
            "met": to_local(row.last_met).strftime("%Y-%m-%d") if row.last_met else "—",
            "owed": "● " + ", ".join(owed) if owed else "",
        }
        self.add_cells(cells, str(row.id))

    def selected(self) -> PartnerRow | None:
        return self.current_row()

    def _selected_or_warn(self) -> PartnerRow | None:
        row = self.selected()
        if row is None:
            self.notify("No partner here: add one with n", severity="warning", timeout=3)
        return row

    # -- actions -------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_partner()

    def action_open_partner(self) -> None:
        row = self._selected_or_warn()
        if row is not None:
            self.app.push_screen(
                PartnerDetailScreen(row.id, self.partners, self.settings, self.clock)
            )

    partner_is_a_guess = True

    def quick_log_partner(self) -> PartnerMatch | None:
        """The partner a referral logged here (r, the app's key) is from: the cursor's."""
        row = self.selected()
        return PartnerMatch(row.id, row.name, row.company, row.category) if row else None

    def action_log(self, direction: str) -> None:
        self.app.open_quick_log(direction=direction, partner=self.quick_log_partner(), guessed=True)

    def action_one_to_one(self) -> None:
        from pegboard.ui.modals.meeting_form import log_one_to_one

        row = self._selected_or_warn()
        if row is not None:
            log_one_to_one(self, self.partners, (row.id, row.name), self.reload_data)

    def action_new_partner(self) -> None:
        form = PartnerForm(self.settings.phone_region).saving(self.partners.create_partner)

        def saved(draft: PartnerDraft | None) -> None:
            if draft is not None:
                self.notify(f"Added partner {draft.name}", timeout=2)
                self.reload_data(keep=form.saved)

        self.app.push_screen(form, saved)

    def action_edit_partner(self) -> None:
        row = self._selected_or_warn()
        if row is None:
            return
        save = guarded_edit(
            lambda draft, version: self.partners.update_partner(
                row.id, draft, expected_version=version
            ),
            lambda: self.partners.version_of(row.id),
        )

        def saved(draft: PartnerDraft | None) -> None:
            if draft is not None:
                self.reload_data()

        form = PartnerForm(self.settings.phone_region, self.partners.draft_of(row.id)).saving(save)
        self.app.push_screen(form, saved)

    def action_archive(self) -> None:
        row = self._selected_or_warn()
        if row is None:
            return
        self.partners.archive_partner(row.id)
        self.notify(f"Archived {row.name} · u to undo", timeout=4)
        self.reload_data()

    def after_undo(self, step: Step | None) -> None:
        self.reload_data(keep=step.record_id if step and step.kind == "partner" else None)
