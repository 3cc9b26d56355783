"""Settings: a typed dataclass read from config.toml with tomllib, written back with tomli_w."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pegboard.errors import ConfigError

CLOSES = ("won", "lost")


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def describe_rule(rule: LoyaltyRule, currency: str = "USD") -> str:
    """A rule in words: '10% off the 2nd purchase', '$20 off every 5th purchase of $100+'."""
    from pegboard.money import format_cents

    if rule.percent is not None:
        off = f"{rule.percent.normalize():f}% off"
    else:
        off = f"{format_cents(rule.amount_cents or 0, currency, whole=True)} off"
    if rule.every is not None:
        which = f"every {_ordinal(rule.every)} purchase"
    elif rule.and_later:
        which = f"the {_ordinal(rule.purchase or 0)} purchase and later"
    else:
        which = f"the {_ordinal(rule.purchase or 0)} purchase"
    text = f"{off} {which}"
    if rule.min_cents:
        text += f" of {format_cents(rule.min_cents, currency, whole=True)}+"
    if rule.window_months:
        text += f" (counting the last {rule.window_months} months)"
    return text


STAGE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


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
GOAL_PERIODS = ("month", "quarter", "year")
DEFAULT_QUALIFICATION = (
    "Has a real need we can meet",
    "Budget confirmed",
    "Talking to the decision maker",
    "Wants to start within 3 months",
)


@dataclass(frozen=True)
class LoyaltyRule:
    """A repeat-purchase discount: which purchase it is for, and how much off.

    Exactly one of `purchase` (the Nth purchase, or the Nth and later with
    `and_later`) or `every` (every Nth purchase); exactly one of `percent` or
    `amount_cents`.
    """

    name: str
    purchase: int | None = None
    and_later: bool = False
    every: int | None = None
    percent: Decimal | None = None
    amount_cents: int | None = None
    min_cents: int = 0
    """The purchase must be at least this much for the rule to apply."""
    window_months: int | None = None
    """Only purchases in the last N months count toward the purchase number."""


DEFAULT_LOYALTY_RULES = (
    LoyaltyRule("10% off the 2nd purchase", purchase=2, percent=Decimal(10)),
    LoyaltyRule(
        "15% off the 3rd purchase and later", purchase=3, and_later=True, percent=Decimal(15)
    ),
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
    loyalty_rules: tuple[LoyaltyRule, ...] = DEFAULT_LOYALTY_RULES
    """When several rules fit a purchase, the one that takes most off wins (the first on a tie)."""
    ask_referral_after_days: int = 90
    """A repeat customer not asked for a referral in this many days is ripe to ask."""
    lapsed_after_months: int = 6
    """A customer with no purchase in this many months has lapsed."""
    ask_given_after_days: int = 30
    """A referral I gave with no outcome after this many days: ask the partner how it went."""
    owe_when_balance_over: int = 0
    """I owe a partner when they sent me more than this many referrals above what I sent them."""
    revenue_goal_cents: int = 0
    """The revenue to win per goal period; 0 means no goal is set."""
    goal_period: str = "year"
    """The calendar period the revenue goal is for: month, quarter or year."""
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

    @property
    def qualified_stages(self) -> tuple[Stage, ...]:
        """The qualified stage and the open stages after it: a lead there is qualified
        (as is a won one)."""
        ids = [stage.id for stage in self.open_stages]
        return self.open_stages[ids.index(self.qualified_stage) :]

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
        "partners": {
            "owe_when_balance_over": settings.owe_when_balance_over,
            "ask_given_after_days": settings.ask_given_after_days,
        },
        "loyalty": {
            "ask_referral_after_days": settings.ask_referral_after_days,
            "lapsed_after_months": settings.lapsed_after_months,
            "rules": [rule_to_toml(rule) for rule in settings.loyalty_rules],
        },
        "goal": {"revenue": _units(settings.revenue_goal_cents), "period": settings.goal_period},
        "keymap": dict(settings.keymap),
    }


def rule_to_toml(rule: LoyaltyRule) -> dict[str, Any]:
    """A loyalty rule as a [[loyalty.rules]] table: amounts in currency units, None left out."""
    entry: dict[str, Any] = {"name": rule.name}
    if rule.purchase is not None:
        entry["purchase"] = rule.purchase
        if rule.and_later:
            entry["and_later"] = True
    if rule.every is not None:
        entry["every"] = rule.every
    if rule.percent is not None:
        entry["percent"] = (
            int(rule.percent) if rule.percent == int(rule.percent) else float(rule.percent)
        )
    if rule.amount_cents is not None:
        entry["amount"] = _units(rule.amount_cents)
    if rule.min_cents:
        entry["min_amount"] = _units(rule.min_cents)
    if rule.window_months is not None:
        entry["window_months"] = rule.window_months
    return entry


def _units(cents: int) -> int | float:
    return cents // 100 if cents % 100 == 0 else cents / 100


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
    import tempfile

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
        self.check_keys(
            data,
            {"currency", "theme", "pipeline", "leads", "partners", "loyalty", "goal", "keymap"},
            "",
        )
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
        self.check_keys(partners, {"owe_when_balance_over", "ask_given_after_days"}, "partners.")
        ask_given = self.whole(
            partners.get("ask_given_after_days", defaults.ask_given_after_days),
            "ask_given_after_days",
        )
        owe_over = partners.get("owe_when_balance_over", defaults.owe_when_balance_over)
        if isinstance(owe_over, bool) or not isinstance(owe_over, int) or owe_over < 0:
            raise self.fail("owe_when_balance_over", "must be a whole number, 0 or more")

        loyalty = self.table(data, "loyalty")
        self.check_keys(
            loyalty, {"rules", "ask_referral_after_days", "lapsed_after_months"}, "loyalty."
        )
        rules = (
            self.loyalty_rules(loyalty["rules"]) if "rules" in loyalty else defaults.loyalty_rules
        )
        ask_days = self.whole(
            loyalty.get("ask_referral_after_days", defaults.ask_referral_after_days),
            "ask_referral_after_days",
        )
        lapsed = self.whole(
            loyalty.get("lapsed_after_months", defaults.lapsed_after_months),
            "lapsed_after_months",
        )

        goal = self.table(data, "goal")
        self.check_keys(goal, {"revenue", "period"}, "goal.")
        revenue = goal.get("revenue", 0)
        if isinstance(revenue, bool) or not isinstance(revenue, int | float) or revenue < 0:
            raise self.fail("goal.revenue", "must be an amount, 0 (no goal) or more")
        goal_period = goal.get("period", defaults.goal_period)
        if goal_period not in GOAL_PERIODS:
            raise self.fail(
                "goal.period", f"must be one of {', '.join(GOAL_PERIODS)}, not {goal_period!r}"
            )

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
            ask_given_after_days=ask_given,
            loyalty_rules=rules,
            ask_referral_after_days=ask_days,
            lapsed_after_months=lapsed,
            revenue_goal_cents=round(Decimal(str(revenue)) * 100),
            goal_period=goal_period,
            currency=currency,
            theme=theme,
            keymap=dict(keymap),
        )

    def whole(self, value: Any, key: str, minimum: int = 1) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"must be a whole number, {minimum} or more")
        return value

    def loyalty_rules(self, value: Any) -> tuple[LoyaltyRule, ...]:
        if not isinstance(value, list):
            raise self.fail("rules", "must be a list of [[loyalty.rules]] tables")
        return tuple(self.loyalty_rule(entry, index) for index, entry in enumerate(value, 1))

    def loyalty_rule(self, entry: Any, index: int) -> LoyaltyRule:
        """One [[loyalty.rules]] table; every error names the rule."""
        where = f"loyalty rule {index}"
        line = self._nth_rule_line(index)

        def fail(message: str) -> ConfigError:
            return ConfigError(self.path, f"{where}: {message}", line)

        if not isinstance(entry, dict):
            raise fail("must be a table")
        allowed = {
            "name",
            "purchase",
            "and_later",
            "every",
            "percent",
            "amount",
            "min_amount",
            "window_months",
        }
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise fail(f"unknown field {unknown[0]!r} (fields: {', '.join(sorted(allowed))})")
        if ("purchase" in entry) == ("every" in entry):
            raise fail("give exactly one of purchase = N or every = N")
        if ("percent" in entry) == ("amount" in entry):
            raise fail("give exactly one of percent or amount")

        def count(key: str, minimum: int) -> int | None:
            if key not in entry:
                return None
            got = entry[key]
            if isinstance(got, bool) or not isinstance(got, int) or got < minimum:
                raise fail(f"{key} must be a whole number, {minimum} or more")
            return got

        def money(key: str) -> int | None:
            if key not in entry:
                return None
            got = entry[key]
            if isinstance(got, bool) or not isinstance(got, int | float) or got < 0:
                raise fail(f"{key} must be an amount, 0 or more")
            amount = Decimal(str(got))
            if amount != amount.quantize(Decimal("0.01")):
                raise fail(f"{key} has fractions of a cent")
            return int(amount * 100)

        percent = None
        if "percent" in entry:
            got = entry["percent"]
            if isinstance(got, bool) or not isinstance(got, int | float):
                raise fail("percent must be a number")
            percent = Decimal(str(got))
            if not Decimal(0) < percent <= Decimal(100):
                raise fail(f"percent must be more than 0 and at most 100, not {got}")
        and_later = entry.get("and_later", False)
        if not isinstance(and_later, bool):
            raise fail("and_later must be true or false")
        purchase, every = count("purchase", 1), count("every", 2)
        if and_later and purchase is None:
            raise fail("and_later goes with purchase = N")
        amount = money("amount")
        if amount is not None and amount <= 0:
            raise fail("amount must be more than 0")
        name = entry.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise fail("name must be a non-empty string")
        rule = LoyaltyRule(
            name="",
            purchase=purchase,
            and_later=and_later,
            every=every,
            percent=percent,
            amount_cents=amount,
            min_cents=money("min_amount") or 0,
            window_months=count("window_months", 1),
        )
        return replace(rule, name=name.strip() if name else describe_rule(rule))

    def _nth_rule_line(self, index: int) -> int | None:
        seen = 0
        for number, text in enumerate(self.lines, start=1):
            if text.strip().replace(" ", "") == "[[loyalty.rules]]":
                seen += 1
                if seen == index:
                    return number
        return None

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


def parse_loyalty_rule(entry: dict[str, Any]) -> LoyaltyRule:
    """Check one rule as a [[loyalty.rules]] table would be checked (for the in-app editor).

    Raises ConfigError whose `message` says what is wrong.
    """
    return _Reader(Path("config.toml"), "").loyalty_rule(entry, 1)
