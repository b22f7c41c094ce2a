"""One multi-row INSERT for many new rows of one model, without model instances.

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


def uuid_value(value: uuid.UUID, *, using: str = "default") -> str:
    """A UUID as the database takes it: its text on PostgreSQL (which reads it into the uuid
    column itself; psycopg2's UUID adapter is Python, called per value, and cost a page of
    audit rows more than its INSERT did), 32 hex characters elsewhere."""
    return str(value) if connections[using].features.has_native_uuid_field else value.hex
