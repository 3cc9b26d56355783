"""`pegboard serve` in a real browser: headless Chromium opens the page, the keys work as
in a terminal, a referral logged in the browser is in the database, and two tabs are
two working sessions on one book."""

import os
import sqlite3
import subprocess
import sys

import pytest

from tests import browser

BROWSER_MISSING = browser.missing()
pytestmark = pytest.mark.skipif(
    BROWSER_MISSING is not None,
    reason=f"SKIPPED LOUDLY: the browser test cannot run: {BROWSER_MISSING}",
)


@pytest.fixture
def book(tmp_path):
    """A demo book in a file, and a config dir of its own."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    db = tmp_path / "book.db"
    subprocess.run(
        [sys.executable, "-m", "pegboard", "--db", str(db), "demo", "--leads", "120"],
        check=True,
        capture_output=True,
        env={**os.environ, "PEGBOARD_CONFIG_DIR": str(config_dir), "PEGBOARD_DB": str(db)},
    )
    with sqlite3.connect(db) as connection:
        (partner,) = connection.execute(
            "SELECT contact.name FROM partner JOIN contact ON contact.id = partner.contact_id"
            " ORDER BY partner.id LIMIT 1"
        ).fetchone()
    return db, config_dir, partner


def test_the_app_in_a_browser_tab_and_a_second_tab(book, tmp_path):
    from selenium.webdriver.common.keys import Keys

    db, config_dir, partner = book
    port = browser.free_port()
    with browser.served(db, config_dir, port), browser.chromium() as driver:
        browser.open_page(driver, port)
        first_tab = driver.current_window_handle
        since = browser.output_length(driver)
        browser.press(driver, "2")
        board = browser.wait_for(driver, "NEW ·", "CONTACTED ·", "QUALIFIED ·", since=since)
        assert "pegboard — Board" in board
        screenshot = tmp_path / "browser.png"
        driver.save_screenshot(str(screenshot))
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        driver.switch_to.new_window("tab")  # a second session on the same book
        browser.open_page(driver, port)
        since = browser.output_length(driver)
        browser.press(driver, "r")
        browser.wait_for(driver, "Partner", since=since)
        browser.press(driver, partner, Keys.TAB, "Brow Ser", Keys.TAB, "555 0123", Keys.ENTER)
        browser.wait_for(driver, "Brow Ser", since=since)

        driver.switch_to.window(first_tab)  # the first session goes on working
        since = browser.output_length(driver)
        browser.press(driver, "1")
        browser.wait_for(driver, "pegboard — Today", "Brow Ser", since=since)

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT referral.direction, person.name, person.phone, source.name"
            " FROM referral"
            " JOIN lead ON lead.id = referral.lead_id"
            " JOIN contact AS person ON person.id = lead.contact_id"
            " JOIN partner ON partner.id = referral.partner_id"
            " JOIN contact AS source ON source.id = partner.contact_id"
            " WHERE person.name = 'Brow Ser'"
        ).fetchall()
    assert rows == [("received", "Brow Ser", "555 0123", partner)]
