"""The composition root: the one place pegboard's services are built.

The CLI, the app, the tests and the benchmarks all make a `Services` from settings and
a clock and take the services they need from it. Each service is made when first asked
for: Today's first paint needs none of them, and their modules take about 20 ms to
import, so a start pays only for what it uses.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from pegboard.clock import Clock
from pegboard.config import Settings

if TYPE_CHECKING:
    from pegboard.services.archive import ArchiveService
    from pegboard.services.insights import InsightsService
    from pegboard.services.leads import LeadService
    from pegboard.services.loyalty import LoyaltyService
    from pegboard.services.partners import PartnerService
    from pegboard.services.today import TodayService
    from pegboard.services.undo import UndoLog

SERVICE_NAMES = ("leads", "partners", "loyalty", "today", "insights")
"""The services a `Services` makes, in the order they depend on each other."""


class Services:
    """pegboard's services over the open database, sharing one settings and one clock."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()

    @cached_property
    def undo_log(self) -> UndoLog:
        """The session's one undo log: every service puts its steps on it, and `u` on
        any screen takes back the newest."""
        from pegboard.services.undo import UndoLog

        return UndoLog()

    @cached_property
    def leads(self) -> LeadService:
        from pegboard.services.leads import LeadService

        return LeadService(self.settings, self.clock, self.undo_log)

    @cached_property
    def partners(self) -> PartnerService:
        from pegboard.services.partners import PartnerService

        return PartnerService(self.settings, self.clock, self.leads, self.undo_log)

    @cached_property
    def loyalty(self) -> LoyaltyService:
        from pegboard.services.loyalty import LoyaltyService

        return LoyaltyService(self.settings, self.clock, self.undo_log)

    @cached_property
    def today(self) -> TodayService:
        from pegboard.services.today import TodayService

        return TodayService(
            self.settings, self.clock, self.leads, self.partners, self.loyalty, self.undo_log
        )

    @cached_property
    def archive(self) -> ArchiveService:
        """What was archived, seen and brought back (needs no settings)."""
        from pegboard.services.archive import ArchiveService

        return ArchiveService(self.clock, self.undo_log)

    @cached_property
    def insights(self) -> InsightsService:
        from pegboard.services.insights import InsightsService

        return InsightsService(self.settings, self.clock)

    def made(self) -> list[object]:
        """The services made so far (a service not yet asked for is not made here)."""
        return [self.__dict__[name] for name in SERVICE_NAMES if name in self.__dict__]

    def replace_settings(self, settings: Settings) -> None:
        """Use `settings` from now on, in every service made and every one made later.

        The services keep what they hold (the undo log, Insights' latest reports), which
        is why they are given the new settings rather than made again."""
        self.settings = settings
        for service in self.made():
            service.settings = settings
