"""Two of Today's sections that keep a relationship warm before it cools: partners due
a one-to-one (services.meetings), and customers whose earned discount is about to lapse
(services.discount_expiry)."""

from __future__ import annotations

from pegboard.clock import Clock, to_local
from pegboard.config import Settings
from pegboard.services.today_rows import TriageRow, TriageSection
from pegboard.text import counted


class KeepingInTouch:
    """Mixed into TriageSections, which gives `settings`, `clock` and `_snoozed_ids`."""

    settings: Settings
    clock: Clock

    def _partners_to_meet(self, limit: int) -> TriageSection:
        """Partners not met one to one for `partners.meet_every_days`, who send most first."""
        from pegboard.services.meetings import partners_to_meet

        if not self.settings.meet_every_days:  # off: no query at all
            return TriageSection("meet", "Partners to meet one to one", 0, [])
        snoozed = frozenset(self._snoozed_ids("meet"))
        due, count = partners_to_meet(self.settings, self.clock, limit, exclude=snoozed)
        today = self.clock.today()
        rows = [
            TriageRow(
                "meet",
                partner_id,
                name,
                f"{_met_when(last_met, today)} · sent you {counted(sent, 'referral')}",
                partner_id=partner_id,
            )
            for partner_id, name, last_met, sent in due
        ]
        return TriageSection("meet", "Partners to meet one to one", count, rows)

    def _discounts_ending(self, limit: int) -> TriageSection:
        """Customers whose earned discount lapses with its window within 30 days."""
        from pegboard.services.discount_expiry import discounts_ending_soon

        if not any(rule.window_months for rule in self.settings.loyalty_rules):
            return TriageSection("discount_ending", "Discounts about to lapse", 0, [])
        snoozed = frozenset(self._snoozed_ids("discount_ending"))
        ending = discounts_ending_soon(self.settings, self.clock.today(), snoozed)
        rows = [
            TriageRow(
                "discount_ending",
                cid,
                name,
                f"{rule} ends {end:%b %d} · invite them back",
                contact_id=cid,
            )
            for cid, name, rule, end in ending[:limit]
        ]
        return TriageSection("discount_ending", "Discounts about to lapse", len(ending), rows)


def _met_when(last_met, today) -> str:
    """`never met one to one`, `last met 94 days ago`."""
    if last_met is None:
        return "never met one to one"
    days = (today - to_local(last_met).date()).days
    return f"last met {counted(days, 'day')} ago"
