"""Command palette: jump to any lead, partner or customer by typing part of a name."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.markup import escape

from pegboard.text import shown
from pegboard.ui.messages import OpenRecord


class RecordsProvider(Provider):
    """Searches the database off the UI thread, so each keystroke stays instant."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        # Imported here: the palette's search is not needed to start the app.
        from pegboard.services.search import search_records_in_thread

        hits = await asyncio.to_thread(search_records_in_thread, query)
        for hit in hits:
            score = matcher.match(hit.label) or 0.05
            # Escaped: the highlight and the help are read as markup, names are as typed.
            yield Hit(
                score,
                matcher.highlight(escape(shown(hit.label))),
                partial(self._open, hit.kind, hit.id),
                help=escape(shown(hit.detail)),
            )

    def _open(self, kind: str, record_id: int) -> None:
        """The hit chosen: its record opened by the app (the message is made only now,
        not for every hit of every keystroke)."""
        self.app.post_message(OpenRecord(kind, record_id))
