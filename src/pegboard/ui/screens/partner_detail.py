"""One partner: their details and every referral exchanged, both ways."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, Tree

from pegboard.clock import Clock, to_local
from pegboard.config import Settings
from pegboard.errors import ServiceError
from pegboard.money import format_cents
from pegboard.services.lead_records import lead_detail
from pegboard.services.lineage import LineageNode, count_partners, lineage
from pegboard.services.meetings import last_meetings, meeting_count
from pegboard.services.partner_match import PartnerMatch
from pegboard.services.partner_views import Exchange
from pegboard.services.partners import OUTCOME_LABELS, OUTCOMES, WARMTH_LABELS, PartnerService
from pegboard.text import counted, shown
from pegboard.ui.messages import AboutPartner, OpenRecord, ShowsData
from pegboard.ui.modals.close_forms import WonForm
from pegboard.ui.reach import reach_line
from pegboard.ui.screens.lead_detail import LeadDetailScreen
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.lineage_tree import LineageTree
from pegboard.ui.widgets.plain_table import PlainTable, TextTable


class PartnerDetailScreen(UndoesSteps, ShowsData, AboutPartner, Screen[None]):
    reads_as_it_resumes = True

    DEFAULT_CSS = """
    PartnerDetailScreen {
        & #partner-info { padding: 1 2; height: auto; }
        & #exchanges { height: 1fr; min-height: 5; margin: 0 1; }
        & #network-title { padding: 0 2; color: $text-accent; text-style: bold; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="partner-detail.close"),
        Binding("g", "log('given')", "Gave referral", id="partner-detail.log-given"),
        Binding("t", "one_to_one", "One to one", id="partner-detail.one-to-one"),
        Binding("b", "brief", "Brief", id="partner-detail.brief"),
        Binding("o", "outcome", "Outcome", id="partner-detail.outcome"),
        Binding("v", "value", "Value", id="partner-detail.value"),
        Binding("k", "thanked", "Thanked", id="partner-detail.thanked"),
        Binding("a", "archive", "Archive", id="partner-detail.archive"),
        Binding("u", "undo", "Undo", id="partner-detail.undo"),
        Binding("enter", "open_lead", "Open lead", id="partner-detail.open-lead"),
    ]

    def __init__(
        self,
        partner_id: int,
        partners: PartnerService,
        settings: Settings,
        clock: Clock,
        *,
        referral_id: int | None = None,
    ) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.referral_id = referral_id
        """The referral the cursor starts on, if one was asked about."""
        self.partners = partners
        self.undo_log = partners.undo_log
        self.settings = settings
        self.clock = clock
        self.exchanges: list[Exchange] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="partner-info")
        yield PlainTable(id="exchanges", cursor_type="row", zebra_stripes=True)
        yield Static(id="network-title")
        yield LineageTree("", id="network")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (
            "Date",
            "Way",
            "Person",
            "Outcome",
            "Value",
            "Thanked",
            "Warmth",
            "Lead",
            "Note",
        ):
            table.add_column(label)
        table.focus()

    def on_screen_resume(self) -> None:
        """Each time the screen shows, the first time too (Textual resumes it after mount)."""
        self.reload_data()

    def reload_data(self) -> None:
        detail = self.partners.partner_detail(self.partner_id)
        self.detail = detail
        self.sub_title = f"Partner · {shown(detail.name)}"
        info = TextTable.grid(padding=(0, 2))
        info.add_column(style="dim")
        info.add_column()
        received = sum(1 for x in detail.exchanges if x.direction == "received")
        given = len(detail.exchanges) - received
        info.add_row("Partner", Text(detail.name, style="bold"))
        info.add_row("Company", detail.company or "—")
        info.add_row("Category", detail.category or "—")
        info.add_row("Reach", reach_line(detail.email, detail.phone, detail.also))
        info.add_row("Since", detail.since.isoformat() if detail.since else "—")
        info.add_row("Exchanges", f"got {received} · gave {given} · balance {received - given:+d}")
        info.add_row("One to ones", self._met_line())
        tree = lineage(self.partner_id)
        info.add_row("Network", self._network_line(tree))
        if detail.notes:
            info.add_row("Notes", detail.notes)
        self.query_one("#partner-info", Static).update(info)
        self._show_network(tree)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.exchanges = detail.exchanges
        currency = self.settings.currency
        for exchange in detail.exchanges:
            table.add_row(
                to_local(exchange.at).strftime("%Y-%m-%d"),
                "→ me" if exchange.direction == "received" else "me →",
                exchange.person or "—",
                OUTCOME_LABELS[exchange.outcome],
                format_cents(exchange.value_cents, currency, whole=True)
                if exchange.value_cents
                else "",
                "✓" if exchange.thanked_at else "",
                WARMTH_LABELS.get(exchange.warmth, "") if exchange.warmth else "",
                self._stage_label(exchange.lead_stage),
                exchange.note,
            )
        wanted = next((i for i, x in enumerate(self.exchanges) if x.id == self.referral_id), None)
        if wanted is not None:
            table.move_cursor(row=wanted)
            self.referral_id = None  # after the first showing, the cursor stays where put
        elif row is not None and self.exchanges:
            table.move_cursor(row=min(row, len(self.exchanges) - 1))

    def _money(self, cents: int) -> str:
        return format_cents(cents, self.settings.currency, whole=True)

    def _met_line(self) -> str:
        """`last 2026-11-20 (11 days ago) · 3 in all`, or `none yet · t logs one`."""
        last = last_meetings([self.partner_id]).get(self.partner_id)
        if last is None:
            return "none yet · t logs one"
        days = (self.clock.today() - to_local(last).date()).days
        ago = "today" if days == 0 else f"{counted(days, 'day')} ago"
        total = meeting_count(self.partner_id)
        return f"last {to_local(last):%Y-%m-%d} ({ago}) · {total} in all"

    def _network_line(self, tree: LineageNode) -> str:
        """`$2,000 in all through 3 partners (direct: $1,000)`."""
        partners = count_partners(tree) - 1
        if not partners:
            return "no partner came through them yet"
        direct = sum(
            exchange.value_cents
            for exchange in self.detail.exchanges
            if exchange.direction == "received" and exchange.outcome == "converted"
        )
        through = counted(partners, "partner")
        return f"{self._money(tree.value_cents)} in all through {through} (direct: {self._money(direct)})"

    def _show_network(self, tree: LineageNode) -> None:
        title = self.query_one("#network-title", Static)
        network = self.query_one("#network", LineageTree)
        grown = count_partners(tree) > 1  # else the exchanges above say it all
        title.display = network.display = grown
        if grown:
            title.update("Who came through them (tab, then enter opens)")
            network.show(tree, self._money)

    @on(Tree.NodeSelected, "#network")
    def _open_person(self, event: Tree.NodeSelected) -> None:
        event.stop()
        node = event.node.data
        if node is None or event.node is event.node.tree.root:
            return
        if not node.record_id:
            self.notify(f"{node.name} has no record of their own to open", timeout=3)
            return
        self.post_message(OpenRecord(node.kind, node.record_id))

    def _stage_label(self, stage_id: str | None) -> str:
        if stage_id is None:
            return ""
        return next((s.label for s in self.settings.stages if s.id == stage_id), stage_id)

    def selected(self) -> Exchange | None:
        row = self.query_one(DataTable).cursor_row
        if row is None or not 0 <= row < len(self.exchanges):
            self.notify("No referral here yet: r or g logs one", severity="warning", timeout=3)
            return None
        return self.exchanges[row]

    def _attempt(self, action, done: str = "") -> None:
        """Run a write; say `done` when it worked, or why it was refused."""
        try:
            action()
        except ServiceError as error:
            self.notify(str(error), severity="error", timeout=5)
            return
        if done:
            self.notify(done, timeout=3)
        self.reload_data()

    def action_outcome(self) -> None:
        """Cycle open -> converted -> no fit (a lead's referral follows the lead instead)."""
        exchange = self.selected()
        if exchange is None:
            return
        if exchange.lead_id is not None:
            self.notify(
                "This referral follows its lead: win or lose the lead on the board", timeout=4
            )
            return
        following = OUTCOMES[(OUTCOMES.index(exchange.outcome) + 1) % len(OUTCOMES)]
        self._attempt(
            lambda: self.partners.set_outcome(exchange.id, following),
            f"{exchange.person or 'The referral'}: {OUTCOME_LABELS.get(following, following)}",
        )

    def action_value(self) -> None:
        exchange = self.selected()
        if exchange is None:
            return
        if exchange.lead_id is not None:
            self.notify("This value is the lead's: edit the lead", timeout=4)
            return

        def save(value: int | None) -> None:
            if value is not None:
                self._attempt(lambda: self.partners.set_outcome(exchange.id, "converted", value))

        self.app.push_screen(
            WonForm(exchange.person or "referral", exchange.value_cents, self.settings.currency),
            save,
        )

    def action_thanked(self) -> None:
        exchange = self.selected()
        if exchange is not None:
            thanking = exchange.thanked_at is None
            self._attempt(
                lambda: self.partners.mark_thanked(exchange.id, thanking),
                f"Thanked {self.detail.name} for {exchange.person} · u to undo"
                if thanking
                else f"Not thanked for {exchange.person} after all",
            )

    def action_archive(self) -> None:
        exchange = self.selected()
        if exchange is not None:
            self._attempt(lambda: self.partners.archive_referral(exchange.id))
            self.notify(f"Archived the referral of {exchange.person} · u to undo", timeout=4)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_lead()

    def action_open_lead(self) -> None:
        exchange = self.selected()
        if exchange is None:
            return
        if exchange.lead_id is None:
            self.notify("A referral I gave has no lead of mine", timeout=3)
            return
        self.app.push_screen(
            LeadDetailScreen(
                lead_detail(exchange.lead_id), self.settings, self.clock, self.partners.leads
            )
        )

    def quick_log_partner(self) -> PartnerMatch:
        """The partner a referral logged here (r, the app's key) is from: this one."""
        detail = self.detail
        return PartnerMatch(detail.id, detail.name, detail.company, detail.category)

    def action_one_to_one(self) -> None:
        from pegboard.ui.modals.meeting_form import log_one_to_one

        log_one_to_one(self, self.partners, (self.partner_id, self.detail.name), self.reload_data)

    def action_brief(self) -> None:
        """The ready-to-send note for this partner (services.brief)."""
        from pegboard.paths import data_dir
        from pegboard.services.brief import brief_lines, partner_brief
        from pegboard.ui.modals.brief_view import BriefView

        brief = partner_brief(self.partner_id, self.clock)
        currency = self.settings.currency
        text = "\n".join(brief_lines(brief, currency))
        markdown = "\n".join(brief_lines(brief, currency, markdown=True))
        folder = data_dir() / "briefs"
        self.app.push_screen(BriefView(brief.partner, text, markdown, folder, self.clock.today()))

    def action_log(self, direction: str) -> None:
        self.app.open_quick_log(direction=direction, partner=self.quick_log_partner())

    def action_close(self) -> None:
        self.dismiss(None)
