"""Settings: a typed dataclass read from config.toml with tomllib, written back with tomli_w."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLOSES = ("won", "lost")
STAGE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class ConfigError(Exception):
    """A config file that cannot be used; says which file, where, and what is wrong."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}: line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Stage:
    """One column of the pipeline."""

    id: str
    label: str
    closes: str | None = None
    """'won' or 'lost' for the stages that close a lead; None for open stages."""
    stale_after_days: int | None = None
    """Days without a touch before an open lead in this stage counts as stale (rotting)."""


DEFAULT_STAGES = (
    Stage("new", "New", stale_after_days=3),
    Stage("contacted", "Contacted", stale_after_days=7),
    Stage("qualified", "Qualified", stale_after_days=10),
    Stage("proposal", "Proposal", stale_after_days=14),
    Stage("won", "Won", closes="won"),
    Stage("lost", "Lost", closes="lost"),
)
DEFAULT_SOURCES = (
    "referral",
    "website",
    "advertising",
    "event",
    "pr",
    "social",
    "cold outreach",
    "other",
)
DEFAULT_QUALIFICATION = (
    "Has a real need we can meet",
    "Budget confirmed",
    "Talking to the decision maker",
    "Wants to start within 3 months",
)


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure. Defaults ship with the app."""

    stages: tuple[Stage, ...] = DEFAULT_STAGES
    qualified_stage: str = "qualified"
    """Moving a lead into this stage shows the qualification checklist."""
    sources: tuple[str, ...] = DEFAULT_SOURCES
    referral_source: str = "referral"
    """The source that marks a warm, referred lead."""
    qualification: tuple[str, ...] = DEFAULT_QUALIFICATION
    """The written definition of 'qualified', one criterion a line."""
    owe_when_balance_over: int = 0
    """I owe a partner when they sent me more than this many referrals above what I sent them."""
    currency: str = "USD"
    theme: str = "textual-dark"
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, applied with App.set_keymap()."""

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(stage.id for stage in self.stages)

    @property
    def first_stage(self) -> Stage:
        return self.open_stages[0]

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if stage.closes is None)

    def closing_stage(self, outcome: str) -> Stage:
        """The first stage that closes a lead as 'won' or 'lost'."""
        return next(stage for stage in self.stages if stage.closes == outcome)


def to_toml_dict(settings: Settings) -> dict[str, Any]:
    """The settings as TOML data; None values are left out (tomli-w refuses them)."""
    stages = []
    for stage in settings.stages:
        entry: dict[str, Any] = {"id": stage.id, "label": stage.label}
        if stage.closes:
            entry["closes"] = stage.closes
        if stage.stale_after_days is not None:
            entry["stale_after_days"] = stage.stale_after_days
        stages.append(entry)
    return {
        "currency": settings.currency,
        "theme": settings.theme,
        "pipeline": {"qualified_stage": settings.qualified_stage, "stages": stages},
        "leads": {
            "sources": list(settings.sources),
            "referral_source": settings.referral_source,
            "qualification": list(settings.qualification),
        },
        "partners": {"owe_when_balance_over": settings.owe_when_balance_over},
        "keymap": dict(settings.keymap),
    }


def load_settings(path: Path) -> Settings:
    """Read settings from `path`; defaults when the file does not exist."""
    if not path.exists():
        return Settings()
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's tomllib puts the position only in the text: "... (at line 3, column 10)".
        found = re.search(r"^(.*) \(at line (\d+), column (\d+)\)$", str(error))
        if found is None:
            raise ConfigError(path, f"not valid TOML: {error}") from None
        message, line, column = found.group(1), int(found.group(2)), found.group(3)
        raise ConfigError(path, f"column {column}: not valid TOML: {message}", line) from None
    return _Reader(path, text).settings(data)


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically: a temp file in the same directory, then rename over."""
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True)
    payload = tomli_w.dumps(to_toml_dict(settings))
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def ensure_config_file(path: Path) -> Settings:
    """Load the settings, writing the defaults first if there is no file yet."""
    if not path.exists():
        save_settings(Settings(), path)
    return load_settings(path)


class _Reader:
    """Validates TOML data into Settings; errors name the key and, where found, its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.path, f"{key}: {message}", self._line_of(key))

    def _line_of(self, dotted_key: str) -> int | None:
        leaf = dotted_key.split(".")[-1].split("[")[0]
        pattern = re.compile(rf"^\s*\"?{re.escape(leaf)}\"?\s*=")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def check_keys(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                name = f"{prefix}{key}"
                raise ConfigError(self.path, f"unknown setting {name!r}", self._line_of(name))

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value.strip()

    def string_list(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of strings")
        items = tuple(self.string(item, key) for item in value)
        if len(set(items)) != len(items):
            raise self.fail(key, "has the same entry twice")
        return items

    def settings(self, data: dict[str, Any]) -> Settings:
        defaults = Settings()
        self.check_keys(data, {"currency", "theme", "pipeline", "leads", "partners", "keymap"}, "")
        currency = self.string(data.get("currency", defaults.currency), "currency").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise self.fail("currency", f"must be a 3-letter code such as USD, not {currency!r}")
        theme = self.string(data.get("theme", defaults.theme), "theme")

        pipeline = self.table(data, "pipeline")
        self.check_keys(pipeline, {"stages", "qualified_stage"}, "pipeline.")
        stages = self.stages(pipeline["stages"]) if "stages" in pipeline else defaults.stages
        qualified = self.string(
            pipeline.get("qualified_stage", defaults.qualified_stage), "qualified_stage"
        )
        open_ids = {stage.id for stage in stages if stage.closes is None}
        if qualified not in open_ids:
            raise self.fail(
                "qualified_stage", f"{qualified!r} is not one of the open stages {sorted(open_ids)}"
            )

        leads = self.table(data, "leads")
        self.check_keys(leads, {"sources", "referral_source", "qualification"}, "leads.")
        sources = self.string_list(leads.get("sources", list(defaults.sources)), "sources")
        referral = self.string(
            leads.get("referral_source", defaults.referral_source), "referral_source"
        )
        if referral not in sources:
            raise self.fail("referral_source", f"{referral!r} is not in leads.sources")
        qualification = self.string_list(
            leads.get("qualification", list(defaults.qualification)), "qualification"
        )

        partners = self.table(data, "partners")
        self.check_keys(partners, {"owe_when_balance_over"}, "partners.")
        owe_over = partners.get("owe_when_balance_over", defaults.owe_when_balance_over)
        if isinstance(owe_over, bool) or not isinstance(owe_over, int) or owe_over < 0:
            raise self.fail("owe_when_balance_over", "must be a whole number, 0 or more")

        keymap = self.table(data, "keymap")
        for key, value in keymap.items():
            self.string(value, f"keymap.{key}")

        return Settings(
            stages=stages,
            qualified_stage=qualified,
            sources=sources,
            referral_source=referral,
            qualification=qualification,
            owe_when_balance_over=owe_over,
            currency=currency,
            theme=theme,
            keymap=dict(keymap),
        )

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def stages(self, value: Any) -> tuple[Stage, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("stages", "must be a non-empty list of [[pipeline.stages]] tables")
        stages = []
        for index, entry in enumerate(value, start=1):
            key = f"pipeline.stages[{index}]"
            if not isinstance(entry, dict):
                raise self.fail("stages", f"entry {index} must be a table")
            self.check_keys(entry, {"id", "label", "closes", "stale_after_days"}, f"{key}.")
            stage_id = self.string(entry.get("id"), f"{key}.id")
            if not STAGE_ID.match(stage_id):
                raise self.fail(
                    "id",
                    f"stage {index}: id {stage_id!r} must be lower-case letters, digits, - or _",
                )
            label = self.string(entry.get("label", stage_id.title()), f"{key}.label")
            closes = entry.get("closes")
            if closes is not None and closes not in CLOSES:
                raise self.fail("closes", f"stage {stage_id!r}: closes must be 'won' or 'lost'")
            stale = entry.get("stale_after_days")
            if stale is not None and (
                isinstance(stale, bool) or not isinstance(stale, int) or stale < 1
            ):
                raise self.fail(
                    "stale_after_days",
                    f"stage {stage_id!r}: must be a whole number of days, 1 or more",
                )
            stages.append(Stage(stage_id, label, closes, stale))
        ids = [stage.id for stage in stages]
        duplicates = sorted({stage_id for stage_id in ids if ids.count(stage_id) > 1})
        if duplicates:
            raise self.fail("stages", f"stage id {duplicates[0]!r} appears twice")
        for outcome in CLOSES:
            if not any(stage.closes == outcome for stage in stages):
                raise self.fail("stages", f"needs a stage with closes = {outcome!r}")
        if not any(stage.closes is None for stage in stages):
            raise self.fail("stages", "needs at least one open stage")
        return tuple(stages)
