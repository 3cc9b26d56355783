"""The `u` key: every screen that has it takes back the newest step of the session's one
undo log (`pegboard.services.undo`), whichever screen made it, and says what it undid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pegboard.errors import DomainError

if TYPE_CHECKING:
    from pegboard.services.undo import Step, UndoLog


class UndoesSteps:
    """For a screen with an `undo` binding; it sets `undo_log` and may refine `after_undo`."""

    undo_log: UndoLog

    def action_undo(self) -> None:
        try:
            step = self.undo_log.undo()
        except DomainError as error:
            # Refused (changed since) or not written (a full disk): say so, show what is.
            self.notify(str(error), severity="warning", timeout=8)
            self.after_undo(None)
            return
        if step is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self.notify(f"Undone: {step.notice}", timeout=3)
        self.after_undo(step)

    def after_undo(self, step: Step | None) -> None:
        """Show the book as it is now; `step` is what was undone (None: nothing was)."""
        self.reload_data()
