"""Regenerate screenshots/*.svg from demo data at a fixed size and a fixed "today".

Run: .venv/bin/python scripts/screenshots.py [--browser]

--browser also saves screenshots/browser.png: `pegboard serve` on a demo book, as
headless Chromium shows the board (the web extra, selenium and Debian's chromium and
chromium-driver needed).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 40)
TODAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
HUBSPOT_DEALS = (
    "Deal ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Associated Contact,"
    "Associated Company,Original Source\n"
    '9001,Year-end accounts,closedwon,"2,400.00",2026-11-01,2026-10-01,Ana Silva,'
    "Silva Bakery,Organic Search\n"
    "9002,Payroll set-up,Qualified To Buy,900,,2026-11-10,Dan Roe,Roe Roofing,Referrals\n"
    "9003,Advisory retainer,decisionmakerboughtin,6500.50,,2026-11-12,Eve Lund,,Paid Search\n"
    "9004,Tax return,Closed Lost,450,2026-11-15,2026-11-01,Fay Tan,Tan Optics,Offline Sources\n"
)
"""A small HubSpot deals export, for the import screen."""


SHOTS = (
    ([("j", "j")], "board", False),
    ([("enter",)], "lead-detail", False),
    (
        [("escape", "n"), (*"Dana Fox", "tab", *"Fox Print Co", "tab", *"dana@", "tab")],
        "lead-form",
        False,
    ),
    ([("escape", "l", "L")], "qualify", False),
    ([("escape", "slash", *"source:referral")], "board-filter", True),
    ([("escape", "r", *"dan", "tab", *"Gina Ruiz", "tab", *"+1 555 0199")], "quick-log", False),
    ([("escape", "y", "3")], "partners", False),
    ([("enter",)], "partner-detail", False),
    ([("escape", "4")], "loyalty", False),
    ([("p", *"450")], "purchase-form", False),
    ([("escape", "R")], "loyalty-rules", False),
    ([("escape", "5")], "insights", True),
    ([tuple("jjjjjjjjjj")], "insights-funnel", False),
    ([("1",)], "today", True),
    ([("question_mark",)], "help", False),
)
"""Each screenshot: the keys pressed before it (a pause after each group), its name, and
whether the app's workers (a filter, a report) are waited for."""

SMALL = (80, 24)
SMALL_SHOTS = (
    ([("1",)], "today", True),
    ([("2",)], "board", False),
    ([("enter",)], "lead-detail", False),
    ([("escape", "3")], "partners", True),
    ([("enter",)], "partner-detail", False),
    ([("escape", "4")], "loyalty", True),
    ([("5",)], "insights", True),
)
"""The same screens on an 80x24 terminal, saved as NAME-80x24.svg."""


async def shoot_import_and_palette(app, pilot, workdir: Path, save) -> None:
    """The import screen on a small HubSpot file, then the palette finding a name."""
    app.open_import()
    await pilot.pause()
    (workdir / "hubspot-deals.csv").write_text(HUBSPOT_DEALS, encoding="utf-8")
    os.chdir(workdir)  # a short path on screen, the same in every run
    await pilot.press(*"hubspot-deals.csv", "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    save("import")
    await pilot.press("escape", "ctrl+p")
    await pilot.pause()
    await pilot.press(*"dana")
    await app.workers.wait_for_complete()
    await pilot.pause(0.5)
    save("palette")


async def shoot_archive(app, pilot, save) -> None:
    """A lead archived on the board, then the archive screen listing it."""
    await pilot.press("escape", "2")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    app.open_archive()
    await pilot.pause()
    save("archive")


async def shoot(workdir: Path) -> list[Path]:
    from pegboard.clock import Clock
    from pegboard.config import Settings
    from pegboard.services.demo import write_demo
    from pegboard.store.database import open_database
    from pegboard.ui.app import PegboardApp
    from pegboard.wiring import Services

    # A goal the 600-lead demo is a little behind on, so the plan has something to say.
    settings = Settings(theme="textual-dark", revenue_goal_cents=60_000_000, goal_period="year")
    clock = Clock.fixed(TODAY)
    open_database(str(workdir / "demo.db"))
    write_demo(settings, clock, leads=600, seed=7)
    app = PegboardApp(Services(settings, clock), db_label="demo.db", start_mode="board")
    saved = []

    def save(name: str) -> None:
        saved.append(Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT))))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for presses, name, wait_for_workers in SHOTS:
            for keys in presses:
                await pilot.press(*keys)
                await pilot.pause()
            if wait_for_workers:
                await app.workers.wait_for_complete()
                await pilot.pause()
            save(name)
        await pilot.press("escape")
        await shoot_import_and_palette(app, pilot, workdir, save)
        await shoot_archive(app, pilot, save)
    small = PegboardApp(Services(settings, clock), db_label="demo.db", start_mode="today")
    async with small.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for presses, name, wait_for_workers in SMALL_SHOTS:
            for keys in presses:
                await pilot.press(*keys)
                await pilot.pause()
            if wait_for_workers:
                await small.workers.wait_for_complete()
                await pilot.pause()
            shot = small.save_screenshot(filename=f"{name}-80x24.svg", path=str(OUT))
            saved.append(Path(shot))
    return saved


def shoot_browser(tmp: Path) -> Path:
    """The board in a browser tab, served by `pegboard serve`."""
    import subprocess

    sys.path.insert(0, str(OUT.parent))
    from tests import browser

    if problem := browser.missing():
        raise SystemExit(f"no browser screenshot: {problem}")
    config_dir, db = tmp / "browser-config", tmp / "browser.db"
    config_dir.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(db), "demo", "--leads", "300"],
        check=True,
        capture_output=True,
        env={**os.environ, "PEGBOARD_CONFIG_DIR": str(config_dir)},
    )
    port = browser.free_port()
    with browser.served(db, config_dir, port), browser.chromium(1280, 760) as driver:
        browser.open_page(driver, port)
        since = browser.output_length(driver)
        browser.press(driver, "2")
        browser.wait_for(driver, "NEW ·", "CONTACTED ·", since=since)
        import time

        time.sleep(1)  # the page draws what it was sent
        path = OUT / "browser.png"
        driver.save_screenshot(str(path))
    return path


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PEGBOARD_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["PEGBOARD_CONFIG_DIR"] = str(Path(tmp) / "config")
        os.environ["TZ"] = "UTC"
        for path in asyncio.run(shoot(Path(tmp))):
            print(path.relative_to(OUT.parent))
        if "--browser" in sys.argv[1:]:
            print(shoot_browser(Path(tmp)).relative_to(OUT.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
