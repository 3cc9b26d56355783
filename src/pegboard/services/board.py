"""What the board shows: per-column counts and sums, and one window of cards at a time.

The board never loads a whole column: counts and sums come from one GROUP BY,
and cards from LIMIT/OFFSET on the (stage, archived_at, position) index, so it
costs the same with a hundred leads or a hundred thousand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from peewee import Expression, OperationalError, fn

from pegboard.config import Settings, Stage
from pegboard.services.lead_records import join_contact_and_partner
from pegboard.store import lead_text
from pegboard.store.models import Contact, Lead, LeadText, Partner, db
from pegboard.text import folded

FILTER_KEYS = ("source", "partner")
TRIGRAM = 3
"""Letters a filter needs before SQLite's trigram index can look them up."""


@dataclass(frozen=True)
class BoardFilter:
    """What `/` narrows the board to: free text, plus `source:` and `partner:` terms."""

    text: str = ""
    source: str = ""
    partner: str = ""

    @classmethod
    def parse(cls, query: str) -> BoardFilter:
        """'ann source:referral partner:"dana k"' -> text, source and partner parts."""
        import shlex

        try:
            words = shlex.split(query)
        except ValueError:
            words = query.split()
        parts: dict[str, list[str]] = {"text": [], "source": [], "partner": []}
        for word in words:
            key, sep, value = word.partition(":")
            if sep and key.lower() in FILTER_KEYS and value:
                parts[key.lower()].append(value)
            else:
                parts["text"].append(word)
        return cls(*(" ".join(parts[name]) for name in ("text", "source", "partner")))

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.source or self.partner)

    def describe(self) -> str:
        bits = []
        if self.text:
            bits.append(f'"{self.text}"')
        if self.source:
            bits.append(f"source {self.source}")
        if self.partner:
            bits.append(f"partner {self.partner}")
        return ", ".join(bits)

    def apply(self, query, *, counting: bool = False):
        """Narrow a Lead query that already joins Contact (`counting`: see
        `lead_text_matches`)."""
        if self.text:
            query = query.where(lead_text_matches(self.text, counting=counting))
        if self.source:
            query = query.where(Lead.source.startswith(self.source.lower()))
        if self.partner:
            partner_contact = Contact.alias("filter_partner")
            matching = (
                Partner.select(Partner.id)
                .join(partner_contact, on=Partner.contact == partner_contact.id)
                .where(partner_contact.name.contains(self.partner))
            )
            query = query.where(Lead.referred_by.in_(matching))
        return query


NO_FILTER = BoardFilter()


def lead_text_matches(term: str, *, counting: bool = False):
    """Leads whose contact's name, company or email, or whose title, holds `term` (any
    case), for a query that joins Contact. On SQLite, three letters or more are looked up
    in the lead_text trigram index: a few hundred matches instead of reading every lead.

    A letter or two the index cannot look up, and they match most leads. A query that
    walks leads in order and stops at the first few (a page of cards, the palette's
    hits) checks the four fields of each lead it walks. A query that reads every lead
    (`counting`: the columns' counts) reads them off lead_text instead, once, with one
    LIKE over one column and no join: at 100,000 leads the counts took 90 ms for "an",
    against 430 ms over the four fields. (A term this short has no space in it, so it
    cannot match across two fields of the text.)

    Names, companies and titles are compared folded (text.folded) on both sides:
    `jose` finds José and `strasse` Straße, on SQLite as on PostgreSQL."""
    term = folded(term)
    if lead_text.available():
        if len(term) >= TRIGRAM:
            phrase = '"' + term.replace('"', '""') + '"'
            found = LeadText.select(LeadText.rowid).where(
                Expression(LeadText.body, "MATCH", phrase)
            )
            return Lead.id.in_(found)
        if counting:
            return Lead.id.in_(LeadText.select(LeadText.rowid).where(LeadText.body.contains(term)))
    return (
        Contact.name_key.contains(term)
        | Contact.company_key.contains(term)
        | Lead.title_key.contains(term)
        | Contact.email.contains(term)
        | Contact.also_reach.contains(term)
    )


@dataclass(frozen=True)
class Card:
    """One lead as a card shows it."""

    id: int
    title: str
    name: str
    company: str
    value_cents: int
    source: str
    partner: str | None
    stage_entered_at: datetime
    due_date: date | None
    next_action: str
    is_referral: bool
    last_touch_at: datetime | None = None
    lost_reason: str = ""

    def is_stale(self, now: datetime, stale_after_days: int | None) -> bool:
        """No touch for longer than the stage allows (Pipedrive calls these rotting)."""
        if stale_after_days is None or self.last_touch_at is None:
            return False
        return (now - self.last_touch_at).days >= stale_after_days

    def days_in_stage(self, now: datetime) -> int:
        return max(0, (now - self.stage_entered_at).days)

    def is_overdue(self, today: date) -> bool:
        return self.due_date is not None and self.due_date < today

    def is_due_today(self, today: date) -> bool:
        return self.due_date == today


@dataclass(frozen=True)
class ColumnSummary:
    stage: Stage
    count: int
    total_cents: int


def _live_leads(select_from, board_filter: BoardFilter, *, counting: bool = False):
    query = select_from.join(Contact, on=Lead.contact == Contact.id).switch(Lead)
    query = query.where(Lead.archived_at.is_null())
    return board_filter.apply(query, counting=counting) if not board_filter.is_empty else query


def column_summaries(
    settings: Settings, board_filter: BoardFilter = NO_FILTER, stage_ids: set[str] | None = None
) -> list[ColumnSummary]:
    """Count and total value per stage (of every stage, or of `stage_ids`), in one query."""
    if board_filter.is_empty:
        query = Lead.select(Lead.stage, fn.COUNT(Lead.id), fn.SUM(Lead.value_cents)).where(
            Lead.archived_at.is_null()
        )
    else:
        query = _live_leads(
            Lead.select(Lead.stage, fn.COUNT(Lead.id), fn.SUM(Lead.value_cents)),
            board_filter,
            counting=True,
        )
    stages = settings.stages
    if stage_ids is not None:
        stages = [stage for stage in stages if stage.id in stage_ids]
        query = query.where(Lead.stage.in_([stage.id for stage in stages]))
    totals = {
        stage: (count, total or 0) for stage, count, total in query.group_by(Lead.stage).tuples()
    }
    return [ColumnSummary(stage, *totals.get(stage.id, (0, 0))) for stage in stages]


def column_cards(
    stage_id: str,
    offset: int,
    limit: int,
    referral_source: str,
    board_filter: BoardFilter = NO_FILTER,
) -> list[Card]:
    """The cards of one column from `offset`, top first, at most `limit`."""
    query = _card_query(_column_page(stage_id, offset, limit, board_filter))
    stage_entered = Lead.stage_entered_at
    due = Lead.due_date
    cards = []
    for row in query.tuples():
        (lead_id, title, name, company, value, source, partner, entered, due_on, action) = row[:10]
        touched, lost_reason = row[10:]
        cards.append(
            Card(
                id=lead_id,
                title=title,
                name=name,
                company=company,
                value_cents=value,
                source=source,
                partner=partner,
                stage_entered_at=stage_entered.python_value(entered),
                due_date=due.python_value(due_on),
                next_action=action,
                is_referral=source == referral_source or partner is not None,
                last_touch_at=stage_entered.python_value(touched),
                lost_reason=lost_reason,
            )
        )
    return cards


def _column_page(stage_id: str, offset: int, limit: int, board_filter: BoardFilter):
    """The ids of one page of a column. Paged on the board index first, then only the
    rows shown are joined: an OFFSET deep into a long column then skips index entries,
    not joined rows."""
    if board_filter.is_empty:
        page = Lead.select(Lead.id).where(Lead.archived_at.is_null())
    else:
        page = _live_leads(Lead.select(Lead.id), board_filter)
    return (
        page.where(Lead.stage == stage_id)
        .order_by(Lead.position, Lead.id)
        .limit(limit)
        .offset(offset)
    )


def _card_query(page):
    """What a card shows, for the leads of `page`, in column order."""
    partner_contact = Contact.alias("partner_contact")
    return (
        join_contact_and_partner(
            Lead.select(
                Lead.id,
                Lead.title,
                Contact.name,
                Contact.company,
                Lead.value_cents,
                Lead.source,
                partner_contact.name,
                Lead.stage_entered_at,
                Lead.due_date,
                Lead.next_action,
                Lead.last_touch_at,
                Lead.lost_reason,
            ),
            partner_contact,
        )
        .where(Lead.id.in_(page))
        .order_by(Lead.position, Lead.id)
    )


def rank_of(lead_id: int, board_filter: BoardFilter = NO_FILTER) -> tuple[str, int] | None:
    """(stage, index within its column as shown), or None if the lead is not on the board."""
    lead = Lead.get_or_none(Lead.id == lead_id)
    if lead is None or lead.archived_at is not None:
        return None
    if not board_filter.is_empty:
        shown = _live_leads(Lead.select(Lead.id), board_filter).where(Lead.id == lead_id)
        if not shown.exists():
            return None
    before = (Lead.position < lead.position) | (
        (Lead.position == lead.position) & (Lead.id < lead.id)
    )
    index = (
        _live_leads(Lead.select(fn.COUNT(Lead.id)), board_filter, counting=True)
        .where((Lead.stage == lead.stage) & before)
        .scalar()
    )
    return lead.stage, index or 0


@dataclass(frozen=True)
class BoardPage:
    """Counts for every column and the first cards of each: what a (re)filtered board shows."""

    summaries: list[ColumnSummary]
    cards: dict[str, list[Card]]


def _first_page(settings: Settings, board_filter: BoardFilter, limit: int) -> BoardPage:
    summaries = column_summaries(settings, board_filter)
    cards = {
        stage.id: column_cards(stage.id, 0, limit, settings.referral_source, board_filter)
        for stage in settings.stages
    }
    return BoardPage(summaries, cards)


class PageReads:
    """The filtered board's first pages, read in worker threads one after another as the
    owner types: a read that starts stops the one still running.

    A worker cancelled by a newer keystroke cannot stop the SQL it is in, and a filter
    of a letter or two reads every lead (about half a second at 100,000 leads), so the
    page for the last letter waited behind the ones for the letters before. On SQLite
    each read's connection has a progress handler that ends its query once the read is
    stopped (whenever the stop comes: sqlite3's `interrupt` misses a query not yet
    started); elsewhere an older read runs out as before.
    """

    PROGRESS_STEPS = 1000
    """SQLite virtual-machine steps between two looks at the stop flag (microseconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: threading.Event | None = None
        """The stop flag of the read under way."""

    def first_page(
        self, settings: Settings, board_filter: BoardFilter, limit: int
    ) -> BoardPage | None:
        """The board's first page on a connection of its own, closed after (for worker
        threads: the UI keeps taking keys meanwhile); None when a newer read stopped
        this one."""
        stopped = threading.Event()
        with self._lock:
            if self._running is not None:
                self._running.set()
            self._running = stopped
        with db.connection_context():
            connection = db.connection()
            watch = getattr(connection, "set_progress_handler", None)
            if watch is not None:
                watch(stopped.is_set, self.PROGRESS_STEPS)
            try:
                return _first_page(settings, board_filter, limit)
            except OperationalError:
                if stopped.is_set():
                    return None
                raise
            finally:
                if watch is not None:
                    watch(None, 0)
                with self._lock:
                    if self._running is stopped:
                        self._running = None
