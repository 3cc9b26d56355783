"""The partners table's reads, as PartnerService offers them: a page of rows with
their tallies, network and last one-to-one; the partners I owe."""

from __future__ import annotations

from pegboard.config import Settings
from pegboard.services.partner_views import (
    PartnerRow,
    by_network,
    partner_query,
    partner_rows,
    with_figures,
)
from pegboard.store.models import Partner
from pegboard.store.paging import rows_and_count


class PartnerReads:
    """Mixed into PartnerService, which gives `settings`."""

    settings: Settings

    def partner_rows(
        self, sort: str = "balance", descending: bool = True, text: str = ""
    ) -> list[PartnerRow]:
        """The partners table in one aggregate query, sorted and filtered in SQL."""
        query, _ = partner_query(self.settings, sort, descending, text)
        rows = with_figures(partner_rows(self.settings, query.tuples()))
        return by_network(rows, descending) if sort == "network" else rows

    def partner_page(
        self, sort: str, descending: bool, text: str, offset: int, limit: int
    ) -> tuple[list[PartnerRow], int]:
        """`limit` rows of the partners table from `offset`, and how many there are: the
        table reads a page at a time (2,000 partners took most of a second to draw)."""
        if sort == "network":  # worked out for every partner, then paged
            rows = self.partner_rows(sort, descending, text)
            return rows[offset : offset + limit], len(rows)
        query, _ = partner_query(self.settings, sort, descending, text)
        rows, total = rows_and_count(query, limit, offset)
        return with_figures(partner_rows(self.settings, rows)), total

    def first_owed_partners(
        self, limit: int, exclude: frozenset[int] = frozenset()
    ) -> tuple[list[PartnerRow], int]:
        """The first `limit` partners I owe (by balance), and how many I owe, from the
        partners' sums kept on write, of which only those rows are read into Python."""
        query, owed = partner_query(self.settings, "balance", True, "")
        query = query.where(owed)
        if exclude:
            query = query.where(Partner.id.not_in(list(exclude)))
        rows, total = rows_and_count(query, limit)
        return partner_rows(self.settings, rows), total
