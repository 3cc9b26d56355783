"""What the board asks of the database: summaries, windows of cards, filters, ranks."""

from dataclasses import replace
from datetime import date

import pytest
from playhouse.test_utils import assert_query_count

from pegboard.services.board import BoardFilter, column_cards, column_summaries, rank_of
from pegboard.services.leads import LeadDraft
from pegboard.store.models import Contact, Partner
from tests.conftest import FIXED_NOW


def make_partner(name):
    contact = Contact.create(name=name, created_at=FIXED_NOW, updated_at=FIXED_NOW)
    return Partner.create(contact=contact, created_at=FIXED_NOW, updated_at=FIXED_NOW)


def test_summaries_count_and_sum_per_stage_in_one_query(make_lead, leads, settings):
    make_lead("A", value_cents=1000)
    make_lead("B", value_cents=2500)
    archived = make_lead("C", value_cents=99999)
    leads.archive(archived)
    make_lead("D", stage="won", value_cents=700)
    with assert_query_count(1):
        summaries = {s.stage.id: (s.count, s.total_cents) for s in column_summaries(settings)}
    assert summaries["new"] == (2, 3500)
    assert summaries["won"] == (1, 700)
    assert summaries["lost"] == (0, 0)
    assert list(summaries) == list(settings.stage_ids)


def test_cards_come_in_windows_top_first(make_lead):
    ids = [make_lead(f"Lead {n}") for n in range(10)]
    newest_first = list(reversed(ids))
    with assert_query_count(1):
        window = column_cards("new", 3, 4, "referral")
    assert [card.id for card in window] == newest_first[3:7]
    assert column_cards("contacted", 0, 5, "referral") == []


def test_card_shows_partner_referral_and_follow_up(make_lead, leads):
    partner = make_partner("Dana Accountant")
    lead_id = leads.create_lead(
        LeadDraft(name="Warm One", source="referral", due_date=date(2026, 11, 20)),
        referred_by=partner.id,
    )
    make_lead("Cold One", source="website", due_date=date(2026, 11, 23))
    cards = {card.name: card for card in column_cards("new", 0, 10, "referral")}
    warm, cold = cards["Warm One"], cards["Cold One"]
    assert warm.id == lead_id
    assert warm.is_referral and warm.partner == "Dana Accountant"
    assert not cold.is_referral and cold.partner is None
    today = date(2026, 11, 23)
    assert warm.is_overdue(today) and not cold.is_overdue(today)
    assert cold.is_due_today(today)
    assert warm.days_in_stage(FIXED_NOW) == 0


def test_filter_by_text_source_and_partner(make_lead, leads, settings):
    partner = make_partner("Dana Keller")
    make_lead("Ann Lee", company="Bakery Co", source="website")
    make_lead("Bob Stone", company="Garage", source="event")
    leads.create_lead(LeadDraft(name="Cara Referred", source="referral"), referred_by=partner.id)

    def names(query):
        board_filter = BoardFilter.parse(query)
        return sorted(card.name for card in column_cards("new", 0, 10, "referral", board_filter))

    assert names("ann") == ["Ann Lee"]
    assert names("bakery") == ["Ann Lee"]
    assert names("source:ev") == ["Bob Stone"]
    assert names("partner:keller") == ["Cara Referred"]
    assert names('partner:"dana k" cara') == ["Cara Referred"]
    assert names("nobody") == []
    counts = {s.stage.id: s.count for s in column_summaries(settings, BoardFilter.parse("stone"))}
    assert counts["new"] == 1


def test_filter_follows_edits_and_finds_every_field(make_lead, leads, settings):
    """On SQLite three letters or more are looked up in the lead_text trigram index (kept
    by triggers); fewer are scanned. Either way, and on PostgreSQL, the same leads."""
    ann = make_lead("Ann Lee", company="Bakery Co", email="ann@crumbs.example", title="Cakes")
    make_lead("Bob Stone", company="Garage", title="Brakes")

    def names(query):
        board_filter = BoardFilter.parse(query)
        return sorted(card.name for card in column_cards("new", 0, 10, "referral", board_filter))

    assert names("AKER") == ["Ann Lee"]  # company, any case
    assert names("crumbs") == ["Ann Lee"]  # email
    assert names("brake") == ["Bob Stone"]  # title
    assert names("ee") == ["Ann Lee"] and names("o") == ["Ann Lee", "Bob Stone"]
    assert names('say "hi"') == []
    draft = leads.draft_of(ann)
    leads.update_lead(ann, replace(draft, name="Anna Berg", company="Mill", title="Flour"))
    assert names("bakery") == [] and names("cakes") == []
    assert names("berg") == names("mill") == names("flour") == ["Anna Berg"]
    counts = {s.stage.id: s.count for s in column_summaries(settings, BoardFilter.parse("flour"))}
    assert counts["new"] == 1


@pytest.mark.sqlite_only  # lead_text is SQLite's
def test_a_letter_or_two_finds_through_lead_text_what_the_four_columns_find(
    database, settings, clock, monkeypatch
):
    """One or two letters are read off each lead's text in lead_text rather than off
    its four fields: the same leads, counted and listed, as reading the fields."""
    from pegboard.services.demo import write_demo
    from pegboard.store import lead_text

    write_demo(settings, clock, leads=300, seed=3)

    def board(term):
        board_filter = BoardFilter.parse(term)
        counts = [
            (s.stage.id, s.count, s.total_cents) for s in column_summaries(settings, board_filter)
        ]
        cards = {
            stage.id: [card.id for card in column_cards(stage.id, 0, 400, "referral", board_filter)]
            for stage in settings.stages
        }
        return counts, cards

    terms = ["a", "E", "an", "co", "@e", "x", "zq"]
    through_lead_text = {term: board(term) for term in terms}
    monkeypatch.setattr(lead_text, "available", lambda: False)
    for term in terms:
        assert through_lead_text[term] == board(term), term
    assert any(count for _, count, _ in through_lead_text["an"][0])


def test_filter_parsing_keeps_unknown_keys_as_text():
    parsed = BoardFilter.parse('ann source:referral partner:"dana k" url:x')
    assert parsed == BoardFilter(text="ann url:x", source="referral", partner="dana k")
    assert BoardFilter.parse("").is_empty
    assert parsed.describe() == '"ann url:x", source referral, partner dana k'


def test_rank_tells_where_a_lead_is_shown(make_lead, leads):
    first, second, third = make_lead("A"), make_lead("B"), make_lead("C")
    assert rank_of(third) == ("new", 0)
    assert rank_of(first) == ("new", 2)
    leads.move_lead(second, "contacted")
    assert rank_of(second) == ("contacted", 0)
    assert rank_of(first) == ("new", 1)
    assert rank_of(first, BoardFilter.parse("zzz")) is None
    leads.archive(first)
    assert rank_of(first) is None


def test_first_page_loads_in_another_thread_on_its_own_connection(make_lead, settings, database):
    import threading

    from pegboard.services.board import PageReads

    make_lead("Ann Lee")
    make_lead("Bob Stone", stage="won")
    pages = []
    reads = PageReads()
    worker = threading.Thread(
        target=lambda: pages.append(reads.first_page(settings, BoardFilter.parse("lee"), 5))
    )
    worker.start()
    worker.join()
    (page,) = pages
    assert {s.stage.id: s.count for s in page.summaries}["new"] == 1
    assert [card.name for card in page.cards["new"]] == ["Ann Lee"]
    assert page.cards["won"] == []
    # The main thread's connection is untouched and still usable.
    assert not database.is_closed()
    assert column_cards("won", 0, 5, "referral")[0].name == "Bob Stone"


def test_cards_know_when_a_lead_has_gone_stale(make_lead, leads):
    from datetime import timedelta

    lead_id = make_lead("Quiet One")
    (card,) = column_cards("new", 0, 5, "referral")
    assert not card.is_stale(FIXED_NOW, 3)
    assert card.is_stale(FIXED_NOW + timedelta(days=3), 3)
    assert not card.is_stale(FIXED_NOW + timedelta(days=30), None)
    leads.log_touch(lead_id, "call", at=FIXED_NOW + timedelta(days=2))
    (card,) = column_cards("new", 0, 5, "referral")
    assert not card.is_stale(FIXED_NOW + timedelta(days=3), 3)


@pytest.mark.sqlite_only
def test_an_sqlite_without_the_trigram_tokenizer_searches_as_before(
    tmp_path, monkeypatch, settings, clock
):
    """SQLite before 3.34 has no trigram tokenizer: the book opens, migrates and finds leads
    all the same, by reading them."""
    from pegboard.services.demo import write_demo
    from pegboard.services.leads import LeadService
    from pegboard.store import lead_text
    from pegboard.store.database import close_database, open_database

    monkeypatch.setattr(
        lead_text, "CREATE_TABLE", "CREATE VIRTUAL TABLE lead_text USING fts5(body, tokenize='no')"
    )
    open_database(str(tmp_path / "old-sqlite.db"))
    try:
        assert not lead_text.available()
        write_demo(settings, clock, leads=40, seed=2)
        LeadService(settings, clock).create_lead(LeadDraft(name="Zelda Quimby", company="Acme"))
        found = column_cards("new", 0, 10, "referral", BoardFilter.parse("quimb"))
        assert [card.name for card in found] == ["Zelda Quimby"]
    finally:
        close_database()


@pytest.mark.sqlite_only  # stopping a read in flight is SQLite's interrupt
def test_a_newer_filter_read_stops_the_one_still_running(
    make_lead, settings, database, monkeypatch
):
    """The read for an earlier keystroke is stopped mid-query by the next one's, instead
    of holding it up: here the first read's count would never end on its own."""
    import threading

    from pegboard.services import board as board_service

    make_lead("Ann Lee")
    reads = board_service.PageReads()
    started, results = threading.Event(), {}
    endless = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    )
    counts = board_service.column_summaries

    def counts_that_never_end_in_the_first_read(*args, **kwargs):
        if threading.current_thread().name == "first":
            started.set()
            board_service.db.execute_sql(endless).fetchone()
        return counts(*args, **kwargs)

    monkeypatch.setattr(board_service, "column_summaries", counts_that_never_end_in_the_first_read)

    def read(name: str, text: str) -> threading.Thread:
        def run() -> None:
            results[name] = reads.first_page(settings, BoardFilter.parse(text), 5)

        thread = threading.Thread(target=run, name=name)
        thread.start()
        return thread

    first = read("first", "an")
    assert started.wait(10)
    newer = read("newer", "ann")
    first.join(10)
    newer.join(10)
    assert not first.is_alive() and not newer.is_alive()
    assert results["first"] is None
    assert [card.name for card in results["newer"].cards["new"]] == ["Ann Lee"]
