"""A labelled one-line input that checks itself as the user types."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from pegboard.text import control_characters

Check = Callable[[str], str | None]
"""Returns what is wrong with the text, or None when it is fine."""


class _CheckValidator(Validator):
    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        problem = self.check(value)
        return self.failure(problem) if problem else self.success()


class FormField(Horizontal):
    """Label, input and, beside them, what is wrong with the input (if anything).

    The error shows as the user types; a form asks `problem()` before saving,
    and never clears what was typed.
    """

    DEFAULT_CSS = """
    FormField {
        height: 1;
        margin-bottom: 1;
        & > Label { width: 14; color: $text-muted; }
        & > Input {
            width: 1fr;
            height: 1;
            border: none;
            padding: 0 1;
            background: $boost;
            &:focus { border: none; background: $primary 25%; }
            &.-invalid { border: none; background: $error 20%; }
            &.-invalid:focus { border: none; background: $error 30%; }
        }
        & > .field-error { width: auto; max-width: 32; padding-left: 1; color: $text-error; }
        & > .field-error.-reading { color: $text-muted; }
    }
    """

    def __init__(
        self,
        label: str,
        value: str = "",
        *,
        check: Check | None = None,
        placeholder: str = "",
        suggestions: Sequence[str] = (),
        reading: Callable[[str], str | None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.reading = reading
        """How the text reads, shown beside it while it is fine (a date typed as 'fri')."""
        self.label = label
        self.initial = value
        self.check = check
        self.placeholder = placeholder
        self.suggestions = list(suggestions)

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield Input(
            self.initial,
            placeholder=self.placeholder,
            validators=[_CheckValidator(self.check)] if self.check else None,
            suggester=SuggestFromList(self.suggestions, case_sensitive=False)
            if self.suggestions
            else None,
            validate_on=["changed", "submitted"],
            # Coming back to fix a field must not select (and so wipe) what was typed.
            select_on_focus=False,
        )
        yield Static("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value.strip()

    def problem(self) -> str | None:
        """Check now, show the result beside the field, and return it."""
        message = control_problem(self.input.value)
        if message is None and self.check:
            message = self.check(self.input.value)
        self._show(message)
        return message

    def clear(self) -> None:
        """Blank the field and what it said was wrong, for a form shown afresh.

        The blank is not checked: that would mark a required field invalid, restyling
        the input twice for nothing (the quick log clears its fields for every call)."""
        field = self.input
        if field.value:
            checks = field.validate_on
            field.validate_on = set()
            field.value = ""
            field.validate_on = checks
        self._show(None)

    def _show(self, message: str | None) -> None:
        note = self.query_one(".field-error", Static)
        reading = None if message or self.reading is None else self.reading(self.input.value)
        note.update(message or reading or "")
        note.set_class(reading is not None and not message, "-reading")
        self.input.set_class(bool(message), "-invalid")

    @on(Input.Changed)
    def _recheck(self, event: Input.Changed) -> None:
        result = event.validation_result
        problem = result.failure_descriptions[0] if result and not result.is_valid else None
        completion = self.completion(event.value) if problem else None
        if completion:
            # Half-typed, on the way to a choice: no error yet, the choice tab takes.
            self._show(None)
            self._note(f"tab → {completion}")
            return
        self._show(problem)

    def completion(self, text: str) -> str | None:
        """The suggestion `text` is the start of (the one tab takes), if any."""
        typed = text.casefold()
        if not typed:
            return None
        return next((item for item in self.suggestions if item.casefold().startswith(typed)), None)

    def _note(self, reading: str) -> None:
        note = self.query_one(".field-error", Static)
        note.update(reading)
        note.set_class(True, "-reading")


def control_problem(text: str) -> str | None:
    """Text pasted with control characters in it (a terminal escape copied along) is
    refused here, before it could be stored and shown to a terminal later."""
    found = control_characters(text, lines=True)
    return f"remove the control character(s) {' '.join(found)}" if found else None
