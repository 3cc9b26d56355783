"""The shape every pegboard form shares: a titled box of fields, enter saves, esc cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from pegboard.ui.widgets.form_field import FormField

ResultType = TypeVar("ResultType")


class FormScreen(ModalScreen[ResultType | None], Generic[ResultType]):
    """A modal form. Subclasses give `fields()` and `result()`.

    Saving checks every field first: a form with a problem stays open, keeps what
    was typed, shows each problem beside its field and puts the cursor on the
    first one. A form given a saver (`saving()`) writes before it closes: when the
    service refuses (a rule, an edit made meanwhile, a full disk or a read-only
    file) it says why and stays open with everything typed.
    """

    saver: Callable[[Any], Any] | None = None
    saved: Any = None
    """What the saver returned, for the caller's callback."""

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
        Binding("tab", "next_field", "Next field", show=False, id="form.next-field"),
    ]

    AUTO_FOCUS = "FormField Input"
    TITLE_TEXT = "Form"
    HINT = "enter save · esc cancel · tab next field"

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.TITLE_TEXT, id="form-title", markup=False)
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
        result = self.result()
        if self.saver is not None:
            from pegboard.errors import ServiceError, StorageError

            try:
                self.saved = self.saver(result)
            except ServiceError as error:
                kept = " What you typed is still here." if isinstance(error, StorageError) else ""
                self.notify(f"{error}{kept}", severity="error", timeout=8)
                return
        self.dismiss(result)

    def saving(self, saver: Callable[[ResultType], Any]) -> FormScreen[ResultType]:
        """Write with `saver` before closing; the form closes only once it succeeded."""
        self.saver = saver
        return self

    def action_next_field(self) -> None:
        """Tab takes the suggestion showing in the field (`e` → `email`), then moves on."""
        focused = self.focused
        if isinstance(focused, Input) and focused.cursor_position == len(focused.value):
            focused.action_cursor_right()  # at the end, this accepts the suggestion
        self.focus_next()

    def typed(self) -> bool:
        """Whether any field holds something other than what the form opened with."""
        return any(field.input.value != field.initial for field in self.query(FormField))

    def action_cancel(self) -> None:
        """Close, asking first when something was typed: esc must not lose a note."""
        if not self.typed():
            self.dismiss(None)
            return
        from pegboard.ui.modals.confirm import Confirm

        self.app.push_screen(
            Confirm("Discard what you typed? It will be lost."),
            lambda discard: self.dismiss(None) if discard else None,
        )


def guarded_edit(
    write: Callable[[Any, Any], None], version_of: Callable[[], Any]
) -> Callable[[Any], None]:
    """A saver for an edit form that does not overwrite a record changed meanwhile.

    `write(draft, expected_version)` raises EditConflict when the record changed since
    `version_of()` was read: the form then stays open with what was typed and says so,
    and saving again (against the version now) overwrites knowingly.
    """
    from pegboard.errors import EditConflict

    version = version_of()

    def save(draft: Any) -> None:
        nonlocal version
        try:
            write(draft, version)
        except EditConflict as conflict:
            version = version_of()
            raise EditConflict(
                f"Not saved: {conflict}. Your edit is still in the form: save again to "
                "overwrite, esc to drop it."
            ) from None

    return save
