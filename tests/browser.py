"""`pegboard serve` in headless Chromium, driven by selenium: what the browser test and
`scripts/screenshots.py --browser` share.

The page draws the terminal on a canvas, so its text cannot be read from the DOM; a
script put in the page before its own wraps the WebSocket and keeps what the app sends
(the terminal's output, escapes and all), which `screen_text` hands back as plain text.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

RECORD_OUTPUT = """
window.__pegboardOutput = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__pegboardOutput.push(new TextDecoder().decode(new Uint8Array(event.data)));
      }
    });
  }
};
"""

ESCAPES = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)


def missing() -> str | None:
    """What the browser test lacks here, or None when it can run."""
    for module in ("selenium", "textual_serve"):
        try:
            __import__(module)
        except ImportError:
            return f"the {module} package is not installed (pip install -e '.[test]')"
    if CHROMIUM is None or CHROMEDRIVER is None:
        return (
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(db: Path, config_dir: Path, port: int):
    """`pegboard serve` on a loopback port, until the block ends."""
    env = dict(os.environ, PEGBOARD_CONFIG_DIR=str(config_dir))
    env.pop("PEGBOARD_DB", None)
    command = [sys.executable, "-m", "pegboard", "--db", str(db), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None:
                raise RuntimeError(f"pegboard serve stopped: {server.stdout.read()}")
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def chromium(width: int = 1280, height: int = 800):
    """Headless Chromium that reaches this machine only (every other name fails fast)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def screen_text(driver) -> str:
    """All the app has sent this tab so far, escapes taken out."""
    raw = "".join(driver.execute_script("return window.__pegboardOutput || []"))
    return ESCAPES.sub("", raw)


def output_length(driver) -> int:
    return len(driver.execute_script("return window.__pegboardOutput || []"))


def wait_for(driver, *words: str, since: int = 0, timeout: float = 30) -> str:
    """Wait until the app has sent every one of `words` (after the first `since` chunks)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        chunks = driver.execute_script("return window.__pegboardOutput || []")
        text = ESCAPES.sub("", "".join(chunks[since:]))
        if all(word in text for word in words):
            return text
        time.sleep(0.2)
    raise AssertionError(f"the page never showed {words!r}; it showed: {text[-2000:]!r}")


def press(driver, *keys: str) -> None:
    """Keys typed into the page's terminal, as a person would."""
    from selenium.webdriver.common.action_chains import ActionChains

    for key in keys:
        ActionChains(driver).send_keys(key).perform()
        time.sleep(0.15)


def open_page(driver, port: int) -> None:
    """The page, once Today is drawn, with the keyboard in its terminal (focused, not
    clicked: a click would land on a row of Today and open it)."""
    recording = getattr(driver, "recording_tabs", set())
    if driver.current_window_handle not in recording:  # the script is set per tab
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_OUTPUT})
        driver.recording_tabs = recording | {driver.current_window_handle}
    driver.get(f"http://127.0.0.1:{port}/")
    wait_for(driver, "Today")
    driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
