"""The quick log's home in the app: `r` from any screen, one form made once and shown
again and again, so that the phone-call path opens at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.actions import SkipAction
from textual.screen import ModalScreen

from pegboard.ui.messages import AboutPartner, LeadAdded

if TYPE_CHECKING:
    from pegboard.services.partner_match import PartnerMatch
    from pegboard.services.partners import LoggedReferral, ReferralDraft


class QuickLogHost:
    """For the App: the quick log and its `r` action (`_quick_log` starts as None)."""

    _quick_log = None

    @property
    def quick_log(self):
        """One quick log, shown again and again: the phone-call path must open at once.
        Made once, just after the first screen has painted (see on_mount)."""
        if self._quick_log is None:
            from pegboard.ui.modals.quick_log import QuickLog

            self._quick_log = QuickLog([])
            self.install_screen(self._quick_log, "quick-log")
        return self._quick_log

    def action_quick_log(self) -> None:
        """The quick log, from the partner the screen is about if it is about one."""
        if isinstance(self.screen, ModalScreen):
            # Over a dialog r is the dialog's key (the binding is a priority one). Not
            # check_action: that would also take r out of the footer of the screen under
            # the dialog, which would then be rebuilt as each dialog opens and closes.
            raise SkipAction()
        screen = self.screen
        about = isinstance(screen, AboutPartner)
        partner = screen.quick_log_partner() if about else None
        self.open_quick_log(partner=partner, guessed=about and screen.partner_is_a_guess)

    def open_quick_log(
        self,
        direction: str = "received",
        partner: PartnerMatch | None = None,
        guessed: bool = False,
    ) -> None:
        """The phone-call path: a small form, saved in one transaction. A `guessed`
        partner (a table's highlighted row) is offered, selected, in the partner field."""

        def saved(draft: ReferralDraft | None) -> None:
            if draft is None:
                return
            logged = self.quick_log.saved
            name = partner.name if partner and logged.partner_id == partner.id else None
            name = (
                name
                or draft.new_partner
                or next((p.name for p in self.quick_log.partners if p.id == logged.partner_id), "")
            )
            if logged.lead_id is not None:
                message = f"{draft.person} (from {name}) is on the board, call due today"
            else:
                message = f"Logged {draft.person} sent to {name}"
            if logged.partner_created:
                message += f" · new partner {name}"
            self.notify(message, timeout=4)
            self.reload_after_closing()

        # After the first time, the form shows at once with the partners it knew, and the
        # list is read afresh in a worker (2,000 partners take longer than a frame). A
        # name typed meanwhile is ranked again when it arrives; a partner missing from
        # the old list for those milliseconds is found by name when saving.
        known = self.quick_log.partners
        self.quick_log.phone_region = self.settings.phone_region
        self.quick_log.prepare(
            known or self.services.partners.all_partners(), partner, direction, guessed
        )
        # Saved before the form closes: a refusal (or a full disk) keeps what was typed.
        self.quick_log.saving(self._log_referral)
        self.push_screen(self.quick_log, saved)
        if known:
            self._refresh_quick_log_partners()

    def _log_referral(self, draft: ReferralDraft) -> LoggedReferral:
        """Log the call's referral; a board under the quick log shows its new lead at
        once, in the one column it went to, and so has nothing to reload as it shows
        again (a reload of every column is 30 ms at 100,000 leads)."""
        logged = self.services.partners.log_referral(draft)
        if logged.lead_id is not None and len(self.screen_stack) > 1:
            # Before the screen under the form resumes: its queue takes this first.
            self.screen_stack[-2].post_message(LeadAdded(self.settings.first_stage.id))
        return logged

    @work(thread=True, exclusive=True, group="quick-log-partners")
    def _refresh_quick_log_partners(self) -> None:
        partners = self.services.partners.all_partners_in_thread()
        self.call_from_thread(self.quick_log.update_partners, partners)
