"""Every screen of a demo book at 80x24, 100x30 and 120x40, read as the terminal shows it:
no money figure, count or date is cut (a digit or a currency sign straight before `…`),
and no line is wider than the screen."""

import re

import pytest

from pegboard.config import Settings
from pegboard.services.demo import write_demo
from pegboard.ui.app import PegboardApp
from pegboard.ui.screens.customer_detail import CustomerDetailScreen
from pegboard.ui.screens.lead_detail import LeadDetailScreen
from pegboard.ui.screens.partner_detail import PartnerDetailScreen
from pegboard.wiring import Services

CUT_FIGURE = re.compile(r"[\d$€£¥%][\d,.:/-]*…")
"""A figure that ends in an ellipsis: `$196…`, `1…`, `2026-11…`."""

SCREENS = (
    ("today", ("1",), None),
    ("board", ("2",), None),
    ("lead page", ("2", "enter"), LeadDetailScreen),
    ("partners", ("3",), None),
    ("partner page", ("3", "enter"), PartnerDetailScreen),
    ("loyalty", ("4",), None),
    ("customer page", ("4", "enter"), CustomerDetailScreen),
    ("insights", ("5",), None),
)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_no_figure_is_cut_on_any_screen(database, clock, size):
    settings = Settings()
    write_demo(settings, clock, leads=300)
    app = PegboardApp(Services(settings, clock))
    async with app.run_test(size=size) as pilot:
        for name, keys, page in SCREENS:
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            if page is not None:
                assert isinstance(app.screen, page), name
            lines = screen_lines(app)
            assert len(lines) == size[1]
            text = "\n".join(lines)
            assert any(ch.isdigit() for ch in text), (name, "the screen shows its figures")
            for line in lines:
                assert len(line) <= size[0], (name, line)
                cut = CUT_FIGURE.search(line)
                assert cut is None, (name, size, line)
            if name in ("partners", "loyalty"):  # every column shown fits, none cut off
                table = app.screen.table
                needed = sum(column.get_render_width(table) for column in table.columns.values())
                assert needed <= table.size.width, (name, size, needed)
            if page is not None:
                await pilot.press("escape")
                await pilot.pause()


@pytest.mark.parametrize(
    ("size", "revenue"),
    [((80, 24), r"\$3\.35B"), ((100, 30), r"\$3,345,000,000")],
    ids=["80x24-short", "100x30-whole"],
)
async def test_insights_keeps_a_busy_books_revenue_whole_on_a_narrow_screen(
    database, clock, size, revenue
):
    """Ten-digit revenue per source: the narrow sources table gives it in its short form
    where in full it would not fit, and no figure beside it is cut."""
    from pegboard.store.models import Lead

    settings = Settings()
    write_demo(settings, clock, leads=300)
    Lead.update(value_cents=Lead.value_cents * 100_000).execute()
    app = PegboardApp(Services(settings, clock))
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        lines = screen_lines(app)
        sources = [line for line in lines if " website " in line and "%" in line]
        assert sources and re.search(revenue, sources[0]), lines
        for line in lines:
            assert len(line) <= size[0], line
            assert CUT_FIGURE.search(line) is None, (size, line)
