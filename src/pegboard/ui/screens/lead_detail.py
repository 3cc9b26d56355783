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
from pegboard.services.leads import LeadService
from pegboard.text import shown
from pegboard.ui.reach import reach_line
from pegboard.ui.undoing import UndoesSteps
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import TextTable


def _when(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class LeadDetailScreen(UndoesSteps, Screen[None]):
    """One lead, cradle to grave, with the board's actions on it: log a touch, edit,
    move a stage, win or lose it; the page scrolls with the keys."""

    DEFAULT_CSS = """
    LeadDetailScreen {
        & VerticalScroll { padding: 1 2; }
        & .section-title { text-style: bold; color: $text-accent; margin-top: 1; }
    }
    """

    BINDINGS = [
        Binding("t", "log_touch", "Touch", id="lead-detail.log-touch"),
        Binding("e", "edit", "Edit", id="lead-detail.edit"),
        Binding("H,shift+left", "move(-1)", "◀ Stage", id="lead-detail.move-left"),
        Binding("L,shift+right", "move(1)", "Stage ▶", id="lead-detail.move-right"),
        Binding("w", "close_as('won')", "Won", id="lead-detail.won"),
        Binding("x", "close_as('lost')", "Lost", id="lead-detail.lost"),
        Binding("space", "checklist", "Checklist", id="lead-detail.checklist"),
        Binding("u", "undo", "Undo", id="lead-detail.undo"),
        Binding("escape,q", "close", "Back", id="lead-detail.close"),
    ]

    def __init__(
        self, detail: LeadDetail, settings: Settings, clock: Clock, leads: LeadService
    ) -> None:
        super().__init__()
        self.detail = detail
        self.settings = settings
        self.clock = clock
        self.leads = leads
        self.undo_log = leads.undo_log

    def _label(self, stage_id: str | None) -> str:
        if stage_id is None:
            return "—"
        try:
            return self.settings.stage(stage_id).label
        except KeyError:
            return stage_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="lead-fields")
            yield Static("Qualification · space to tick", classes="section-title")
            yield Static(id="lead-qualification")
            yield Static(id="lead-timeline-title", classes="section-title")
            yield Static(id="lead-timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show()
        # Focused, so that the arrows, PageDown and End scroll the page at once.
        self.query_one(VerticalScroll).focus()

    def show(self) -> None:
        detail = self.detail
        self.sub_title = f"Lead · {shown(detail.name)}"
        self.query_one("#lead-fields", Static).update(self._fields())
        self.query_one("#lead-qualification", Static).update(self._qualification())
        events = len(detail.history) + len(detail.touches) + len(detail.assistant)
        self.query_one("#lead-timeline-title", Static).update(
            f"Timeline ({events}: {len(detail.touches)} touches, "
            f"{len(detail.history)} stage changes"
            + (f", {len(detail.assistant)} by an assistant)" if detail.assistant else ")")
        )
        self.query_one("#lead-timeline", Static).update(self._timeline())

    def reload_data(self) -> None:
        from pegboard.services.lead_records import lead_detail

        self.detail = lead_detail(self.detail.id)
        self.show()

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
            text.append(shown(criterion) + "\n")
        return text

    def _timeline(self) -> TextTable | Text:
        """Stage changes and touches as one list, newest first, each stay's length."""
        detail = self.detail
        if not detail.history and not detail.touches and not detail.assistant:
            return Text("Nothing yet: t logs a touch", style="dim")
        events = []
        history = detail.history
        for index, (when, origin, target) in enumerate(history):
            until = history[index + 1][0] if index + 1 < len(history) else None
            stay = f"{max(0, ((until or detail.closed_at or self.clock.now()) - when).days)}d there"
            moved = f"{self._label(origin)} → {self._label(target)}" if origin else "came in"
            events.append((when, "stage", f"{moved}  ({stay})"))
        events += [(when, kind, note) for when, kind, note in detail.touches]
        events += [(when, "assistant", summary) for when, summary in detail.assistant]
        table = TextTable(box=None, padding=(0, 2), show_header=True, header_style="dim")
        table.add_column("When", no_wrap=True)
        table.add_column("What", no_wrap=True)
        table.add_column("")
        for when, what, text in sorted(events, key=lambda event: event[0], reverse=True):
            table.add_row(_when(when), what, text)
        return table

    # -- the board's actions, on this lead --------------------------------------

    def action_log_touch(self) -> None:
        from pegboard.ui.modals.touch_form import touch_form_for

        form = touch_form_for(self.leads, self.detail.id, self.detail.name, self.clock.today())
        self.app.push_screen(form, lambda touch: touch is not None and self._changed())

    def action_edit(self) -> None:
        from pegboard.ui.modals.form_screen import guarded_edit
        from pegboard.ui.modals.lead_form import LeadForm

        lead_id = self.detail.id
        save = guarded_edit(
            lambda draft, version: self.leads.update_lead(lead_id, draft, expected_version=version),
            lambda: self.leads.version_of(lead_id),
        )
        form = LeadForm(self.settings, self.clock.today(), self.leads.draft_of(lead_id))
        self.app.push_screen(form.saving(save), lambda edited: edited and self._changed())

    def action_move(self, step: int) -> None:
        target = self.leads.neighbor_stage(self.detail.stage, step)
        if target is None:
            self.notify(f"{self._label(self.detail.stage)} is the last stage that way", timeout=2)
            return
        self._move_to(target)

    def action_close_as(self, outcome: str) -> None:
        target = self.settings.closing_stage(outcome)
        if target.id == self.detail.stage:
            self.notify(f"Already {target.label.lower()}", timeout=2)
            return
        self._move_to(target)

    def action_checklist(self) -> None:
        from pegboard.ui.screens.board_actions import tick_checklist

        lead = (self.detail.id, self.detail.name)
        tick_checklist(self.app, self.leads, self.settings, lead, self._changed)

    def _move_to(self, target) -> None:
        from pegboard.errors import ServiceError
        from pegboard.ui.screens.board_actions import ask_then_move, moved_notice

        def move(**details) -> None:
            try:
                self.leads.move_lead(self.detail.id, target.id, **details)
            except ServiceError as error:
                self.notify(str(error), severity="error", timeout=5)
                return
            self.notify(moved_notice(self.detail.name, target, details, self.settings), timeout=3)
            self._changed()

        lead = (self.detail.id, self.detail.name)
        ask_then_move(self.app, self.leads, self.settings, lead, target, move)

    def _changed(self) -> None:
        """After a write from this page: read the lead again, and tell the screens under
        it (the board redraws its card when it shows again)."""
        self.reload_data()

    def action_close(self) -> None:
        self.dismiss(None)
