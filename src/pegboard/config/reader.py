"""Reading config.toml: one function per table, shared checks, errors at the right line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pegboard.config.limits import MOST_DAYS, MOST_MONEY, MOST_MONTHS, MOST_REFERRALS
from pegboard.config.lines import KeyLines
from pegboard.config.model import CLOSES, GOAL_PERIODS, LoyaltyRule, Settings, Stage
from pegboard.config.rules import read_loyalty_rule, read_loyalty_tier
from pegboard.errors import ConfigError
from pegboard.locales import DATE_ORDERS, default_date_order, default_phone_region
from pegboard.money import NUMBER_FORMATS, Currency, default_number_format, units_to_minor
from pegboard.phones import region_known

STAGE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
DEFAULTS = Settings()


def load_settings(path: Path) -> Settings:
    """Read settings from `path`; defaults (the locale's formats) when it does not exist."""
    if not path.exists():
        return read_settings({}, Checks(path, KeyLines("")))
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
    return read_settings(data, Checks(path, KeyLines(text)))


def parse_loyalty_rule(entry: dict[str, Any]) -> LoyaltyRule:
    """Check one rule as a [[loyalty.rules]] table would be checked (for the in-app editor).

    Raises ConfigError whose `message` says what is wrong.
    """
    return read_loyalty_rule(entry, 1, Checks(Path("config.toml"), KeyLines("")))


@dataclass(frozen=True)
class Key:
    """A setting: the table it is in (its entry, for an array of tables), its key, and
    the name an error shows it by (the key itself unless said)."""

    table: str
    key: str
    entry: int = 1
    name: str = ""

    @property
    def shown(self) -> str:
        return self.name or self.key


class Checks:
    """The checks every table shares; a failure names the key and the line it is on."""

    def __init__(self, path: Path, lines: KeyLines) -> None:
        self.path = path
        self.lines = lines
        self.currency = Currency()
        """The book's currency, once read: amounts in the file are in its units."""

    def fail(self, at: Key, message: str) -> ConfigError:
        line = self.lines.line_of(at.table, at.key, at.entry)
        return ConfigError(self.path, f"{at.shown}: {message}", line)

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(Key("", key), "must be a table")
        return value

    def known_keys(self, table: dict[str, Any], allowed, at: Key) -> None:
        """Every key of `table` (the table `at` names) is one of `allowed`."""
        for key in table:
            if key not in allowed:
                name = f"{at.shown}.{key}" if at.shown else key
                line = self.lines.line_of(at.table, key, at.entry)
                raise ConfigError(self.path, f"unknown setting {name!r}", line)

    def string(self, value: Any, at: Key) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(at, "must be a non-empty string")
        return value.strip()

    def string_list(self, value: Any, at: Key) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(at, "must be a non-empty list of strings")
        items = tuple(self.string(item, at) for item in value)
        if len(set(items)) != len(items):
            raise self.fail(at, "has the same entry twice")
        return items

    def whole(self, value: Any, at: Key, minimum: int = 1, maximum: int = MOST_DAYS) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(at, f"must be a whole number, {minimum} or more")
        if value > maximum:
            raise self.fail(at, f"must be at most {maximum:,}, not {value:,}")
        return value


def read_settings(data: dict[str, Any], checks: Checks) -> Settings:
    """Settings from the whole file's data, one table at a time."""
    checks.known_keys(
        data,
        {
            "currency",
            "number_format",
            "date_order",
            "phone_region",
            "theme",
            "pipeline",
            "leads",
            "partners",
            "loyalty",
            "goal",
            "assistant",
            "keymap",
        },
        Key("", ""),
    )
    currency = checks.string(data.get("currency", DEFAULTS.currency), Key("", "currency"))
    currency = currency.upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise checks.fail(
            Key("", "currency"), f"must be a 3-letter code such as USD, not {currency!r}"
        )
    at = Key("", "number_format")
    number_format = checks.string(data.get("number_format", default_number_format()), at)
    if number_format not in NUMBER_FORMATS:
        raise checks.fail(
            at, f"must be one of {', '.join(map(repr, NUMBER_FORMATS))}, not {number_format!r}"
        )
    checks.currency = Currency(currency, number_format)
    keymap = checks.table(data, "keymap")
    for key, value in keymap.items():
        checks.string(value, Key("keymap", key, name=f"keymap.{key}"))
    return Settings(
        **read_pipeline(checks.table(data, "pipeline"), checks),
        **read_leads(checks.table(data, "leads"), checks),
        **read_partners(checks.table(data, "partners"), checks),
        **read_loyalty(checks.table(data, "loyalty"), checks),
        **read_goal(checks.table(data, "goal"), checks),
        **read_assistant(checks.table(data, "assistant"), checks),
        currency=currency,
        number_format=number_format,
        **read_regional(data, checks),
        theme=checks.string(data.get("theme", DEFAULTS.theme), Key("", "theme")),
        keymap=dict(keymap),
    )


def read_regional(data: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """date_order and phone_region: how dates and phone numbers are read by default."""
    at = Key("", "date_order")
    date_order = checks.string(data.get("date_order", default_date_order()), at)
    if date_order not in DATE_ORDERS:
        raise checks.fail(at, f"must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    at = Key("", "phone_region")
    region = checks.string(data.get("phone_region", default_phone_region()), at).upper()
    if not re.fullmatch(r"[A-Z]{2}", region) or not region_known(region):
        raise checks.fail(at, f"must be a 2-letter country code such as US or DE, not {region!r}")
    return {"date_order": date_order, "phone_region": region}


def read_pipeline(pipeline: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[pipeline]: the stages and which of them is 'qualified'."""
    checks.known_keys(pipeline, {"stages", "qualified_stage"}, Key("pipeline", "", name="pipeline"))
    stages = read_stages(pipeline["stages"], checks) if "stages" in pipeline else DEFAULTS.stages
    at = Key("pipeline", "qualified_stage")
    qualified = checks.string(pipeline.get("qualified_stage", DEFAULTS.qualified_stage), at)
    open_ids = {stage.id for stage in stages if stage.closes is None}
    if qualified not in open_ids:
        raise checks.fail(at, f"{qualified!r} is not one of the open stages {sorted(open_ids)}")
    return {"stages": stages, "qualified_stage": qualified}


def read_stages(value: Any, checks: Checks) -> tuple[Stage, ...]:
    """[[pipeline.stages]]: each one checked, then the set (ids once, both closes, one open)."""
    whole_list = Key("pipeline", "stages")
    if not isinstance(value, list) or not value:
        raise checks.fail(whole_list, "must be a non-empty list of [[pipeline.stages]] tables")
    stages = tuple(read_stage(entry, index, checks) for index, entry in enumerate(value, 1))
    ids = [stage.id for stage in stages]
    duplicates = sorted({stage_id for stage_id in ids if ids.count(stage_id) > 1})
    if duplicates:
        second = [index for index, stage_id in enumerate(ids, 1) if stage_id == duplicates[0]][1]
        raise checks.fail(
            Key("pipeline.stages", "id", second, name="stages"),
            f"stage id {duplicates[0]!r} appears twice",
        )
    for outcome in CLOSES:
        if not any(stage.closes == outcome for stage in stages):
            raise checks.fail(whole_list, f"needs a stage with closes = {outcome!r}")
    if not any(stage.closes is None for stage in stages):
        raise checks.fail(whole_list, "needs at least one open stage")
    return stages


def read_stage(entry: Any, index: int, checks: Checks) -> Stage:
    """One [[pipeline.stages]] table, the `index`-th."""
    name = f"pipeline.stages[{index}]"

    def at(key: str, shown: str = "") -> Key:
        return Key("pipeline.stages", key, index, shown)

    if not isinstance(entry, dict):
        raise checks.fail(
            Key("pipeline", "stages", name="stages"), f"entry {index} must be a table"
        )
    checks.known_keys(entry, {"id", "label", "closes", "stale_after_days"}, at("", name))
    stage_id = checks.string(entry.get("id"), at("id", f"{name}.id"))
    if not STAGE_ID.match(stage_id):
        raise checks.fail(
            at("id"), f"stage {index}: id {stage_id!r} must be lower-case letters, digits, - or _"
        )
    label = checks.string(entry.get("label", stage_id.title()), at("label", f"{name}.label"))
    closes = entry.get("closes")
    if closes is not None and closes not in CLOSES:
        raise checks.fail(at("closes"), f"stage {stage_id!r}: closes must be 'won' or 'lost'")
    stale = entry.get("stale_after_days")
    if stale is not None and (
        isinstance(stale, bool) or not isinstance(stale, int) or not 1 <= stale <= MOST_DAYS
    ):
        raise checks.fail(
            at("stale_after_days"),
            f"stage {stage_id!r}: must be a whole number of days, 1 to {MOST_DAYS:,}",
        )
    return Stage(stage_id, label, closes, stale)


def read_leads(leads: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[leads]: the sources, the one that marks a referral, and what 'qualified' means."""
    checks.known_keys(
        leads, {"sources", "referral_source", "qualification"}, Key("leads", "", name="leads")
    )
    sources = checks.string_list(
        leads.get("sources", list(DEFAULTS.sources)), Key("leads", "sources")
    )
    at = Key("leads", "referral_source")
    referral = checks.string(leads.get("referral_source", DEFAULTS.referral_source), at)
    if referral not in sources:
        raise checks.fail(at, f"{referral!r} is not in leads.sources")
    qualification = checks.string_list(
        leads.get("qualification", list(DEFAULTS.qualification)), Key("leads", "qualification")
    )
    return {"sources": sources, "referral_source": referral, "qualification": qualification}


def read_partners(partners: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[partners]: when I owe a partner, and when to ask how a given referral went."""
    checks.known_keys(
        partners,
        {"owe_when_balance_over", "ask_given_after_days", "meet_every_days"},
        Key("partners", "", name="partners"),
    )
    ask_given = checks.whole(
        partners.get("ask_given_after_days", DEFAULTS.ask_given_after_days),
        Key("partners", "ask_given_after_days"),
    )
    owe_over = checks.whole(
        partners.get("owe_when_balance_over", DEFAULTS.owe_when_balance_over),
        Key("partners", "owe_when_balance_over"),
        minimum=0,
        maximum=MOST_REFERRALS,
    )
    meet_every = checks.whole(
        partners.get("meet_every_days", DEFAULTS.meet_every_days),
        Key("partners", "meet_every_days"),
        minimum=0,
    )
    return {
        "ask_given_after_days": ask_given,
        "owe_when_balance_over": owe_over,
        "meet_every_days": meet_every,
    }


def read_loyalty(loyalty: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[loyalty]: the discount rules and when a customer is ripe to ask or has lapsed."""
    checks.known_keys(
        loyalty,
        {"rules", "tiers", "ask_referral_after_days", "lapsed_after_months"},
        Key("loyalty", "", name="loyalty"),
    )
    tiers: tuple = ()
    if "tiers" in loyalty:
        if not isinstance(loyalty["tiers"], list):
            raise checks.fail(Key("loyalty", "tiers"), "must be a list of [[loyalty.tiers]] tables")
        tiers = tuple(
            read_loyalty_tier(entry, index, checks)
            for index, entry in enumerate(loyalty["tiers"], 1)
        )
    rules = DEFAULTS.loyalty_rules
    if "rules" in loyalty:
        if not isinstance(loyalty["rules"], list):
            raise checks.fail(Key("loyalty", "rules"), "must be a list of [[loyalty.rules]] tables")
        rules = tuple(
            read_loyalty_rule(entry, index, checks)
            for index, entry in enumerate(loyalty["rules"], 1)
        )
    return {
        "loyalty_rules": rules,
        "loyalty_tiers": tiers,
        "ask_referral_after_days": checks.whole(
            loyalty.get("ask_referral_after_days", DEFAULTS.ask_referral_after_days),
            Key("loyalty", "ask_referral_after_days"),
        ),
        "lapsed_after_months": checks.whole(
            loyalty.get("lapsed_after_months", DEFAULTS.lapsed_after_months),
            Key("loyalty", "lapsed_after_months"),
            maximum=MOST_MONTHS,
        ),
    }


def read_goal(goal: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[goal]: the revenue to win per period, in currency units."""
    checks.known_keys(goal, {"revenue", "period"}, Key("goal", "", name="goal"))
    revenue = goal.get("revenue", 0)
    if (
        isinstance(revenue, bool)
        or not isinstance(revenue, int | float)
        or not 0 <= revenue <= MOST_MONEY
    ):
        raise checks.fail(
            Key("goal", "revenue", name="goal.revenue"),
            f"must be an amount from 0 (no goal) to {MOST_MONEY:,}",
        )
    period = goal.get("period", DEFAULTS.goal_period)
    if period not in GOAL_PERIODS:
        raise checks.fail(
            Key("goal", "period", name="goal.period"),
            f"must be one of {', '.join(GOAL_PERIODS)}, not {period!r}",
        )
    amount = Decimal(str(revenue))
    if amount != amount.quantize(Decimal(1).scaleb(-checks.currency.digits)):
        raise checks.fail(
            Key("goal", "revenue", name="goal.revenue"),
            f"has fractions of {checks.currency}'s smallest unit",
        )
    return {"revenue_goal_cents": units_to_minor(amount, checks.currency), "goal_period": period}


def read_assistant(assistant: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """[assistant]: whether `pegboard mcp` may write to the book."""
    at = Key("assistant", "allow_writes", name="assistant.allow_writes")
    checks.known_keys(assistant, {"allow_writes"}, Key("assistant", "", name="assistant"))
    allowed = assistant.get("allow_writes", DEFAULTS.assistant_writes)
    if not isinstance(allowed, bool):
        raise checks.fail(at, f"must be true or false, not {allowed!r}")
    return {"assistant_writes": allowed}
