"""Writing settings: whole new files with tomli-w, through a temporary file and a rename."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pegboard.config.model import LoyaltyRule, LoyaltyTier, Settings
from pegboard.errors import ConfigError
from pegboard.locales import default_date_order, default_phone_region
from pegboard.money import default_number_format, minor_to_units


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
        "currency": str(settings.currency),
        "number_format": settings.number_format,
        "date_order": settings.date_order,
        "phone_region": settings.phone_region,
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
            "meet_every_days": settings.meet_every_days,
        },
        "loyalty": {
            "ask_referral_after_days": settings.ask_referral_after_days,
            "lapsed_after_months": settings.lapsed_after_months,
            "rules": [rule_to_toml(rule, settings.currency) for rule in settings.loyalty_rules],
            # Left out when there are none: `tiers = []` would clash with the
            # [[loyalty.tiers]] tables an owner adds below it.
            **(
                {
                    "tiers": [
                        tier_to_toml(tier, settings.currency) for tier in settings.loyalty_tiers
                    ]
                }
                if settings.loyalty_tiers
                else {}
            ),
        },
        "goal": {
            "revenue": minor_to_units(settings.revenue_goal_cents, settings.currency),
            "period": settings.goal_period,
        },
        "assistant": {"allow_writes": settings.assistant_writes},
        "keymap": dict(settings.keymap),
    }


def tier_to_toml(tier: LoyaltyTier, currency: str = "USD") -> dict[str, Any]:
    """A tier as a [[loyalty.tiers]] table."""
    entry: dict[str, Any] = {"name": tier.name}
    if tier.spend_cents is not None:
        entry["spend"] = minor_to_units(tier.spend_cents, currency)
    else:
        entry["purchases"] = tier.purchases
    entry["over"] = tier.over
    entry["percent"] = (
        int(tier.percent) if tier.percent == int(tier.percent) else float(tier.percent)
    )
    return entry


def rule_to_toml(rule: LoyaltyRule, currency: str = "USD") -> dict[str, Any]:
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
        entry["amount"] = minor_to_units(rule.amount_cents, currency)
    if rule.min_cents:
        entry["min_amount"] = minor_to_units(rule.min_cents, currency)
    if rule.window_months is not None:
        entry["window_months"] = rule.window_months
    return entry


def save_settings(settings: Settings, path: Path) -> None:
    """Write the settings as a whole new file (tomli-w), atomically. The owner's own
    config.toml is edited in place instead (config.editor.edit_settings)."""
    import tomli_w

    write_atomically(path, tomli_w.dumps(to_toml_dict(settings)))


def write_atomically(path: Path, payload: str) -> None:
    """A temp file in the same directory, synced, then renamed over `path`: a crash
    leaves the old file or the new one, never half of one."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    except OSError as error:
        raise ConfigError(path, f"cannot be written ({error.strerror or error})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except OSError as error:
        Path(tmp_name).unlink(missing_ok=True)
        raise ConfigError(path, f"cannot be written ({error.strerror or error})") from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def ensure_config_file(path: Path) -> Settings:
    """Load the settings, writing the defaults first if there is no file yet."""
    from pegboard.config.reader import load_settings

    if not path.exists():
        from pegboard.config.editor import commented_config

        defaults = Settings(
            number_format=default_number_format(),
            date_order=default_date_order(),
            phone_region=default_phone_region(),
        )
        write_atomically(path, commented_config(defaults))
    return load_settings(path)
