"""A lead's full record: its fields, qualification, stage history and every touch."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from pegboard.clock import Clock, to_local
from pegboard.config import Settings
from pegboard.money import format_cents
from pegboard.services.lead_records import LeadDetail
from pegboard.text import shown
from pegboard.ui.reach import reach_line
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import TextTable


def _when(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class LeadDetailScreen(Screen[None]):
    """Read-only view of one lead, cradle to grave."""

    DEFAULT_CSS = """
    LeadDetailScreen {
        & VerticalScroll { padding: 1 2; }
        & .section-title { text-style: bold; color: $text-accent; margin-top: 1; }
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="lead-detail.close"),
    ]

    def __init__(self, detail: LeadDetail, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.detail = detail
        self.settings = settings
        self.clock = clock

    def _label(self, stage_id: str | None) -> str:
        if stage_id is None:
            return "—"
        try:
            return self.settings.stage(stage_id).label
        except KeyError:
            return stage_id

    def compose(self) -> ComposeResult:
        detail = self.detail
        yield Header()
        with VerticalScroll():
            yield Static(self._fields(), id="lead-fields")
            yield Static("Qualification", classes="section-title")
            yield Static(self._qualification(), id="lead-qualification")
            yield Static(f"Stage history ({len(detail.history)})", classes="section-title")
            yield Static(self._history(), id="lead-history")
            yield Static(f"Touches ({len(detail.touches)})", classes="section-title")
            yield Static(self._touches(), id="lead-touches")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"Lead · {shown(self.detail.name)}"

    def _fields(self) -> TextTable:
        detail = self.detail
        table = TextTable.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        stage = self._label(detail.stage)
        if detail.lost_reason:
            stage += f" ({detail.lost_reason})"
        due = detail.due_date.isoformat() if detail.due_date else "—"
        rows = [
            ("Lead", Text(detail.title, style="bold")),
            ("Contact", detail.name + (f" · {detail.company}" if detail.company else "")),
            ("Email / phone", reach_line(detail.email, detail.phone, detail.also)),
            ("Stage", stage + ("  [archived]" if detail.archived else "")),
            ("Value", format_cents(detail.value_cents, self.settings.currency)),
            ("Source", detail.source or "—"),
            ("Referred by", detail.partner or "—"),
            ("Next action", f"{detail.next_action or '—'} (due {due})"),
            ("Created", _when(detail.created_at)),
            ("In stage since", _when(detail.stage_entered_at)),
            ("Last touch", _when(detail.last_touch_at)),
            ("Closed", _when(detail.closed_at)),
            ("Updated", _when(detail.updated_at)),
        ]
        for name, value in rows:
            table.add_row(name, value)
        return table

    def _qualification(self) -> Text:
        text = Text()
        for criterion in self.settings.qualification:
            ticked = criterion in self.detail.qualification
            text.append("☑ " if ticked else "☐ ", style="green" if ticked else "dim")
            text.append(criterion + "\n")
        return text

    def _history(self) -> TextTable | Text:
        if not self.detail.history:
            return Text("No stage changes", style="dim")
        table = TextTable(box=None, padding=(0, 2), show_header=True, header_style="dim")
        table.add_column("When")
        table.add_column("From")
        table.add_column("To")
        table.add_column("Days there", justify="right")
        history = self.detail.history
        for index, (when, origin, target) in enumerate(history):
            until = (
                history[index + 1][0]
                if index + 1 < len(history)
                else (self.detail.closed_at or self.clock.now())
            )
            table.add_row(
                _when(when),
                self._label(origin),
                self._label(target),
                str(max(0, (until - when).days)),
            )
        return table

    def _touches(self) -> TextTable | Text:
        if not self.detail.touches:
            return Text("No touches logged yet: press t on the board to log one", style="dim")
        table = TextTable(box=None, padding=(0, 2), show_header=True, header_style="dim")
        table.add_column("When")
        table.add_column("Kind")
        table.add_column("Note")
        for when, kind, note in self.detail.touches:
            table.add_row(_when(when), kind, note)
        return table

    def action_close(self) -> None:
        self.dismiss(None)
