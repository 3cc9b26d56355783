"""Insights figures against a small book whose answers are worked out by hand below.

Now is 2026-11-23 15:00 UTC. The book:

- A: referred by Pat, came in 2026-10-01; contacted after 2 days, qualified after 4
  more, won after 6 more (2026-10-13) for $3,000; two touches. Bought again on
  2026-11-13 for $1,000 list (10% off the 2nd purchase: $900).
- B: website, came in 2026-10-01; contacted after 1 day, lost after 10 more (10-12).
- C: website, came in 2026-11-20, still new (3 days so far).
- D: advertising, came in 2025-06-01; contacted after 10 days, qualified on
  2026-10-22 (498 days later), won on 2026-11-01 (10 days later) for $2,000.
- F: website, came in 2026-11-10, qualified after 2 days, still there (11 days so far).
- E: website, came in and was lost in November, then archived: it counts nowhere.
- I gave Pat one referral on 2026-11-05.

Periods: 30d starts 2026-10-24 15:00, 90d starts 2026-08-25 15:00.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pegboard.cli import main
from pegboard.clock import Clock
from pegboard.services.insight_figures import goal_window
from pegboard.services.insights import InsightsService
from pegboard.services.leads import LeadDraft, LeadService
from pegboard.services.loyalty import LoyaltyService
from pegboard.services.partners import PartnerDraft, PartnerService, ReferralDraft
from pegboard.services.report_text import comparison_sentences, render_text, write_csv
from pegboard.wiring import Services
from tests.conftest import FIXED_NOW, drawn_text


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 15, 0, tzinfo=UTC)


@pytest.fixture
def goal_settings(settings):
    return replace(settings, revenue_goal_cents=1_000_000, goal_period="year")


@pytest.fixture
def book(database, goal_settings, clock):
    leads = LeadService(goal_settings, clock)
    partners = PartnerService(goal_settings, clock, leads)
    loyalty = LoyaltyService(goal_settings, clock)
    pat = partners.create_partner(PartnerDraft("Pat"))

    a = partners.log_referral(
        ReferralDraft("received", "Ann", partner_id=pat), at=at(10, 1)
    ).lead_id
    leads.move_lead(a, "contacted", at=at(10, 3))
    leads.move_lead(a, "qualified", at=at(10, 7))
    leads.move_lead(a, "won", value_cents=300_000, at=at(10, 13))
    leads.log_touch(a, "call", at=at(10, 2))
    leads.log_touch(a, "email", at=at(10, 8))
    ann = leads.get(a).contact_id
    loyalty.record_purchase(ann, 100_000, "Top-up", on=date(2026, 11, 13))

    b = leads.create_lead(LeadDraft("Bo", source="website"), at=at(10, 1))
    leads.move_lead(b, "contacted", at=at(10, 2))
    leads.move_lead(b, "lost", lost_reason="Too dear", at=at(10, 12))

    leads.create_lead(LeadDraft("Cy", source="website"), at=at(11, 20))

    d = leads.create_lead(LeadDraft("Di", source="advertising"), at=at(6, 1, 2025))
    leads.move_lead(d, "contacted", at=at(6, 11, 2025))
    leads.move_lead(d, "qualified", at=at(10, 22))
    leads.move_lead(d, "won", value_cents=200_000, at=at(11, 1))

    f = leads.create_lead(LeadDraft("Fay", source="website"), at=at(11, 10))
    leads.move_lead(f, "qualified", at=at(11, 12))

    e = leads.create_lead(LeadDraft("Ed", source="website", value_cents=99_900), at=at(11, 1))
    leads.move_lead(e, "lost", lost_reason="Gone", at=at(11, 2))
    leads.archive(e)

    partners.log_referral(ReferralDraft("given", "Gil", partner_id=pat), at=at(11, 5))
    return InsightsService(goal_settings, clock)


def source(report, name):
    return next(row for row in report.by_source if row.source == name)


def test_by_source_counts_each_event_in_the_period_it_happened(book):
    report = book.report("90d")
    referral = source(report, "referral")
    assert (referral.leads, referral.qualified, referral.won, referral.lost) == (1, 1, 1, 0)
    assert referral.win_rate == 1.0
    assert referral.revenue_cents == referral.avg_deal_cents == 300_000
    assert referral.avg_days_to_win == 12.0
    assert referral.touches_per_won == 2.0
    website = source(report, "website")
    assert (website.leads, website.qualified, website.won, website.lost) == (3, 1, 0, 1)
    assert website.win_rate == 0.0 and website.avg_deal_cents is None
    # D came in long before the period but qualified and won inside it.
    advertising = source(report, "advertising")
    assert (advertising.leads, advertising.qualified, advertising.won) == (0, 1, 1)
    assert advertising.avg_days_to_win == (date(2026, 11, 1) - date(2025, 6, 1)).days == 518
    event = source(report, "event")
    assert (event.leads, event.won, event.win_rate, event.revenue_cents) == (0, 0, None, 0)
    # The configured sources come first, in their order.
    assert [row.source for row in report.by_source] == list(book.settings.sources)


def test_a_shorter_period_cuts_through_the_history(book):
    report = book.report("30d")
    referral = source(report, "referral")
    assert (referral.leads, referral.qualified, referral.won) == (0, 0, 0)
    website = source(report, "website")
    assert (website.leads, website.qualified, website.lost) == (2, 1, 0)
    advertising = source(report, "advertising")
    # D qualified on 10-22, before this period, and won on 11-01, inside it.
    assert (advertising.qualified, advertising.won, advertising.revenue_cents) == (0, 1, 200_000)


def test_referral_versus_other_with_sample_sizes(book):
    comparison = book.report("90d").referral_vs_other
    ref, other = comparison.referral, comparison.other
    assert (ref.closed, ref.won, ref.win_rate) == (1, 1, 1.0)
    assert (other.closed, other.won, other.win_rate) == (2, 1, 0.5)  # B lost, D won
    assert (ref.avg_deal_cents, other.avg_deal_cents) == (300_000, 200_000)
    # Ann bought twice: $3,000 and $900 over 31 days; Di once.
    assert (ref.customers, ref.ltv_cents, ref.repeat_customers, ref.retention) == (
        1,
        390_000,
        1,
        1.0,
    )
    assert ref.avg_months_active == round(31 / (365.25 / 12), 1) == 1.0
    assert (other.customers, other.ltv_cents, other.retention, other.avg_months_active) == (
        1,
        200_000,
        0.0,
        0.0,
    )
    # One case a side is far too few to compare.
    assert set(comparison.ratios.values()) == {None}
    assert comparison_sentences(comparison)[0] == (
        "Win rate: not enough data (n=1 vs n=2; 10 on each side needed)."
    )


def test_ratios_once_both_sides_have_enough_cases(database, settings, clock):
    leads = LeadService(settings, clock)
    for index in range(20):
        referred = leads.create_lead(LeadDraft(f"R{index}", source="referral"), at=at(10, 1))
        leads.move_lead(
            referred,
            "won" if index < 12 else "lost",
            value_cents=100_000,
            lost_reason="x",
            at=at(10, 5),
        )
        other = leads.create_lead(LeadDraft(f"O{index}", source="website"), at=at(10, 1))
        leads.move_lead(
            other,
            "won" if index < 4 else "lost",
            value_cents=100_000,
            lost_reason="x",
            at=at(10, 5),
        )
    comparison = InsightsService(settings, clock).report("90d").referral_vs_other
    assert comparison.referral.win_rate == 0.6 and comparison.other.win_rate == 0.2
    assert comparison.ratios["win_rate"] == 3.0
    # 12 won against 4: the other side is below 10 for average deal and lifetime value.
    assert comparison.ratios["avg_deal"] is None
    assert comparison_sentences(comparison)[0] == "Referred leads win 3.0x as often (n=20 vs n=20)."


def test_funnel_reach_conversion_and_time_in_stage(book):
    report = book.report("90d")
    funnel = {stage.stage: stage for stage in report.funnel}
    # Leads that came in during the period: A (won), B (contacted, then lost), C (new),
    # F (qualified, skipping contacted). Reaching a stage counts every later stage too.
    assert [stage.reached for stage in report.funnel] == [4, 3, 2, 1, 1]
    assert [stage.converted_to_next for stage in report.funnel] == [0.75, 0.6667, 0.5, 1.0, None]
    # Time in stage: the stays that ended in the period, and those still going.
    # New: A 2 days, B 1, F 2, C 3 so far (D's ended in 2025) -> 1, 2, 2, 3:
    # median 2, 90th percentile 3.
    assert (funnel["new"].stays, funnel["new"].median_days, funnel["new"].p90_days) == (4, 2.0, 3.0)
    # Contacted: A 4, B 10, D 498 (it ended on 10-22, inside the period).
    assert (funnel["contacted"].median_days, funnel["contacted"].p90_days) == (10.0, 498.0)
    # Qualified: A 6, D 10, F 11 so far.
    assert (funnel["qualified"].median_days, funnel["qualified"].p90_days) == (10.0, 11.0)
    assert (funnel["proposal"].stays, funnel["proposal"].median_days) == (0, None)
    # A tie on the median goes to the longer 90th percentile.
    assert report.bottleneck_stage == "contacted"
    # In the last 30 days: D's qualified stay ended (10), F's new one (2); C and F go on.
    short = {stage.stage: stage for stage in book.report("30d").funnel}
    assert (short["new"].median_days, short["new"].p90_days) == (2.0, 3.0)
    assert (short["qualified"].median_days, short["qualified"].p90_days) == (10.0, 11.0)
    assert short["contacted"].stays == 0


def test_all_time_takes_in_the_old_lead(book):
    report = book.report("all")
    funnel = {stage.stage: stage for stage in report.funnel}
    assert [stage.reached for stage in report.funnel] == [5, 4, 3, 2, 2]
    # D's 10 days in new (2025) count now: 1, 2, 2, 3, 10.
    assert (funnel["new"].median_days, funnel["new"].p90_days) == (2.0, 10.0)
    assert report.bottleneck_stage == "contacted"


def test_goal_plan(book):
    goal = book.report("90d").goal
    assert (goal.starts, goal.ends) == (date(2026, 1, 1), date(2027, 1, 1))
    assert goal.won_so_far_cents == 500_000  # A and D, both won this year
    share = (326 + 15 / 24) / 365  # 2026-01-01 00:00 to 11-23 15:00, of a 365-day year
    assert goal.expected_by_now_cents == round(1_000_000 * share)
    assert goal.projected_cents == round(500_000 / share)
    # Won in the period: A and D, average $2,500. Closed in the period after qualifying:
    # A and D, both won (B never qualified): 100%.
    assert (goal.avg_deal_cents, goal.qualified_to_won) == (250_000, 1.0)
    assert goal.needed_qualified == math.ceil(1_000_000 / 250_000 / 1.0) == 4
    assert goal.needed_more_qualified == 2
    assert goal.in_pipeline_qualified == 1  # F


@pytest.mark.parametrize(
    ("period", "today", "window"),
    [
        ("month", date(2026, 12, 9), (date(2026, 12, 1), date(2027, 1, 1))),
        ("quarter", date(2026, 11, 23), (date(2026, 10, 1), date(2027, 1, 1))),
        ("quarter", date(2026, 2, 3), (date(2026, 1, 1), date(2026, 4, 1))),
        ("year", date(2026, 6, 30), (date(2026, 1, 1), date(2027, 1, 1))),
    ],
)
def test_goal_windows(period, today, window):
    assert goal_window(period, today) == window


def test_best_customers_and_partners(book):
    report = book.report("90d")
    assert [
        (c.name, c.purchases, c.ltv_cents, c.source, c.partner) for c in report.top_customers
    ] == [
        ("Ann", 2, 390_000, "referral", "Pat"),
        ("Di", 1, 200_000, "advertising", ""),
    ]
    [by_closed] = report.partners_by_closed
    assert (by_closed.name, by_closed.converted, by_closed.closed_cents, by_closed.given) == (
        "Pat",
        1,
        300_000,
        1,
    )
    assert [p.name for p in report.partners_by_given] == ["Pat"]
    # In the last 30 days Pat sent nothing new, but I gave them one.
    assert book.report("30d").partners_by_closed == []


def test_empty_database(database, settings, clock):
    report = InsightsService(settings, clock).report("all")
    assert all(row.leads == row.won == 0 and row.win_rate is None for row in report.by_source)
    assert [stage.reached for stage in report.funnel] == [0] * 5
    assert all(stage.converted_to_next is None for stage in report.funnel)
    assert report.bottleneck_stage is None and report.goal is None
    assert report.top_customers == report.partners_by_closed == []
    assert report.referral_vs_other.referral.win_rate is None
    assert "No stage history" in render_text(report, "USD")


def test_a_single_lead(database, settings):
    clock = Clock.fixed(FIXED_NOW)
    LeadService(settings, clock).create_lead(LeadDraft("Solo", source="event"), at=at(11, 22))
    report = InsightsService(settings, clock).report("30d")
    assert source(report, "event").leads == 1
    new = report.funnel[0]
    assert (new.reached, new.converted_to_next, new.stays, new.median_days) == (1, 0.0, 1, 1.0)
    assert report.bottleneck_stage == "new"


def test_unknown_period_is_refused(book):
    with pytest.raises(ValueError, match="unknown period"):
        book.report("7d")


def _write_goal(tmp_path):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[goal]\nrevenue = 10000\nperiod = "year"\n')


def test_report_json_has_the_documented_shape(book, db_target, tmp_path, capsys, monkeypatch):
    _write_goal(tmp_path)
    monkeypatch.setattr("pegboard.cli.context.Clock", lambda: Clock.fixed(FIXED_NOW))
    assert main(["--db", db_target, "report", "--period", "90d", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "period",
        "by_source",
        "referral_vs_other",
        "funnel",
        "bottleneck_stage",
        "goal",
        "top_customers",
        "partners",
    }
    referral = data["by_source"][0]
    assert referral == {
        "source": "referral",
        "leads": 1,
        "qualified": 1,
        "won": 1,
        "lost": 0,
        "win_rate": 1.0,
        "revenue_cents": 300_000,
        "avg_deal_cents": 300_000,
        "avg_days_to_win": 12.0,
        "touches_per_won": 2.0,
    }
    assert set(data["referral_vs_other"]) == {"referral", "other", "ratios"}
    assert data["funnel"][2] == {
        "stage": "qualified",
        "label": "Qualified",
        "reached": 2,
        "converted_to_next": 0.5,
        "stays": 3,
        "median_days": 10.0,
        "p90_days": 11.0,
    }
    assert data["bottleneck_stage"] == "contacted"
    assert data["goal"]["revenue_goal_cents"] == 1_000_000
    assert data["goal"]["needed_qualified"] == 4 and data["goal"]["in_pipeline_qualified"] == 1
    assert data["top_customers"][0]["ltv_cents"] == 390_000
    assert data["partners"]["by_closed_business"][0]["name"] == "Pat"
    assert data["partners"]["by_referrals_given"][0]["given"] == 1


def test_report_text_and_csv_say_the_same(book, db_target, capsys, monkeypatch):
    monkeypatch.setattr("pegboard.cli.context.Clock", lambda: Clock.fixed(FIXED_NOW))
    assert main(["--db", db_target, "report", "--period", "90d"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("pegboard report: last quarter (since 2026-08-25)")
    rows_by_name = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line}
    assert rows_by_name["referral"] == [
        "1",
        "1",
        "1",
        "0",
        "100%",
        "$3,000",
        "$3,000",
        "12.0",
        "2.0",
    ]
    assert "Leads stall most in Contacted: half wait 10.0 days or more" in text
    assert "No revenue goal set" in text  # the CLI read the (empty) config dir
    assert main(["--db", db_target, "report", "--period", "90d", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "name", "metric", "value"]
    assert ["by_source", "referral", "revenue_cents", "300000"] in rows
    assert ["funnel", "qualified", "median_days", "10.0"] in rows
    assert ["funnel", "", "bottleneck_stage", "contacted"] in rows
    assert ["referral_vs_other", "ratio", "win_rate", ""] in rows
    # The same figures the service gives, written the same way (the CLI has no goal set).
    out = io.StringIO()
    write_csv(book.report("90d"), out)
    service_rows = [
        line for line in out.getvalue().splitlines()[3:] if not line.startswith("goal,")
    ]
    assert service_rows == [",".join(row) for row in rows[3:]]


def test_report_rejects_an_unknown_period(database, db_target, capsys):
    assert _exit_code(["--db", db_target, "report", "--period", "7d"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: '7d'" in err and err.count("\n") == 1


def _exit_code(argv):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return stopped.value.code


# -- the screen --------------------------------------------------------------------------


def shown(screen, panel: str) -> str:
    """A panel's text as the terminal shows it (rich renderables drawn to plain text)."""
    from rich.console import Console

    console = Console(width=160, file=io.StringIO(), color_system=None)
    console.print(screen.query_one(f"#{panel}").content)
    return console.file.getvalue()


async def test_insights_screen_shows_the_report_and_changes_period(book, goal_settings, clock):
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.screens.insights import InsightsScreen

    app = PegboardApp(Services(goal_settings, clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "last year (since 2025-11-23)" in str(screen.query_one("#insights-title").content)
        sources = shown(screen, "sources")
        assert sources.splitlines()[1].split()[:7] == [
            "referral",
            "1",
            "1",
            "1",
            "0",
            "100%",
            "$3,000",
        ]
        assert "Win rate: not enough data (n=1 vs n=2" in shown(screen, "comparison")
        funnel = shown(screen, "funnel")
        assert "Leads stall most in Contacted" in funnel
        assert "the goal takes 4 qualified leads, 2 more from here; 1 are in the pipeline" in (
            shown(screen, "goal").replace("\n", " ")
        )
        assert "Ann" in shown(screen, "customers") and "Pat" in shown(screen, "partners")

        # While a period is worked out, the title says so (checked before the loop runs on).
        screen.action_period(1)  # last year -> all time
        assert "all time · working out the figures" in str(
            screen.query_one("#insights-title").content
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report.period == "all"
        assert "Leads stall most in Contacted" in shown(screen, "funnel")
        await pilot.press("p", "p")  # all -> 30d -> 90d
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report.period == "90d"
        assert "last quarter" in str(screen.query_one("#insights-title").content)
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report.period == "30d"
        assert "No purchases" not in shown(screen, "customers")
        # The report on screen is the CLI's report for the same period.
        assert screen.report == book.report("30d")


async def test_insights_on_an_empty_database_says_so(database, settings, clock):
    from pegboard.ui.app import PegboardApp

    app = PegboardApp(Services(settings, clock), start_mode="insights")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert "No revenue goal yet: G sets" in shown(screen, "goal")
        assert "No purchases in this period yet." in shown(screen, "customers")
        assert "No stage history in this period yet." in shown(screen, "funnel")
        assert not screen.query_one("#insights-body").loading


async def test_opening_a_screen_works_its_figures_out_once(book, goal_settings, clock, monkeypatch):
    """Textual resumes a screen right after mounting it: loading on both would double the
    work (and at 100,000 leads the wait)."""
    from pegboard.services.today import TodayService
    from pegboard.ui.app import PegboardApp

    calls = []
    original_report = InsightsService.report
    original_sections = TodayService.sections
    monkeypatch.setattr(
        InsightsService,
        "report",
        lambda self, *a: calls.append("report") or original_report(self, *a),
    )
    monkeypatch.setattr(
        TodayService,
        "sections",
        lambda self, *a: calls.append("today") or original_sections(self, *a),
    )
    app = PegboardApp(Services(goal_settings, clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["today"]
        await pilot.press("5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["today", "report"]


async def worked_out_after_start(app):
    """The default report, as the app works it out after it starts (tests ask for it:
    headless, the app does not)."""
    await app.workers.wait_for_complete()
    app.prepare_insights()
    await app.workers.wait_for_complete()
    return app.services.insights.latest["365d"]


async def test_insights_opens_on_the_report_worked_out_after_start(book, goal_settings, clock):
    """The app works the default report out in the background after it starts; Insights
    then shows those figures the moment it opens. After a write it says it is
    refreshing them, and replaces them with fresh ones."""
    import threading

    from pegboard.ui.app import PegboardApp

    app = PegboardApp(Services(goal_settings, clock))
    async with app.run_test(size=(120, 40)) as pilot:
        prepared = await worked_out_after_start(app)
        assert prepared == book.report("365d")
        app.services.partners.create_partner(PartnerDraft("Quinn"))  # a write: figures may change
        release = threading.Event()
        fresh = app.services.insights.report
        app.services.insights.report = lambda period, stamp: (
            release.wait(10) and fresh(period, stamp)
        )
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert screen.report is prepared
        assert "Ann" in shown(screen, "customers")
        assert not screen.query_one("#insights-body").loading
        assert "working out the figures" in str(screen.query_one("#insights-title").content)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report is not prepared and screen.report == prepared
        assert "working out" not in str(screen.query_one("#insights-title").content)


@pytest.mark.sqlite_only  # PostgreSQL cannot tell that nothing was written: it refreshes
async def test_insights_reuses_its_figures_while_nothing_is_written(book, goal_settings, clock):
    """Coming back to Insights with nothing written since its figures were worked out
    shows them as they are, with no report worked out again."""
    from pegboard.ui.app import PegboardApp

    app = PegboardApp(Services(goal_settings, clock))
    async with app.run_test(size=(120, 40)) as pilot:
        prepared = await worked_out_after_start(app)
        worked_out = []
        work_out = app.services.insights.report
        app.services.insights.report = lambda *args: worked_out.append(args) or work_out(*args)
        for key in ("5", "2", "5"):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert screen.report is prepared
        assert "working out" not in str(screen.query_one("#insights-title").content)
        assert worked_out == []
        await pilot.press("2")
        app.services.leads.create_lead(LeadDraft("Zed", title="New lead"))
        await pilot.press("5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(worked_out) == 1
        assert screen.report is not prepared


def test_the_funnel_follows_settings_swapped_in_later(database, settings, clock):
    """The app swaps in new settings when config.toml changes; Insights must use them."""
    from pegboard.config import Stage

    service = InsightsService(settings, clock)
    service.settings = replace(
        settings,
        stages=(
            Stage("lead", "Lead"),
            Stage("qualified", "Qualified"),
            Stage("signed", "Signed", closes="won"),
            Stage("gone", "Gone", closes="lost"),
        ),
    )
    assert [stage.stage for stage in service.report("all").funnel] == [
        "lead",
        "qualified",
        "signed",
    ]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 48)])
async def test_insights_never_cuts_a_figure_and_scrolls_with_the_keys(database, clock, size):
    """A demo book's Insights at each size: every panel's text fits its panel (no
    ellipsis), the side-by-side panels stack under 120 columns, and End scrolls."""
    from pegboard.config import Settings
    from pegboard.services.demo import write_demo
    from pegboard.ui.app import PegboardApp

    settings = Settings()
    write_demo(settings, clock, leads=300)
    app = PegboardApp(Services(settings, clock), start_mode="insights")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        screen = app.screen
        assert screen.report is not None
        assert screen.has_class("-narrow") == (size[0] < 120)
        for panel in screen.query(".panel"):
            width = panel.content_size.width
            text = drawn_text(panel)
            assert "…" not in text, (panel.id, text)
            assert width > 0
        body = screen.query_one("#insights-body")
        assert body.has_focus
        await pilot.press("end")
        await pilot.pause(0.6)  # the scroll is animated
        assert body.scroll_y == body.max_scroll_y and body.max_scroll_y > 0


async def test_the_goal_is_set_in_the_app_and_kept(database, clock, tmp_path):
    from pegboard.config import Settings, load_settings
    from pegboard.ui.app import PegboardApp
    from pegboard.ui.modals.goal_form import GoalForm

    path = tmp_path / "config.toml"
    path.write_text('# my book\ncurrency = "USD"\n')
    app = PegboardApp(Services(Settings(), clock), start_mode="insights", config_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one("#goal")
        text = drawn_text(panel)
        assert "G sets what to win" in text and "config.toml" not in text
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, GoalForm)
        await pilot.press(*"120000", "tab")
        app.screen.field("period").input.value = ""
        await pilot.press(*"qu", "tab", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.report.goal is not None
        assert app.screen.report.goal.revenue_goal_cents == 12_000_000
    kept = load_settings(path)
    assert (kept.revenue_goal_cents, kept.goal_period) == (12_000_000, "quarter")
    assert path.read_text().startswith("# my book\n")
