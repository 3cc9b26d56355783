"""Command palette: jump to any lead, partner or customer by typing part of a name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape


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
                matcher.highlight(escape(hit.label)),
                partial(self.app.open_record, hit.kind, hit.id),
                help=escape(hit.detail),
            )


class PromptPalette(CommandPalette):
    """Textual's command palette, done with a keystroke as soon as its providers are.

    Textual's palette waits for hits in slices of 0.1 s and looks whether its providers
    have finished only between slices, so every keystroke's list settled up to 0.1 s
    after the last hit came in (about 100 ms a keystroke, whatever the providers took).
    This waits for the next hit or for the providers to finish, whichever comes first;
    the rest is Textual's own `_search_for`.
    """

    async def _search_for(self, search_value: str) -> AsyncGenerator[DiscoveryHit | Hit, bool]:
        commands: asyncio.Queue[DiscoveryHit | Hit] = asyncio.Queue()
        searches = [
            asyncio.create_task(self._consume(provider._search(search_value), commands))
            for provider in self._providers
        ]
        self._start_busy_countdown()
        aborted = False
        next_hit: asyncio.Task | None = None
        try:
            while not aborted:
                running = [search for search in searches if not search.done()]
                if not running and commands.empty():
                    break
                if next_hit is None:
                    next_hit = asyncio.create_task(commands.get())
                done, _ = await asyncio.wait(
                    [next_hit, *running], return_when=asyncio.FIRST_COMPLETED
                )
                if next_hit in done:
                    hit, next_hit = next_hit.result(), None
                    commands.task_done()
                    aborted = yield hit
        except asyncio.CancelledError:
            aborted = True
        finally:
            if next_hit is not None:
                next_hit.cancel()
        for search in searches:
            if search.done() and not search.cancelled() and search.exception() is not None:
                self.log.error(search.exception())
        if not aborted:
            self._stop_busy_countdown()
        if aborted:
            for search in searches:
                search.cancel()
