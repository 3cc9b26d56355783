"""Shell completion from `pegboard completion SHELL`, sourced in a real bash: it
completes subcommands, options, and the book's own stage ids and sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pegboard.cli import main


def script(shell: str, capsys) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def completions(tmp_path: Path, text: str, words: list[str]) -> list[str]:
    """What bash offers after `words` (the last one being typed), with this script."""
    path = tmp_path / "pegboard.bash"
    path.write_text(text)
    line = " ".join(words)
    probe = (
        f"source {path}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={line!r}; COMP_POINT={len(line)}\n"
        "_shtab_pegboard pegboard\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return [word for word in done.stdout.split("\n") if word]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_bash_completes_commands_options_and_the_books_stage_ids(tmp_path, capsys, monkeypatch):
    text = script("bash", capsys)
    sourced = subprocess.run(
        ["bash", "-c", f"source /dev/stdin <<'EOF'\n{text}\nEOF\ncomplete -p pegboard"],
        capture_output=True,
        text=True,
    )
    assert "_shtab_pegboard" in sourced.stdout, sourced.stderr
    assert {"leads", "lead", "import", "config"} <= set(
        completions(tmp_path, text, ["pegboard", ""])
    )
    assert "--json" in completions(tmp_path, text, ["pegboard", "leads", "--"])
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        '[pipeline]\nqualified_stage = "enquiry"\n\n'
        '[[pipeline.stages]]\nid = "enquiry"\nlabel = "Enquiry"\n\n'
        '[[pipeline.stages]]\nid = "booked"\nlabel = "Booked"\ncloses = "won"\n\n'
        '[[pipeline.stages]]\nid = "gone"\nlabel = "Gone"\ncloses = "lost"\n'
    )
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    assert completions(tmp_path, text, ["pegboard", "lead", "move", "3", "b"]) == ["booked"]
    assert completions(tmp_path, text, ["pegboard", "lead", "add", "Ann", "--source", "we"]) == [
        "website"
    ]


@pytest.mark.parametrize("shell", ["zsh", "fish", "tcsh"])
def test_every_shell_gets_a_script_naming_the_commands(shell, capsys):
    text = script(shell, capsys)
    assert "pegboard _complete stages" in text and "import" in text


def test_the_word_lists_print_nothing_when_the_config_is_broken(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("currency = [\n")
    monkeypatch.setenv("PEGBOARD_CONFIG_DIR", str(config))
    assert main(["_complete", "stages"]) == 0
    assert capsys.readouterr() == ("", "")


def _leaf_commands(parser, prefix=""):
    import argparse as ap

    for action in parser._actions:
        if isinstance(action, ap._SubParsersAction):
            for name, sub in action.choices.items():
                if any(isinstance(a, ap._SubParsersAction) for a in sub._actions):
                    yield from _leaf_commands(sub, f"{prefix}{name} ")
                else:
                    yield f"{prefix}{name}"


def test_every_command_ends_its_help_with_examples_that_parse():
    import shlex

    from pegboard.cli.examples import EXAMPLES
    from pegboard.cli.parser import build_parser

    parser = build_parser()
    assert set(_leaf_commands(parser)) == set(EXAMPLES)
    for lines in EXAMPLES.values():
        for line in lines:
            words = shlex.split(line.split(" > ")[0].split(" | ")[0])
            assert words[0] == "pegboard", line
            parser.parse_args(words[1:])  # argparse exits (SystemExit) on a bad example


def test_the_top_help_lists_the_environment_and_files(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("PEGBOARD_DB", "PEGBOARD_CONFIG_DIR", "PEGBOARD_DATA_DIR"):
        assert name in out
    assert str(tmp_path / "config" / "config.toml") in out
