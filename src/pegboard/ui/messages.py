"""The messages screens and the app send each other: data goes down as attributes and
calls, news of what happened goes up (or across, to the screen under a dialog) as these."""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.message import Message


class DataWritten(Message):
    """The book was written (in this window, another one, or a script): a screen that
    shows data from it shows it afresh."""

    def __init__(self, *, shown_again: bool = False) -> None:
        super().__init__()
        self.shown_again = shown_again
        """The screen was just shown again, as a dialog over it closed: one that reads its
        data as it resumes has read it already."""


class LeadAdded(Message):
    """One new lead went into a stage from a dialog over the screen (the quick log): the
    board redraws that column alone; other screens read their data as they show again."""

    def __init__(self, stage_id: str) -> None:
        super().__init__()
        self.stage_id = stage_id


class OpenRecord(Message):
    """Open a lead, partner or customer where it lives (from Today, the palette)."""

    def __init__(self, kind: str, record_id: int, referral_id: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        """'lead', 'partner' or 'customer'."""
        self.record_id = record_id
        self.referral_id = referral_id
        """For a partner: the referral the cursor starts on (Today's "how did X go?")."""


class ShowsData:
    """For a screen whose data is read from the book: `DataWritten` reloads it.

    A screen sets `reads_as_it_resumes` when it reads its data each time it shows (the
    mode screens, a partner's page): a dialog that wrote and closed needs nothing more."""

    reads_as_it_resumes = False

    def reload_data(self) -> None:
        raise NotImplementedError

    def on_data_written(self, message: DataWritten) -> None:
        message.stop()
        if message.shown_again and self.reads_as_it_resumes:
            return
        # A screen still mounting reads its data as it first shows anyway.
        if self.is_mounted:
            # NoMatches: the screen's widgets are being taken down, the app is closing.
            with contextlib.suppress(NoMatches):
                self.reload_data()


class AboutPartner:
    """For a screen about one partner (or with one under its cursor): a referral logged
    from it with the app's `r` is from that partner."""

    partner_is_a_guess = False
    """True where the partner is only the one under a cursor (a table's row), not the
    page's own: the quick log then starts in its partner field with the name selected,
    so what is typed right after r replaces it instead of landing in Person."""

    def quick_log_partner(self):
        """The partner (a PartnerMatch), or None when there is none here."""
        raise NotImplementedError
