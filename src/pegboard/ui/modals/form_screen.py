"""The shape every pegboard form shares: a titled box of fields, enter saves, esc cancels."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from pegboard.ui.widgets.form_field import FormField

ResultType = TypeVar("ResultType")


class FormScreen(ModalScreen[ResultType | None], Generic[ResultType]):
    """A modal form. Subclasses give `fields()` and `result()`; it never writes anything.

    Saving checks every field first: a form with a problem stays open, keeps what
    was typed, shows each problem beside its field and puts the cursor on the
    first one.
    """

    DEFAULT_CSS = """
    FormScreen {
        align: center middle;
        /* Solid, not Textual's translucent modal background: blending the whole
           screen beneath costs ~160 ms each time a form opens. */
        background: $background;
        & > #form {
            width: 84;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 1 2 0 2;
            border: thick $primary;
            background: $surface;
        }
        & #form-title { text-style: bold; margin-bottom: 1; }
        & #form-hint { color: $text-muted; margin-bottom: 1; }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    AUTO_FOCUS = "FormField Input"
    TITLE_TEXT = "Form"
    HINT = "enter save · esc cancel · tab next field"

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.TITLE_TEXT, id="form-title")
            yield from self.fields()
            yield Static(self.HINT, id="form-hint")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> ResultType:
        """Build the result from the fields; called only when every field is fine."""
        raise NotImplementedError

    def field(self, field_id: str) -> FormField:
        return self.query_one(f"#{field_id}", FormField)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        problems = [field for field in self.query(FormField) if field.problem()]
        if problems:
            problems[0].input.focus()
            self.notify("Fix the marked field before saving", severity="warning", timeout=3)
            return
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)
