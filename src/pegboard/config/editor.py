"""config.toml is the owner's file: a change made in the app (a theme picked, a loyalty
rule edited) rewrites only the values it changes, with tomlkit, and keeps every other
byte (comments, order, blank lines) as the owner left it. A new file is written with
a comment on every table and key saying what it does."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pegboard.config.model import Settings
from pegboard.config.writer import to_toml_dict, write_atomically
from pegboard.errors import ConfigError

PLACES: dict[str, tuple[str, ...]] = {
    "currency": ("currency",),
    "number_format": ("number_format",),
    "date_order": ("date_order",),
    "phone_region": ("phone_region",),
    "theme": ("theme",),
    "stages": ("pipeline", "stages"),
    "qualified_stage": ("pipeline", "qualified_stage"),
    "sources": ("leads", "sources"),
    "referral_source": ("leads", "referral_source"),
    "qualification": ("leads", "qualification"),
    "owe_when_balance_over": ("partners", "owe_when_balance_over"),
    "ask_given_after_days": ("partners", "ask_given_after_days"),
    "meet_every_days": ("partners", "meet_every_days"),
    "ask_referral_after_days": ("loyalty", "ask_referral_after_days"),
    "lapsed_after_months": ("loyalty", "lapsed_after_months"),
    "loyalty_rules": ("loyalty", "rules"),
    "loyalty_tiers": ("loyalty", "tiers"),
    "revenue_goal_cents": ("goal", "revenue"),
    "goal_period": ("goal", "period"),
    "assistant_writes": ("assistant", "allow_writes"),
    "keymap": ("keymap",),
}
"""Where each setting lives in config.toml."""

COMMENTS: dict[tuple[str, ...], str] = {
    ("currency",): "ISO 4217 code of the book's money, such as USD, EUR, GBP or JPY",
    ("number_format",): (
        'how amounts are typed and shown: "1,234.56", "1.234,56", "1 234,56", '
        '"1\'234.56", "1234.56" or "1234,56"'
    ),
    ("date_order",): 'how 03/12/2026 is read: "dmy" (3 December), "mdy" (March 12) or "ymd"',
    ("phone_region",): (
        "country of a phone number typed without +code (ISO code such as US, DE, GB)"
    ),
    ("theme",): "a Textual theme; one picked in the app (ctrl+p, Theme) is saved here",
    ("pipeline",): "The board's columns, left to right",
    ("pipeline", "qualified_stage"): "moving a lead here shows the qualification checklist",
    ("pipeline", "stages"): (
        'each: id, label, closes = "won" or "lost" for the closing stages, and '
        "stale_after_days (a lead not touched for that long is flagged)"
    ),
    ("leads",): "Where leads come from, and what 'qualified' means",
    ("leads", "sources"): "the sources a lead can have",
    ("leads", "referral_source"): "the source that marks a referred (warm) lead",
    ("leads", "qualification"): "the checklist shown when a lead becomes qualified",
    ("partners",): "Referral partners",
    ("partners", "owe_when_balance_over"): (
        "I owe a partner who sent me more than this many referrals above what I sent"
    ),
    ("partners", "meet_every_days"): (
        "a partner not met one to one for this many days shows on Today; 0: never"
    ),
    ("partners", "ask_given_after_days"): (
        "a referral I gave with no outcome after this many days: ask how it went"
    ),
    ("loyalty",): "Repeat customers and their discounts",
    ("loyalty", "ask_referral_after_days"): (
        "a repeat customer not asked for a referral in this many days is ripe to ask"
    ),
    (
        "loyalty",
        "lapsed_after_months",
    ): "a customer with no purchase in this many months has lapsed",
    ("loyalty", "rules"): (
        "each: name; purchase = N (and_later = true for the Nth and after) or every = N; "
        "percent or amount (in the currency's units); optional min_amount, window_months. "
        "When several fit, the one that takes most off wins"
    ),
    ("loyalty", "tiers"): (
        "VIP tiers, lowest first; each: name; spend = AMOUNT or purchases = N; over = "
        '"lifetime", "year" or "12 months"; percent: what the tier takes off (the best of '
        "a tier and the rules wins)"
    ),
    ("goal",): "The revenue to win",
    ("goal", "revenue"): "per period, in the currency's units; 0 means no goal",
    ("goal", "period"): '"month", "quarter" or "year"',
    ("assistant",): "What an AI assistant may do through `pegboard mcp`",
    ("assistant", "allow_writes"): (
        "true lets it log referrals and touches, move leads and record purchases"
    ),
    ("keymap",): 'binding id = keys, such as "board.move-right" = "ctrl+l"',
}
"""What a new config.toml says about each table and key."""


def edit_settings(path: Path, settings: Settings, changed: Iterable[str]) -> None:
    """Write `settings` to config.toml changing only the `changed` settings' values; a
    missing file is written whole, with its comments."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    if not path.exists():
        write_atomically(path, commented_config(settings))
        return
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except ParseError as error:
        raise ConfigError(path, f"not valid TOML: {error}; nothing was changed") from None
    values = to_toml_dict(settings)
    for name in changed:
        place = PLACES[name]
        _put(document, place, _at(values, place))
    write_atomically(path, tomlkit.dumps(document))


def commented_config(settings: Settings) -> str:
    """A whole config.toml for `settings`, each table and key with its comment."""
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment("pegboard's settings: edit freely, comments are kept."))
    document.add(tomlkit.comment("Check it with: pegboard config"))
    document.add(tomlkit.nl())
    for key, value in to_toml_dict(settings).items():
        if isinstance(value, dict):
            document.add(tomlkit.nl())
            document.add(key, _commented_table(key, value))
        else:
            document.add(tomlkit.comment(COMMENTS[(key,)]))
            document.add(key, value)
    return tomlkit.dumps(document)


def _commented_table(name: str, values: dict[str, Any]):
    import tomlkit

    table = tomlkit.table()
    if (name,) in COMMENTS:
        table.comment(COMMENTS[(name,)])
    for (table_name, *key), comment in COMMENTS.items():
        if table_name == name and key and key[0] not in values:  # a key left out (tiers)
            table.add(tomlkit.comment(f"{key[0]}: {comment}"))
    for key, value in values.items():
        if comment := COMMENTS.get((name, key)):
            table.add(tomlkit.comment(comment))
        if isinstance(value, list) and value and isinstance(value[0], dict):
            table.add(key, _tables(value))
        else:
            table.add(key, value)
    return table


def _tables(entries: list[dict[str, Any]]):
    import tomlkit

    tables = tomlkit.aot()
    for entry in entries:
        table = tomlkit.table()
        table.update(entry)
        tables.append(table)
    return tables


def _at(values: dict[str, Any], place: tuple[str, ...]) -> Any:
    for key in place:
        values = values[key]
    return values


def _put(document, place: tuple[str, ...], value: Any) -> None:
    """Set one value in the document, creating its table if missing. An array of
    tables is changed table by table, so each one's comments stay."""
    import tomlkit

    container = document
    for key in place[:-1]:
        if key not in container:
            container[key] = tomlkit.table()
        container = container[key]
    key = place[-1]
    if isinstance(value, list) and value and isinstance(value[0], dict) and key in container:
        _put_tables(container[key], value)
    elif isinstance(value, dict) and key in container:
        _put_keys(container[key], value)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        container[key] = _tables(value)
    else:
        _set(container, key, value)


def _put_keys(table, values: dict[str, Any]) -> None:
    """A table's keys made `values`: the others removed, each one changed in place."""
    for old in [name for name in table if name not in values]:
        del table[old]
    for name, item in values.items():
        _set(table, name, item)


def _set(container, key: str, value: Any) -> None:
    """One key's value, where it differs; a comment after the old value stays."""
    import tomlkit

    if key in container and container[key] == value:
        return
    old = container.item(key) if key in container else None
    item = tomlkit.item(value)
    if old is not None and old.trivia.comment:
        item.trivia.comment_ws = old.trivia.comment_ws
        item.trivia.comment = old.trivia.comment
    container[key] = item


def _put_tables(tables, entries: list[dict[str, Any]]) -> None:
    """Each table in place (its keys changed where they differ), new ones appended,
    surplus ones removed from the end."""
    import tomlkit

    for index, entry in enumerate(entries):
        if index < len(tables):
            _put_keys(tables[index], entry)
        else:
            table = tomlkit.table()
            table.update(entry)
            table.add(tomlkit.nl())
            tables.append(table)
    while len(tables) > len(entries):
        del tables[len(tables) - 1]
