"""The committed cost per municipality x catalogue item x provider x delivery form x month
(`CommitmentTotal`), kept in step with the commitment months.

- `shift`: an arrangement's schedule is replaced (grant, change, stop): the new months minus
  the old ones are added to its cells, in the same transaction (`services._store_schedule`);
- `release`: arrangements are about to be deleted (retention): their months leave the cells;
- `rebuild`: the cells recomputed from the commitment months (the migration that added them
  did the same; for a repair, and the tests' check that the kept cells are right).

An arrangement's key does not change once it has months (its case's team, item, provider
and delivery form are fixed after the request), so its old months always sit in the cells
its new ones go to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum

from socialdomain.bulk import upsert_add

from .models import Arrangement, CommitmentMonth, CommitmentTotal

__all__ = ["rebuild", "release", "shift"]

_KEY = ["municipality_id", "item_id", "provider_id", "delivery_form", "month"]
_MONTH_KEY = (
    "arrangement__case__team__municipality_id",
    "arrangement__item_id",
    "arrangement__provider_id",
    "arrangement__delivery_form",
    "month",
)


def _add(cells: Mapping[tuple[object, ...], Decimal]) -> None:
    upsert_add(
        CommitmentTotal,
        key_columns=_KEY,
        fields=["amount"],
        cells={key: (amount,) for key, amount in cells.items() if amount},
        nullable=("provider_id",),
    )


def shift(
    arrangement: Arrangement,
    *,
    municipality_id: int,
    old: Mapping[dt.date, Decimal],
    new: Mapping[dt.date, Decimal],
) -> None:
    """Move the arrangement's cells from its `old` months to its `new` ones (one statement;
    nothing when they are the same)."""
    key = (municipality_id, arrangement.item_id, arrangement.provider_id, arrangement.delivery_form)
    delta: dict[tuple[object, ...], Decimal] = defaultdict(Decimal)
    for month, amount in new.items():
        delta[(*key, month)] += amount
    for month, amount in old.items():
        delta[(*key, month)] -= amount
    _add(delta)


def release(arrangements: QuerySet[Arrangement]) -> None:
    """Take the months of `arrangements` out of the cells, before they are deleted."""
    cells = (
        CommitmentMonth.objects.filter(arrangement__in=arrangements)
        .values_list(*_MONTH_KEY)
        .annotate(s=Sum("amount"))
        .order_by()
    )
    _add({tuple(key): -amount for *key, amount in cells})


@transaction.atomic
def rebuild(*, municipality_id: int | None = None) -> int:
    """Recompute the cells (of one municipality, or all) from the commitment months; returns
    the number of cells."""
    totals = CommitmentTotal.objects.all()
    months = CommitmentMonth.objects.all()
    if municipality_id is not None:
        totals = totals.filter(municipality_id=municipality_id)
        months = months.filter(arrangement__case__team__municipality_id=municipality_id)
    totals.delete()
    cells = [
        CommitmentTotal(**dict(zip(_KEY, key, strict=True)), amount=amount)
        for *key, amount in months.values_list(*_MONTH_KEY).annotate(s=Sum("amount")).order_by()
    ]
    CommitmentTotal.objects.bulk_create(cells, batch_size=1000)
    return len(cells)
