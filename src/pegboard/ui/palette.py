"""Command palette: jump to any lead, partner or customer by typing part of a name."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider

from pegboard.services.search import RecordHit, search_records_in_thread


class RecordsProvider(Provider):
    """Searches the database off the UI thread, so each keystroke stays instant."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        hits: list[RecordHit] = await asyncio.to_thread(search_records_in_thread, query)
        for hit in hits:
            score = matcher.match(hit.label) or 0.05
            yield Hit(
                score,
                matcher.highlight(hit.label),
                partial(self.app.open_record, hit.kind, hit.id),
                help=hit.detail,
            )
