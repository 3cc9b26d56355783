"""Fast bulk inserts for demo data and imports.

peewee's insert_many builds SQL text for every value, which costs about 10 us
a value: a minute for a 100,000-lead demo. Here the INSERT is built once by
peewee for one row and the rows go to the driver's executemany, with each
value passed through its field's db_value as peewee itself would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from peewee import DateField, DateTimeField, Field, Model, fn

from pegboard.store.dialect import is_postgres
from pegboard.store.lead_text import indexed_after_bulk_load
from pegboard.store.table_generations import counted_after_bulk_load
from pegboard.store.tallies import tallied_after_bulk_load

CHUNK_ROWS = 5000


@contextmanager
def bulk_load() -> Iterator[None]:
    """Around a bulk load, inside the caller's transaction: the per-row triggers (the
    search index's insert trigger, the table counters, the tallies) are off while the
    rows go in, and their work is done once after."""
    with indexed_after_bulk_load(), counted_after_bulk_load(), tallied_after_bulk_load():
        yield


def bulk_insert(model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence]) -> int:
    """Insert rows (values in `fields` order) inside the caller's transaction; returns the count.

    Columns left out get their field's default, as Model.create would give them.
    """
    database = model._meta.database
    given = {field.name for field in fields}  # by name: Field == builds SQL, not a bool
    defaults = [
        (field, field.default() if callable(field.default) else field.default)
        for field in model._meta.sorted_fields
        if field.name not in given and field.default is not None and not field.primary_key
    ]
    columns = [*fields, *(field for field, _ in defaults)]
    tail = tuple(field.db_value(value) for field, value in defaults)
    # Only dates and times need converting; other values must already be plain
    # str/int/None (ids, not model instances), which skips millions of calls.
    convert_at = [
        i for i, field in enumerate(fields) if isinstance(field, (DateField, DateTimeField))
    ]
    open_quote, close_quote = database.quote

    def quoted(name: str) -> str:
        return f"{open_quote}{name}{close_quote}"

    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quoted(model._meta.table_name),
        ", ".join(quoted(field.column_name) for field in columns),
        ", ".join([database.param] * len(columns)),
    )
    count = 0
    cursor = database.cursor()
    chunk: list[tuple] = []
    for row in rows:
        if len(row) != len(fields):
            raise ValueError(f"a row has {len(row)} values for {len(fields)} fields")
        values = list(row)
        for index in convert_at:
            values[index] = fields[index].db_value(values[index])
        chunk.append((*values, *tail))
        if len(chunk) >= CHUNK_ROWS:
            cursor.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        cursor.executemany(sql, chunk)
        count += len(chunk)
    return count


def bulk_insert_ids(
    model: type[Model], fields: Sequence[Field], rows: Sequence[Sequence]
) -> list[int]:
    """bulk_insert, and the new rows' ids in row order; inside the caller's transaction.

    SQLite: the transaction holds the write lock, so the new ids follow the largest one
    there was. PostgreSQL: other sessions may take ids from the same sequence meanwhile,
    so the ids come back from INSERT ... RETURNING.
    """
    database = model._meta.database
    if is_postgres(getattr(database, "obj", database)):
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK_ROWS):
            query = model.insert_many(rows[start : start + CHUNK_ROWS], fields=list(fields))
            ids += [row[0] for row in query.returning(model._meta.primary_key).tuples().execute()]
        return ids
    key = model._meta.primary_key
    first = (model.select(fn.MAX(key)).scalar() or 0) + 1
    bulk_insert(model, fields, rows)
    ids = [row_id for (row_id,) in model.select(key).where(key >= first).order_by(key).tuples()]
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows)} rows in, {len(ids)} new ids found")
    return ids
