"""pegboard's own export folder, taken back whole (ids and all) into an empty book."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from peewee import DateField, DateTimeField, IntegerField, Model

from pegboard.errors import ImportRefused
from pegboard.services.demo import database_is_empty
from pegboard.services.export import BOOK_TABLES, columns_of, plain_cell
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
        items = json.loads(json_path.read_text(encoding="utf-8"))
        for number, item in enumerate(items, start=1):
            yield number, [item.get(column) for column in columns]


def import_book(
    folder: Path, *, dry_run: bool = False, before_write: Callable[[], None] | None = None
) -> dict[str, int]:
    """Take a pegboard export folder back whole, ids and all, into an empty database: every
    value checked first, then (unless a dry run, and after `before_write`) written."""
    if not database_is_empty():
        raise ImportRefused(
            "a pegboard export goes into an empty database (its ids are kept); "
            "use --db with a new file"
        )
    problems: list[str] = []
    counts: dict[str, int] = {}
    for name, model in BOOK_TABLES:
        fields = model._meta.sorted_fields
        count = 0
        for line, values in _book_rows(folder, name, model):
            for model_field, text in zip(fields, values, strict=True):
                _book_value(model_field, text, line, name, problems)
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
