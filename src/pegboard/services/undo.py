"""The undo log: the session's last changes, newest on top, each one able to take itself back.

One log is shared by every service (`pegboard.wiring.Services` makes it), so `u` takes
back the last change made in this window, whichever screen made it. Each step is made
by the service that owns the tables it changes (a lead's move by leads, a thank-you by
partners), and a change that spans services (Today's "done") is one step made of theirs.

A step takes itself back only if what it changed is as it left it. Another window, a
script or a later change in this one may have changed the record since; putting the old
values back then would undo their work too, so the step refuses (`UndoConflict`) and
leaves the log. A step that fails to write (a full disk) stays on top, to try again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pegboard.errors import EditConflict
from pegboard.services.writes import write_transaction

UNDO_DEPTH = 50
"""How many steps the log keeps; the oldest goes when a new one would pass this."""


class UndoConflict(EditConflict):
    """A step's records changed since it was made, so it was not taken back."""


@dataclass(frozen=True)
class Step:
    """One change the user made, and how to take it back."""

    description: str
    """What was done, as the notice after undo says it: "move to Won", "archive"."""
    kind: str
    """What the step was about: 'lead', 'partner', 'referral', 'customer' or 'today'."""
    record_id: int
    subject: str
    """Whose record it was, for the notice ("Ann Lee")."""
    reverse: Callable[[], None]
    """Puts the old values back, after checking (with `expect_unchanged`) that the
    records are as the step left them. Runs inside a write transaction."""

    @property
    def notice(self) -> str:
        return f"{self.description} ({self.subject})" if self.subject else self.description


class UndoLog:
    """A capped stack of steps; see the module's docstring."""

    def __init__(self, depth: int = UNDO_DEPTH) -> None:
        self.depth = depth
        self._steps: list[Step] = []
        self._open_groups: list[list[Step]] = []

    def __len__(self) -> int:
        return len(self._steps)

    def push(self, step: Step) -> None:
        """Add a step once its change is written (inside a group: once the group ends)."""
        if self._open_groups:
            self._open_groups[-1].append(step)
            return
        self._steps.append(step)
        del self._steps[: -self.depth]

    def undo(self) -> Step | None:
        """Take back the newest step: the step, or None when the log is empty.

        Raises UndoConflict (and drops the step) when its records changed since, and
        StorageError (keeping the step) when the book cannot be written now."""
        if not self._steps:
            return None
        step = self._steps[-1]
        try:
            with write_transaction():
                step.reverse()
        except UndoConflict as conflict:
            self._steps.pop()
            raise UndoConflict(f"Not undone: {step.notice}. {conflict}") from conflict
        self._steps.pop()
        return step

    @contextmanager
    def group(
        self, description: str, kind: str, record_id: int, subject: str
    ) -> Iterator[StepGroup]:
        """The steps pushed inside become one step, taken back newest first; none is
        kept if the block fails. The block may set the group's description once it
        knows what it did. Enter it outside the write transaction, so the step counts
        only once the transaction is committed."""
        group = StepGroup(description)
        self._open_groups.append(group.steps)
        try:
            yield group
        finally:
            self._open_groups.pop()
        if group.steps:
            self.push(Step(group.description, kind, record_id, subject, _in_reverse(group.steps)))


@dataclass
class StepGroup:
    """The steps of one change that spans services, gathered by `UndoLog.group`."""

    description: str
    steps: list[Step] = field(default_factory=list)


def _in_reverse(steps: list[Step]) -> Callable[[], None]:
    def reverse() -> None:
        for step in reversed(steps):
            step.reverse()

    return reverse


def expect_unchanged(model: Any, record_id: int, fields: Mapping[str, Any]) -> None:
    """Raise UndoConflict unless the row `record_id` of `model` still holds `fields`."""
    columns = [getattr(model, name) for name in fields]
    row = model.select(*columns).where(model.id == record_id).dicts().first()
    if row is None:
        raise UndoConflict("It is no longer in the book.")
    changed = [name for name, value in fields.items() if row[name] != value]
    if changed:
        raise UndoConflict(
            f"It was changed since ({', '.join(changed).replace('_', ' ')}), "
            "here or in another window."
        )
