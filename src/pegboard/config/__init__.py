"""Settings: typed dataclasses read from config.toml, written back through a rename.

model.py    the dataclasses and the defaults that ship with the app
reader.py   one reader per TOML table; errors name the key at its line
lines.py    where each key is, by table and array entry
writer.py   new files with tomli-w
wording.py  a loyalty rule in words
"""

from pegboard.config.model import (
    CLOSES,
    DEFAULT_LOYALTY_RULES,
    DEFAULT_QUALIFICATION,
    DEFAULT_SOURCES,
    DEFAULT_STAGES,
    GOAL_PERIODS,
    LoyaltyRule,
    LoyaltyTier,
    Settings,
    Stage,
)
from pegboard.config.reader import load_settings, parse_loyalty_rule
from pegboard.config.wording import describe_rule
from pegboard.config.writer import ensure_config_file, rule_to_toml, save_settings, to_toml_dict
from pegboard.errors import ConfigError

__all__ = [
    "CLOSES",
    "DEFAULT_LOYALTY_RULES",
    "DEFAULT_QUALIFICATION",
    "DEFAULT_SOURCES",
    "DEFAULT_STAGES",
    "GOAL_PERIODS",
    "ConfigError",
    "LoyaltyRule",
    "LoyaltyTier",
    "Settings",
    "Stage",
    "describe_rule",
    "ensure_config_file",
    "load_settings",
    "parse_loyalty_rule",
    "rule_to_toml",
    "save_settings",
    "to_toml_dict",
]
