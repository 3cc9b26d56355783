"""config.toml is the owner's file: the app changes only the values it changes, every
comment and blank line kept; a new file explains every key; `pegboard config` says
where it is and what is wrong with it."""

from __future__ import annotations

import difflib
import os
import tomllib

import pytest

from pegboard.cli import main
from pegboard.config import Settings, load_settings
from pegboard.config.editor import COMMENTS, PLACES, commented_config, edit_settings
from pegboard.config.model import LoyaltyRule
from pegboard.ui.app import PegboardApp
from pegboard.ui.screens.loyalty_rules import LoyaltyRulesScreen
from pegboard.wiring import Services

OWNERS_FILE = """\
# My bakery's book. Amounts are in euros.
currency = "EUR"   # euros, not dollars
theme = "textual-dark"

[loyalty]
# Regulars get asked every quarter
ask_referral_after_days = 90

[[loyalty.rules]]
name = "10% off the 2nd purchase"  # the welcome back
purchase = 2
percent = 10

# Another rule I may use one day:
# [[loyalty.rules]]
# name = "every 5th coffee free"
# every = 5
# percent = 100

[goal]
revenue = 50000   # a good year
period = "year"
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The lines that differ, as a unified diff's - and + lines."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_a_new_file_has_a_comment_on_every_table_and_key_and_reads_back(tmp_path):
    text = commented_config(Settings(currency="EUR", date_order="dmy"))
    data = tomllib.loads(text)
    path = tmp_path / "config.toml"
    path.write_text(text)
    assert load_settings(path) == Settings(currency="EUR", date_order="dmy")
    for place in PLACES.values():
        assert place in COMMENTS, place
        assert COMMENTS[place].split("(")[0][:30] in text, place
    assert set(data) >= {"currency", "pipeline", "loyalty", "goal"}


def test_first_start_writes_the_commented_file(tmp_path, monkeypatch):
    from pegboard.config.writer import ensure_config_file

    path = tmp_path / "config.toml"
    ensure_config_file(path)
    text = path.read_text()
    assert text.startswith("# pegboard's settings")
    assert "# how 03/12/2026 is read" in text and "# a Textual theme" in text


async def test_a_theme_picked_in_the_app_changes_one_line(database, clock, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(OWNERS_FILE)
    app = PegboardApp(Services(load_settings(path), clock), config_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    after = path.read_text()
    assert changed_lines(OWNERS_FILE, after) == [
        '-theme = "textual-dark"',
        '+theme = "nord"',
    ]
    assert load_settings(path).theme == "nord"


async def test_a_rule_edited_in_the_app_changes_only_its_value(database, clock, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(OWNERS_FILE)
    app = PegboardApp(Services(load_settings(path), clock), config_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "R")
        await pilot.pause()
        assert isinstance(app.screen, LoyaltyRulesScreen)
        await pilot.press("e")
        await pilot.pause()
        percent = app.screen.query_one("#percent")
        percent.input.focus()
        await pilot.press("backspace", "backspace", *"12", "enter")
        await pilot.pause()
    after = path.read_text()
    assert sorted(changed_lines(OWNERS_FILE, after)) == [
        '+name = "12% off the 2nd purchase"  # the welcome back',
        "+percent = 12",
        '-name = "10% off the 2nd purchase"  # the welcome back',
        "-percent = 10",
    ]


def test_adding_and_removing_rules_keeps_the_comments_around_them(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(OWNERS_FILE)
    settings = load_settings(path)
    third = LoyaltyRule("15% off the 3rd", purchase=3, percent=15)
    edit_settings(
        path,
        Settings(**{**settings.__dict__, "loyalty_rules": (*settings.loyalty_rules, third)}),
        ["loyalty_rules"],
    )
    text = path.read_text()
    assert "# Another rule I may use one day:" in text and "# a good year" in text
    assert [rule.name for rule in load_settings(path).loyalty_rules] == [
        "10% off the 2nd purchase",
        "15% off the 3rd",
    ]
    edit_settings(path, settings, ["loyalty_rules"])
    assert path.read_text().count("\n[[loyalty.rules]]") == 1
    assert "# the welcome back" in path.read_text()


def test_an_edit_of_a_broken_file_is_refused_and_leaves_it_alone(tmp_path):
    from pegboard.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('theme = "nord\n')
    with pytest.raises(ConfigError, match="nothing was changed"):
        edit_settings(path, Settings(theme="dracula"), ["theme"])
    assert path.read_text() == 'theme = "nord\n'


def test_pegboard_config_says_where_and_checks_the_file(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(folder))
    path = folder / "config.toml"
    path.write_text(OWNERS_FILE)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert str(path) in out and "no problems" in out
    assert main(["config", "--json"]) == 0
    assert '"problem": null' in capsys.readouterr().out
    path.write_text(OWNERS_FILE.replace('period = "year"', 'period = "decade"'))
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert "line 22" in err and "period" in err


def test_pegboard_config_edit_opens_the_editor_then_checks(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(folder))
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf \'currency = "GBP"\\n\' > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    assert main(["config", "--edit"]) == 0
    assert load_settings(folder / "config.toml").currency == "GBP"
    assert "no problems" in capsys.readouterr().out
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    assert main(["config", "--edit"]) == 2
    assert "cannot run the editor" in capsys.readouterr().err
    assert os.environ["EDITOR"].endswith("no-such-editor")
