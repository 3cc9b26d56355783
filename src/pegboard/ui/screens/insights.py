"""Insights: which sources and partners bring the business, where leads stall, and the
plan to the revenue goal. The figures come from one report, worked out in a worker."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from pegboard.config import Settings
from pegboard.money import format_cents, format_compact
from pegboard.services.changes import DataStamp
from pegboard.services.insight_figures import DEFAULT_PERIOD, PERIOD_LABELS, PERIODS, Report
from pegboard.services.insights import InsightsService
from pegboard.services.report_text import (
    NO_VALUE,
    bottleneck_sentence,
    comparison_cells,
    comparison_sentences,
    funnel_cells,
    goal_sentences,
    money,
    period_title,
    source_cells,
)
from pegboard.ui.messages import ShowsData
from pegboard.ui.screens.kept_screen import ModeScreen
from pegboard.ui.widgets.charts import bar, progress
from pegboard.ui.widgets.key_footer import KeyFooter
from pegboard.ui.widgets.plain_table import TextTable

BAR_WIDTH = 14
NARROW_INSIGHTS = 120
"""Below this width Insights stacks its panels and leaves out its bars."""
PANEL_CHROME = 8
"""Columns of the screen a panel's table cannot write in: the margin, the border and its
padding, the scroll bar, and one to spare."""


def _table(*headers: str) -> TextTable:
    """A borderless table: text columns (the first, and those whose header starts with
    a space) left-aligned, figures right-aligned."""
    table = TextTable(
        box=None, header_style="bold", pad_edge=False, expand=False, padding=(0, 1, 0, 0)
    )
    for index, header in enumerate(headers):
        left = index == 0 or header.startswith(" ")
        table.add_column(header.strip(), justify="left" if left else "right", no_wrap=True)
    return table


SOURCE_COLUMNS = (
    "Source",
    "Leads",
    "Qual.",
    "Won",
    "Lost",
    "Win %",
    "Revenue",
    " ",
    "Avg deal",
    "Days to win",
    "Touches",
)
"""The CLI's columns, shorter, with a bar after revenue."""


class InsightsScreen(ShowsData, ModeScreen):
    """Sources, referral vs other, the funnel, the goal, and the best customers and partners."""

    reads_as_it_resumes = True

    BINDINGS = [
        Binding("p", "period(1)", "Next period", id="insights.next-period"),
        Binding("G", "set_goal", "Goal", id="insights.goal"),
        Binding("P", "period(-1)", "Previous period", show=False, id="insights.previous-period"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="insights.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="insights.up"),
    ]

    def __init__(
        self, insights: InsightsService, settings: Settings, period: str = DEFAULT_PERIOD
    ) -> None:
        super().__init__()
        self.insights = insights
        self.settings = settings
        self.period = period
        self.report: Report | None = None
        self.drawn: dict[str, tuple] = {}
        """What each panel was last drawn from: a panel whose figures did not change is
        not drawn again (a stage move changes the funnel; Rich's tables of the rest
        took most of the time to show fresh figures)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="insights-title")
        with VerticalScroll(id="insights-body"):
            yield Static(id="sources", classes="panel")
            with Horizontal(classes="row"):
                yield Static(id="comparison", classes="panel")
                yield Static(id="goal", classes="panel")
            yield Static(id="funnel", classes="panel")
            with Horizontal(classes="row"):
                yield Static(id="customers", classes="panel")
                yield Static(id="partners", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Insights"
        for panel_id, title in (
            ("sources", "Sources"),
            ("comparison", "Referral vs other"),
            ("goal", "Revenue goal"),
            ("funnel", "Funnel and time in stage"),
            ("customers", "Best customers"),
            ("partners", "Partners"),
        ):
            self.query_one(f"#{panel_id}").border_title = title
        # Focused, so that the arrows, PageDown, Home and End scroll the panels at once.
        self.query_one("#insights-body", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        """Each time the screen shows, the first time too (Textual resumes it after mount)."""
        self.reload_data()

    def reload_data(self) -> None:
        """Show the figures last worked out for the period (by this screen, or by the app
        after it started); unless nothing was written since, work them out afresh in a
        worker, and show the new when they arrive."""
        last = self.insights.latest.get(self.period)
        if last is not None and (self.report is None or self.report.period != self.period):
            self.show_report(last)
        if last is not None and not self.app.data_changed_since(
            self.insights.latest_stamps.get(self.period)
        ):
            return
        self.query_one("#insights-body").loading = self.report is None
        self.query_one("#insights-title", Static).update(
            Text.assemble(
                ("Insights", "bold"),
                f" · {PERIOD_LABELS[self.period]} · working out the figures…",
            )
        )
        self._start_load()

    def _start_load(self) -> None:
        """Work the figures out in a worker once the screen has painted, as Today does:
        started before, the report's queries held up the frame with the last figures."""
        self.call_after_refresh(self._load, self.period, self.app.data_stamp())

    @work(thread=True, exclusive=True, group="insights")
    def _load(self, period: str, stamp: DataStamp | None) -> None:
        report = self.insights.report(period, stamp)  # its queries open their own connections
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_report, report)

    def action_period(self, step: int) -> None:
        periods = list(PERIODS)
        self.period = periods[(periods.index(self.period) + step) % len(periods)]
        self.reload_data()

    def action_set_goal(self) -> None:
        """The goal, set here (and kept in config.toml); the figures follow at once."""
        from pegboard.ui.modals.goal_form import GoalForm

        settings = self.settings

        def saved(goal: tuple[int, str] | None) -> None:
            if goal is None:
                return
            cents, period = goal
            self.app.save_setting(revenue_goal_cents=cents, goal_period=period)
            self.settings = self.app.settings
            what = f"{format_cents(cents, settings.currency)} a {period}" if cents else "none"
            self.notify(f"Revenue goal: {what}", timeout=3)
            self._start_load()  # the figures again, with the new goal

        form = GoalForm(settings.revenue_goal_cents, settings.goal_period, settings.currency)
        self.app.push_screen(form, saved)

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#insights-body", VerticalScroll)
        body.scroll_relative(y=step * 3, animate=False)

    narrow = False
    """Under NARROW_INSIGHTS columns: panels stacked, bars and the touches column left
    out, so that every figure shows whole."""

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW_INSIGHTS
        if narrow != self.narrow:
            self.narrow = narrow
            self.set_class(narrow, "-narrow")
            if self.report is not None:
                self.show_report(self.report)

    def show_report(self, report: Report) -> None:
        if report.period != self.period:
            return
        self.report = report
        currency = self.settings.currency
        body = self.query_one("#insights-body", VerticalScroll)
        body.loading = False
        if self.focused is None:
            body.focus()  # a body still loading when the screen mounted could not take it
        self.query_one("#insights-title", Static).update(
            Text.assemble(
                ("Insights", "bold"),
                f" · {period_title(report)} · ",
                ("p", "bold"),
                # No-break space: SVG screenshots collapse a plain one at a style change.
                "\u00a0next period",
            )
        )
        panels = {
            "sources": (report.by_source, lambda: self._sources(report, currency)),
            "comparison": (report.referral_vs_other, lambda: self._comparison(report, currency)),
            "goal": (report.goal, lambda: self._goal(report, currency)),
            "funnel": ((report.funnel, report.bottleneck_stage), lambda: self._funnel(report)),
            "customers": (report.top_customers, lambda: self._customers(report, currency)),
            "partners": (
                (report.partners_by_closed, report.partners_by_given, report.partners_by_network),
                lambda: self._partners(report, currency),
            ),
        }
        for name, (figures, drawn) in panels.items():
            basis = (figures, self.settings, self.narrow, self.size.width)
            if self.drawn.get(name) != basis:
                self.drawn[name] = basis
                self.query_one(f"#{name}", Static).update(drawn())

    def _sources(self, report: Report, currency: str) -> TextTable:
        """Narrow (80 to 119 columns): without the bars and the touches; where that does
        not fit either, "Days" for "Days to win" and the revenue in its short form
        ($33.46M): at 100,000 leads eight-digit revenue and five-digit counts cut one
        another off."""
        narrow = self.narrow
        cells_by_row = source_cells(report, currency)
        columns = SOURCE_COLUMNS[:7] + SOURCE_COLUMNS[8:10] if narrow else SOURCE_COLUMNS
        short = narrow and not self._fits(columns, [cells[:9] for cells in cells_by_row])
        if short:
            columns = (*columns[:-1], "Days")
        table = _table(*columns)
        top = max((row.revenue_cents for row in report.by_source), default=0)
        referral = self.settings.referral_source
        for row, cells in zip(report.by_source, cells_by_row, strict=True):
            style = "bold green" if row.source == referral else ""
            if narrow:
                revenue = format_compact(row.revenue_cents, currency) if short else cells[6]
                shown_cells = [*cells[:6], revenue, *cells[7:9]]
            else:
                revenue_bar = bar(row.revenue_cents, top, BAR_WIDTH, "green" if style else "cyan")
                shown_cells = [*cells[:7], revenue_bar, *cells[7:]]
            table.add_row(*shown_cells, style=style)
        return table

    def _fits(self, headers: tuple[str, ...], rows: list[list[str]]) -> bool:
        """Whether a panel's table of `rows` fits the screen's width, each column as wide
        as its widest cell, with a space after it."""
        widths = [
            max(len(header.strip()), *(len(row[index]) for row in rows))
            for index, header in enumerate(headers)
        ]
        return sum(widths) + len(widths) <= self.size.width - PANEL_CHROME

    def _comparison(self, report: Report, currency: str) -> Group:
        table = _table("", "Referral", " ", "Other", " ", "Ratio")
        for figure, mine, mine_n, theirs, their_n, ratio in comparison_cells(
            report.referral_vs_other, currency
        ):
            table.add_row(
                figure,
                mine,
                Text(mine_n, style="dim"),
                theirs,
                Text(their_n, style="dim"),
                Text(ratio, style="bold green" if ratio.endswith("x") else "dim"),
            )
        sentences = Text("\n".join(comparison_sentences(report.referral_vs_other)), style="italic")
        return Group(table, Text(""), sentences)

    def _goal(self, report: Report, currency: str) -> Group | Text:
        goal = report.goal
        lines = goal_sentences(goal, currency)
        if goal is None:
            return Text(
                "No revenue goal yet: G sets what to win per month, quarter or year.",
                style="dim",
            )
        meter = progress(
            goal.won_so_far_cents, goal.revenue_goal_cents, 36, marker=goal.expected_by_now_cents
        )
        legend = Text.assemble(
            (money(goal.won_so_far_cents, currency), "bold green"),
            f" of {money(goal.revenue_goal_cents, currency)} · ",
            ("┃", "bold yellow"),
            " even pace",
        )
        return Group(meter, legend, Text(""), Text("\n".join(lines[1:])))

    def _funnel(self, report: Report) -> Group:
        """The funnel's figures, with a bar beside reached and median days where the
        screen is wide enough (`narrow`: the figures alone)."""
        headers = ("Stage", "Reached", "To next", "Median days", "P90 days")
        if not self.narrow:
            headers = ("Stage", " ", "Reached", "To next", "Median days", " ", "P90 days")
        table = _table(*headers)
        top = max((stage.reached for stage in report.funnel), default=0)
        slowest = max((stage.median_days or 0 for stage in report.funnel), default=0)
        for stage in report.funnel:
            stalls = stage.stage == report.bottleneck_stage
            reached, to_next, median, p90 = funnel_cells(stage)
            cells = [stage.label, reached, to_next, median, p90]
            if not self.narrow:
                reach_bar = bar(stage.reached, top, BAR_WIDTH, "cyan")
                stay = stage.median_days or 0
                stay_bar = bar(stay, slowest, BAR_WIDTH // 2, "yellow" if stalls else "blue")
                cells = [stage.label, reach_bar, reached, to_next, median, stay_bar, p90]
            table.add_row(*cells, style="bold yellow" if stalls else "")
        return Group(table, Text(""), Text(bottleneck_sentence(report), style="italic"))

    def _customers(self, report: Report, currency: str) -> TextTable | Text:
        if not report.top_customers:
            return Text("No purchases in this period yet.", style="dim")
        table = _table("Customer", "Bought", "Lifetime", " Came from")
        for customer in report.top_customers:
            table.add_row(
                customer.name,
                str(customer.purchases),
                money(customer.ltv_cents, currency),
                customer.partner or customer.source or NO_VALUE,
            )
        return table

    def _partners(self, report: Report, currency: str) -> Group | Text:
        if not (report.partners_by_closed or report.partners_by_given):
            return Text("No referrals in this period yet.", style="dim")
        closed = _table("By closed business", "Converted", "Closed")
        for partner in report.partners_by_closed:
            closed.add_row(
                partner.name, str(partner.converted), money(partner.closed_cents, currency)
            )
        given = _table("By referrals I gave", "Given")
        for partner in report.partners_by_given:
            given.add_row(partner.name, str(partner.given))
        network = _table("By network, all time", "Direct", "Network", "People")
        for rank in report.partners_by_network:
            network.add_row(
                rank.name,
                money(rank.direct_cents, currency),
                money(rank.network_cents, currency),
                str(rank.network_size),
            )
        return Group(closed, Text(""), given, Text(""), network)
