"""The Insights report as words, text tables and CSV: shared by `pegboard report` and the
Insights screen, so the two always say the same thing. No Textual here."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import IO

from pegboard.money import format_cents
from pegboard.services.insight_figures import (
    MIN_SAMPLE,
    PERIOD_LABELS,
    Comparison,
    FunnelStage,
    GoalPlan,
    Report,
)
from pegboard.text import display_width, ljust_display, rjust_display

NO_VALUE = "\N{EN DASH}"
"""Shown where a figure has no cases behind it."""
COMPARED = (
    # (ratio key, figure, n field, how a ratio reads)
    ("win_rate", "win rate", "closed", "Referred leads win {ratio}x as often"),
    ("avg_deal", "average deal", "won", "Referred deals are worth {ratio}x as much"),
    ("ltv", "lifetime value", "customers", "Referred customers spend {ratio}x as much in all"),
    (
        "retention",
        "repeat customers",
        "customers",
        "Referred customers come back {ratio}x as often",
    ),
    ("months_active", "months active", "customers", "Referred customers stay {ratio}x as long"),
)


def percent(rate: float | None) -> str:
    return NO_VALUE if rate is None else f"{rate * 100:.0f}%"


def days(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}"


def money(cents: int | None, currency: str) -> str:
    return NO_VALUE if cents is None else format_cents(cents, currency, whole=True)


def period_title(report: Report) -> str:
    label = PERIOD_LABELS[report.period]
    if report.since is None:
        return label
    return f"{label} (since {report.since.astimezone():%Y-%m-%d})"


def comparison_cells(comparison: Comparison, currency: str) -> list[tuple[str, ...]]:
    """Rows of (figure, referral, n=, other, n=, ratio) for the side-by-side table."""
    ref, other = comparison.referral, comparison.other
    values = {
        "win_rate": (percent(ref.win_rate), percent(other.win_rate)),
        "avg_deal": (money(ref.avg_deal_cents, currency), money(other.avg_deal_cents, currency)),
        "ltv": (money(ref.ltv_cents, currency), money(other.ltv_cents, currency)),
        "retention": (percent(ref.retention), percent(other.retention)),
        "months_active": (days(ref.avg_months_active), days(other.avg_months_active)),
    }
    rows = []
    for key, figure, n_field, _ in COMPARED:
        mine, theirs = values[key]
        ratio = comparison.ratios[key]
        rows.append(
            (
                figure,
                mine,
                f"n={getattr(ref, n_field)}",
                theirs,
                f"n={getattr(other, n_field)}",
                "not enough data" if ratio is None else f"{ratio}x",
            )
        )
    return rows


def comparison_sentences(comparison: Comparison) -> list[str]:
    """'Referred leads win 2.9x as often (n=465 vs n=1157).', or why there is no ratio."""
    ref, other = comparison.referral, comparison.other
    lines = []
    for key, figure, n_field, phrase in COMPARED:
        n_ref, n_other = getattr(ref, n_field), getattr(other, n_field)
        ratio = comparison.ratios[key]
        sample = f"n={n_ref} vs n={n_other}"
        if ratio is not None:
            lines.append(f"{phrase.format(ratio=ratio)} ({sample}).")
        elif n_ref < MIN_SAMPLE or n_other < MIN_SAMPLE:
            lines.append(
                f"{figure.capitalize()}: not enough data ({sample}; "
                f"{MIN_SAMPLE} on each side needed)."
            )
        else:
            lines.append(f"{figure.capitalize()}: nothing to compare with ({sample}).")
    return lines


def bottleneck_sentence(report: Report) -> str:
    if report.bottleneck_stage is None:
        return "No stage history in this period yet."
    stage = next(stage for stage in report.funnel if stage.stage == report.bottleneck_stage)
    return (
        f"Leads stall most in {stage.label}: half wait {days(stage.median_days)} days or "
        f"more, one in ten {days(stage.p90_days)} days or more."
    )


def goal_sentences(goal: GoalPlan | None, currency: str) -> list[str]:
    if goal is None:
        return [
            "No revenue goal set: add a [goal] table to config.toml, "
            'for example revenue = 120000 and period = "year".'
        ]
    last_day = goal.ends - timedelta(days=1)
    lines = [
        f"Goal {money(goal.revenue_goal_cents, currency)} this {goal.period} "
        f"({goal.starts:%Y-%m-%d} to {last_day:%Y-%m-%d}).",
        f"Won so far {money(goal.won_so_far_cents, currency)}; an even pace would be at "
        f"{money(goal.expected_by_now_cents, currency)} by now"
        + (
            f", and this pace ends the {goal.period} at {money(goal.projected_cents, currency)}."
            if goal.projected_cents is not None
            else "."
        ),
    ]
    if goal.needed_qualified is None:
        lines.append(
            "No won deals with a qualified history in this period: the plan needs an average "
            "deal and a qualified-to-won rate."
        )
    else:
        lines.append(
            f"Average won deal {money(goal.avg_deal_cents, currency)} and "
            f"{percent(goal.qualified_to_won)} of qualified leads won: the goal takes "
            f"{goal.needed_qualified} qualified leads, {goal.needed_more_qualified} more from "
            f"here; {goal.in_pipeline_qualified} are in the pipeline now."
        )
    return lines


def funnel_cells(stage: FunnelStage) -> tuple[str, str, str, str]:
    return (
        str(stage.reached),
        percent(stage.converted_to_next),
        days(stage.median_days),
        days(stage.p90_days),
    )


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    """Plain columns: the first left-aligned, the rest right-aligned."""
    widths = [
        max(display_width(str(cell)) for cell in column)
        for column in zip(headers, *rows, strict=True)
    ]
    for row in (headers, *rows):
        cells = [str(cell) for cell in row]
        first = ljust_display(cells[0], widths[0])
        rest = [rjust_display(c, width) for c, width in zip(cells[1:], widths[1:], strict=True)]
        yield "  ".join([first, *rest]).rstrip()


SOURCE_HEADERS = (
    "Source",
    "leads",
    "qualified",
    "won",
    "lost",
    "win rate",
    "revenue",
    "avg deal",
    "days to win",
    "touches/won",
)


def source_cells(report: Report, currency: str) -> list[tuple[str, ...]]:
    return [
        (
            row.source or "(none)",
            str(row.leads),
            str(row.qualified),
            str(row.won),
            str(row.lost),
            percent(row.win_rate),
            money(row.revenue_cents, currency),
            money(row.avg_deal_cents, currency),
            days(row.avg_days_to_win),
            NO_VALUE if row.touches_per_won is None else f"{row.touches_per_won:.1f}",
        )
        for row in report.by_source
    ]


def render_text(report: Report, currency: str) -> str:
    out = [f"pegboard report: {period_title(report)}", ""]
    out += _table(SOURCE_HEADERS, source_cells(report, currency))
    out += [
        "",
        *_table(
            ("Referral vs other", "referral", "", "other", "", "ratio"),
            comparison_cells(report.referral_vs_other, currency),
        ),
    ]
    out += ["", *comparison_sentences(report.referral_vs_other)]
    out += [
        "",
        *_table(
            ("Funnel", "reached", "to next", "median days", "p90 days"),
            [(stage.label, *funnel_cells(stage)) for stage in report.funnel],
        ),
    ]
    out += [
        "",
        bottleneck_sentence(report),
        "",
        "Revenue goal",
        *goal_sentences(report.goal, currency),
    ]
    out += [
        "",
        *_table(
            ("Top customers", "purchases", "lifetime", "source", "referred by"),
            [
                (
                    c.name,
                    str(c.purchases),
                    money(c.ltv_cents, currency),
                    c.source or NO_VALUE,
                    c.partner or NO_VALUE,
                )
                for c in report.top_customers
            ]
            or [("(none yet)", "", "", "", "")],
        ),
    ]
    out += _partner_tables(report, currency)
    return "\n".join(out) + "\n"


def _partner_tables(report: Report, currency: str) -> list[str]:
    """The partners ranked by closed business, by referrals given, and by network."""
    out: list[str] = []
    for title, partners in (
        ("Partners by closed business", report.partners_by_closed),
        ("Partners by referrals I gave", report.partners_by_given),
    ):
        out += [
            "",
            *_table(
                (title, "converted", "closed", "given"),
                [
                    (p.name, str(p.converted), money(p.closed_cents, currency), str(p.given))
                    for p in partners
                ]
                or [("(none yet)", "", "", "")],
            ),
        ]
    out += [
        "",
        *_table(
            ("Partners by network (all time)", "direct", "network", "people"),
            [
                (
                    p.name,
                    money(p.direct_cents, currency),
                    money(p.network_cents, currency),
                    str(p.network_size),
                )
                for p in report.partners_by_network
            ]
            or [("(none yet)", "", "", "")],
        ),
    ]
    return out


def write_csv(report: Report, out: IO[str]) -> None:
    """Every figure as one row of section, name, metric, value: one file a spreadsheet
    can pivot. Money stays in cents and rates in fractions, as in the JSON."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "name", "metric", "value"))
    data = report.to_json()
    writer.writerow(("report", "", "period", report.period))
    writer.writerow(("report", "", "since", data["since"] or ""))
    for row in data["by_source"]:
        for metric, value in row.items():
            if metric != "source":
                writer.writerow(("by_source", row["source"], metric, _cell(value)))
    comparison = data["referral_vs_other"]
    for group in ("referral", "other"):
        for metric, value in comparison[group].items():
            writer.writerow(("referral_vs_other", group, metric, _cell(value)))
    for metric, value in comparison["ratios"].items():
        writer.writerow(("referral_vs_other", "ratio", metric, _cell(value)))
    for row in data["funnel"]:
        for metric, value in row.items():
            if metric not in ("stage", "label"):
                writer.writerow(("funnel", row["stage"], metric, _cell(value)))
    writer.writerow(("funnel", "", "bottleneck_stage", data["bottleneck_stage"] or ""))
    for metric, value in (data["goal"] or {}).items():
        writer.writerow(("goal", "", metric, _cell(value)))
    for rank, row in enumerate(data["top_customers"], start=1):
        for metric, value in row.items():
            writer.writerow(("top_customers", str(rank), metric, _cell(value)))
    for ranking, rows in data["partners"].items():
        for rank, row in enumerate(rows, start=1):
            for metric, value in row.items():
                writer.writerow((f"partners.{ranking}", str(rank), metric, _cell(value)))


def _cell(value) -> str:
    return "" if value is None else str(value)
