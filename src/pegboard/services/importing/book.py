"""pegboard's own export folder, taken back whole (ids and all) into an empty book."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from peewee import DateField, DateTimeField, IntegerField, Model

from pegboard.config import Settings
from pegboard.errors import ImportRefused
from pegboard.services.csv_cells import plain_cell
from pegboard.services.demo import database_is_empty
from pegboard.services.export import BOOK_TABLES, columns_of
from pegboard.services.importing.book_rules import BookRules
from pegboard.services.importing.readers import read_csv
from pegboard.services.writes import write_transaction
from pegboard.store.bulk import bulk_insert, bulk_load
from pegboard.store.dialect import reset_id_sequences


def is_book_folder(path: Path) -> bool:
    return path.is_dir() and any(
        (path / f"{name}.{ext}").exists() for name, _ in BOOK_TABLES for ext in ("csv", "json")
    )


def _book_value(field, text, line: int, name: str, problems: list[str]):
    """One exported cell back to the value it was (empty is None where None is allowed)."""
    if text is None or (text == "" and field.null):
        return None
    try:
        if isinstance(field, DateTimeField):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
        if isinstance(field, DateField):
            return date.fromisoformat(text)
        if isinstance(field, IntegerField) or field.field_type in ("INT", "BIGINT", "AUTO"):
            return int(text)
        if field.field_type == "FLOAT":
            return float(text)
    except (TypeError, ValueError):
        problems.append(f"{name}: line {line}: {field.column_name}={text!r} is not valid")
        return None
    return text


def _book_rows(folder: Path, name: str, model: type[Model]) -> Iterator[tuple[int, list]]:
    """The rows of one exported table as (line or item number, values in column order)."""
    columns = columns_of(model)
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    if csv_path.exists():
        header, rows = read_csv(csv_path)
        if header != columns:
            raise ImportRefused(
                f"{csv_path.name}: the columns are not those of a pegboard export "
                f"(expected {', '.join(columns)})"
            )
        for line, row in rows:
            yield line, [plain_cell(cell) for cell in row]
    elif json_path.exists():
        for number, item in enumerate(_json_items(json_path, columns), start=1):
            yield number, [item.get(column) for column in columns]


def _json_items(path: Path, columns: list[str]) -> list[dict]:
    """The rows of an exported JSON table, or a refusal naming what is wrong and where."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ImportRefused(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"{path.name}: not valid JSON ({error.msg} at line {error.lineno}); nothing was imported"
        ) from None
    if not isinstance(items, list):
        raise ImportRefused(f"{path.name}: not a list of rows, as an export writes")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRefused(f"{path.name}: item {number} is not a row (an object)")
        unknown = sorted(set(item) - set(columns))
        if unknown:
            raise ImportRefused(
                f"{path.name}: item {number}: unknown column {unknown[0]!r} "
                f"(the columns are {', '.join(columns)})"
            )
    return items


def _refuse_a_mixed_folder(folder: Path) -> None:
    """Tables from two exports (a CSV one and a later JSON one) would be taken half from
    each: a folder holds one export."""
    formats = {
        ext
        for name, _ in BOOK_TABLES
        for ext in ("csv", "json")
        if (folder / f"{name}.{ext}").exists()
    }
    if len(formats) > 1:
        raise ImportRefused(
            f"{folder} holds both a CSV and a JSON export; keep the one to import "
            "(nothing was imported)"
        )


def import_book(
    folder: Path,
    *,
    dry_run: bool = False,
    before_write: Callable[[], None] | None = None,
    settings: Settings | None = None,
) -> dict[str, int]:
    """Take a pegboard export folder back whole, ids and all, into an empty database: every
    value checked first, then (unless a dry run, and after `before_write`) written."""
    if not database_is_empty():
        raise ImportRefused(
            "a pegboard export goes into an empty database (its ids are kept); "
            "use --db with a new file"
        )
    _refuse_a_mixed_folder(folder)
    problems: list[str] = []
    counts: dict[str, int] = {}
    rules = BookRules(settings)
    for name, model in BOOK_TABLES:
        fields = model._meta.sorted_fields
        count = 0
        for line, values in _book_rows(folder, name, model):
            row = {
                model_field.name: _book_value(model_field, text, line, name, problems)
                for model_field, text in zip(fields, values, strict=True)
            }
            problems += rules.check(name, model, row, line)
            count += 1
        counts[name] = count
    if problems:
        raise ImportRefused(f"{len(problems)} bad value(s); nothing was imported", problems)
    if dry_run:
        return counts
    if before_write is not None:
        before_write()
    with write_transaction(), bulk_load():
        for name, model in BOOK_TABLES:
            fields = model._meta.sorted_fields
            rows = (
                [
                    _book_value(model_field, text, line, name, problems)
                    for model_field, text in zip(fields, values, strict=True)
                ]
                for line, values in _book_rows(folder, name, model)
            )
            bulk_insert(model, fields, rows)
        # Ids came from the file: the next ones the database hands out follow them.
        reset_id_sequences([model for _, model in BOOK_TABLES])
    return counts
