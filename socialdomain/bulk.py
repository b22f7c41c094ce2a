"""One multi-row INSERT for many new rows of one model, without model instances (`insert_rows`),
and one upsert that adds amounts to many cells of a summary table (`upsert_add`).

What `bulk_create` does, without its per-object and per-value Python preparation (model
`__init__`, `pre_save`, `get_db_prep_save` for every field of every row), which costs more
than the database does for a page of audit rows or a batch of declaration lines
(docs/performance.md). The caller passes values already of their column types (ints,
dates, Decimals, str, UUIDs as `uuid_value` gives them); the model's constraints are the
database's, so nothing is skipped. `RETURNING` gives the ids in the order of the rows, as
`bulk_create` relies on too.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    same: Mapping[str, Any] | None = None,
    returning_ids: bool = False,
    using: str = "default",
) -> list[int]:
    """Insert `rows` (one value per column of `columns`) in one statement; `same` gives the
    columns whose value is the same in every row, sent once instead of once per row.

    Returns the new ids in the order of `rows` when `returning_ids`, else an empty list.
    """
    if not rows:
        return []
    same = same or {}
    connection = connections[using]
    q = connection.ops.quote_name
    names = [*columns, *same]
    into = f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in names)}) "
    if connection.vendor == "postgresql" and len(rows) > 1:
        # One array per column (as Django's own bulk_create on PostgreSQL): the statement has
        # a parameter per column instead of per value, so it is parsed and planned in a
        # fraction of the time of a VALUES list of hundreds of rows.
        by_column = {f.column: f for f in model._meta.concrete_fields}
        types = {c: by_column[c].db_type(connection).split("(")[0] for c in names}  # type: ignore[union-attr]
        select = ", ".join(["*", *(f"%s::{types[c]}" for c in same)])
        arrays = ", ".join(f"%s::{types[c]}[]" for c in columns)
        sql = into + f"SELECT {select} FROM UNNEST({arrays})"  # noqa: S608
        params: list[Any] = [*same.values(), *(list(values) for values in zip(*rows, strict=True))]
    else:
        constant = tuple(same.values())
        placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
        sql = into + f"VALUES {', '.join([placeholders] * len(rows))}"
        params = [value for row in rows for value in (*row, *constant)]
    if returning_ids:
        sql += f" RETURNING {q(model._meta.pk.column)}"
    # Only quoted table and column names and the columns' types of our models go into the
    # text; every value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()] if returning_ids else []


def _cell_key_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The lock order of the summary cells (the key's columns in order), NULL as 0."""
    return tuple(0 if part is None else part for part in key)


def upsert_add(
    model: type[models.Model],
    *,
    key_columns: Sequence[str],
    fields: Sequence[str],
    cells: Mapping[tuple[Any, ...], Sequence[Decimal]],
    nullable: Sequence[str],
    using: str = "default",
) -> None:
    """Add each cell's amounts (one per column of `fields`) to its summary row, creating
    missing rows: one statement. The model's other columns start at 0 in a new row.

    The conflict target is the expression index of the model's unique constraint (the key
    columns in order, `COALESCE(column, 0)` for the columns named in `nullable`), so
    concurrent bookings add to the same cell safely. Cells are sent in one lock order (the
    key's columns in order) so two transactions cannot deadlock on each other's cells.
    """
    if not cells:
        return
    connection = connections[using]
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    target = ", ".join(f"COALESCE({q(c)}, 0)" if c in nullable else q(c) for c in key_columns)
    others = [f.column for f in model._meta.concrete_fields if f.column not in (*key_columns, *fields, "id")]
    columns = ", ".join(q(c) for c in (*key_columns, *fields, *others))
    row = "(" + ", ".join(["%s"] * (len(key_columns) + len(fields) + len(others))) + ")"
    zero = Decimal("0.00")
    params: list[Any] = []
    for key in sorted(cells, key=_cell_key_order):
        params.extend([*key, *cells[key], *([zero] * len(others))])
    updates = ", ".join(f"{q(f)} = {table}.{q(f)} + EXCLUDED.{q(f)}" for f in fields)
    # Only quoted table/column names of our models go into the text; all values are parameters.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(cells))} "  # noqa: S608
        f"ON CONFLICT ({target}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def uuid_value(value: uuid.UUID, *, using: str = "default") -> str:
    """A UUID as the database takes it: its text on PostgreSQL (which reads it into the uuid
    column itself; psycopg2's UUID adapter is Python, called per value, and cost a page of
    audit rows more than its INSERT did), 32 hex characters elsewhere."""
    return str(value) if connections[using].features.has_native_uuid_field else value.hex
