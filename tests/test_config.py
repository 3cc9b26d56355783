import re
import tomllib

import pytest

from pegboard.config import (
    ConfigError,
    Settings,
    ensure_config_file,
    load_settings,
    save_settings,
)


def test_missing_file_gives_defaults(tmp_path):
    settings = load_settings(tmp_path / "config.toml")
    assert settings == Settings()
    assert settings.stage_ids == ("new", "contacted", "qualified", "proposal", "won", "lost")
    assert settings.closing_stage("won").id == "won"
    assert settings.first_stage.id == "new"


def test_first_run_writes_defaults_that_read_back_equal(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    assert ensure_config_file(path) == Settings()
    assert path.exists()
    assert tomllib.loads(path.read_text())["pipeline"]["stages"][4]["closes"] == "won"


def test_saved_settings_round_trip_and_leave_no_temp_files(tmp_path):
    path = tmp_path / "config.toml"
    changed = Settings(currency="EUR", sources=("referral", "web"), keymap={"board.new-lead": "N"})
    save_settings(changed, path)
    assert load_settings(path) == changed
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_syntax_error_names_file_and_line_and_file_is_kept(tmp_path):
    path = tmp_path / "config.toml"
    text = 'currency = "USD"\ntheme = "textual-dark"\n[pipeline\n'
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.line == 3
    assert str(path) in str(caught.value)
    assert "line 3" in str(caught.value)
    assert path.read_text() == text


def test_ensure_config_file_does_not_overwrite_a_broken_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("currency = \n")
    with pytest.raises(ConfigError):
        ensure_config_file(path)
    assert path.read_text() == "currency = \n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('currency = "dollars"\n', "3-letter code", 1),
        ('colour = "red"\n', "unknown setting 'colour'", 1),
        (
            '[pipeline]\n[[pipeline.stages]]\nid = "a"\n[[pipeline.stages]]\nid = "b"\n'
            'closes = "maybe"\n',
            "closes must be 'won' or 'lost'",
            6,
        ),
        (
            '[pipeline]\n[[pipeline.stages]]\nid = "a"\n[[pipeline.stages]]\nid = "w"\n'
            'closes = "won"\n',
            "needs a stage with closes = 'lost'",
            None,
        ),
        ('[pipeline]\nqualified_stage = "won"\n', "not one of the open stages", 2),
        ('[leads]\nreferral_source = "friends"\n', "not in leads.sources", 2),
        (
            '[pipeline]\n[[pipeline.stages]]\nid = "new"\nstale_after_days = -2\n'
            '[[pipeline.stages]]\nid = "won"\ncloses = "won"\n'
            '[[pipeline.stages]]\nid = "lost"\ncloses = "lost"\n',
            "whole number of days",
            4,
        ),
        ('# mine\n[assistant]\nallow_writes = "yes"\n', "must be true or false", 3),
        ("[assistant]\nwrite = true\n", "unknown setting", 2),
    ],
)
def test_bad_values_are_named_with_their_line(tmp_path, text, message, line):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    if line is not None:
        assert caught.value.line == line


def test_the_assistant_may_write_only_when_the_file_says_so(tmp_path):
    path = tmp_path / "config.toml"
    assert load_settings(path).assistant_writes is False
    path.write_text("[assistant]\nallow_writes = true\n")
    assert load_settings(path).assistant_writes is True


def test_custom_pipeline_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[pipeline]\nqualified_stage = "fit"\n'
        '[[pipeline.stages]]\nid = "lead"\nlabel = "Lead"\nstale_after_days = 2\n'
        '[[pipeline.stages]]\nid = "fit"\n'
        '[[pipeline.stages]]\nid = "signed"\ncloses = "won"\n'
        '[[pipeline.stages]]\nid = "gone"\ncloses = "lost"\n'
    )
    settings = load_settings(path)
    assert settings.stage_ids == ("lead", "fit", "signed", "gone")
    assert settings.stage("lead").stale_after_days == 2
    assert settings.stage("fit").label == "Fit"
    assert settings.closing_stage("lost").id == "gone"


def test_revenue_goal_reads_saves_and_rejects_bad_values(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('currency = "EUR"\n\n[goal]\nrevenue = 125000.50\nperiod = "quarter"\n')
    settings = load_settings(path)
    assert (settings.revenue_goal_cents, settings.goal_period) == (12_500_050, "quarter")
    save_settings(settings, tmp_path / "again.toml")
    assert load_settings(tmp_path / "again.toml") == settings

    path.write_text('[goal]\nrevenue = 1000\nperiod = "week"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.line == 3 and "month, quarter, year" in str(caught.value)
    path.write_text("[goal]\nrevenue = -5\n")
    with pytest.raises(ConfigError, match=r"line 2: goal\.revenue: must be an amount"):
        load_settings(path)


THREE_STAGES = """\
# A pipeline of my own
currency = "EUR"

[pipeline]
qualified_stage = "fit"

[[pipeline.stages]]
id = "lead"
label = "Lead"

[[pipeline.stages]]
id = "fit"
stale_after_days = 5

[[pipeline.stages]]
id = "Signed Off"
closes = "won"

[[pipeline.stages]]
id = "gone"
closes = "lost"
"""


def test_a_bad_id_in_the_third_stage_is_reported_at_the_third_stage_line(tmp_path):
    """Not at the first `id =` of the file (line 8): the key is found in its own table."""
    path = tmp_path / "config.toml"
    path.write_text(THREE_STAGES)
    with pytest.raises(ConfigError, match="stage 3: id 'Signed Off'") as caught:
        load_settings(path)
    assert caught.value.line == 16
    assert THREE_STAGES.splitlines()[caught.value.line - 1] == 'id = "Signed Off"'


@pytest.mark.parametrize(
    ("replace", "by", "line", "message"),
    [
        ("stale_after_days = 5", "stale_after_days = 0", 13, "whole number of days"),
        ('id = "gone"\ncloses = "lost"', 'id = "gone"\ncloses = "never"', 21, "closes must be"),
        ('id = "gone"', 'id = "gone"\ncolour = "red"', 21, "'pipeline.stages[4].colour'"),
        ('id = "signed"', 'id = "fit"', 16, "stage id 'fit' appears twice"),
        ("[pipeline]\n", '[pipeline]\nlabel = "x"\n', 5, "unknown setting 'pipeline.label'"),
    ],
)
def test_each_bad_stage_value_is_named_at_its_own_line(tmp_path, replace, by, line, message):
    text = THREE_STAGES.replace('id = "Signed Off"', 'id = "signed"')
    text = text.replace(replace, by, 1)
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_settings(path)
    assert caught.value.line == line, text.splitlines()[(caught.value.line or 1) - 1]


def test_a_key_of_the_same_name_in_another_table_is_not_taken_for_it(tmp_path):
    """A key is looked for in its own table: `period` under [goal], `sources` under [keymap]."""
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"board.new-lead" = "N"\n\n[goal]\nperiod = "week"\n')
    with pytest.raises(ConfigError, match=r"goal\.period") as caught:
        load_settings(path)
    assert caught.value.line == 5
    path.write_text('[leads]\nsources = ["web"]\nreferral_source = "web"\n[keymap]\nsources = 3\n')
    with pytest.raises(ConfigError, match=r"keymap\.sources") as caught:
        load_settings(path)
    assert caught.value.line == 5
