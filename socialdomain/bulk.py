"""One multi-row INSERT for many new rows of one model, without model instances.

What `bulk_create` does, without its per-object and per-value Python preparation (model
`__init__`, `pre_save`, `get_db_prep_save` for every field of every row), which costs more
than the database does for a page of audit rows or a batch of declaration lines
(docs/performance.md). The caller passes values already of their column types (ints,
dates, Decimals, str, UUIDs as `uuid_value` gives them); the model's constraints are the
database's, so nothing is skipped. `RETURNING` gives the ids in VALUES order, as
`bulk_create` relies on too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connections, models


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
    using: str = "default",
) -> list[int]:
    """Insert `rows` (one value per column of `columns`) in one statement.

    Returns the new ids in the order of `rows` when `returning_ids`, else an empty list.
    """
    if not rows:
        return []
    connection = connections[using]
    q = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Only quoted table and column names of our models go into the text; values are parameters.
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(rows))}"
    )
    if returning_ids:
        sql += f" RETURNING {q(model._meta.pk.column)}"
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()] if returning_ids else []


def uuid_value(value: uuid.UUID, *, using: str = "default") -> Any:
    """A UUID as the database takes it: native on PostgreSQL, 32 hex characters elsewhere."""
    return value if connections[using].features.has_native_uuid_field else value.hex
