"""Book many realised amounts at once: the batch variant of `budget.services.actual_book`.

A declaration of the partner API carries thousands of lines; booking them one by one costs
a handful of queries per line (the ledger entry, the rollup cell, the household cell, an
audit row). This books a whole batch in a constant number of queries: one bulk insert of
the ledger entries and one upsert per summary table, with the same result as `_book`
entry by entry: every entry moves `MonthlyRollup.realised` of its (line, team, provider,
month) cell, with a household `HouseholdSpend.realised` of its (line, team, provider, item,
household) cell, and with an item and a volume the `UnitCostRollup` (line, team, provider,
item, month) cell's amount and volume, in the same transaction. The property test of the budget
(rollup == recomputation from the ledger, `services.rollups_rebuild`) holds for these
entries as well (tests/partners/test_declarations.py checks it).

Idempotent per source like `actual_book`: an actual (or correction) already booked for a
source id is not booked again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from socialdomain.audit import audit_write
from socialdomain.bulk import insert_rows, upsert_add

from .constants import EntryKind
from .models import Budget, BudgetLine, HouseholdSpend, LedgerEntry, MonthlyRollup, UnitCostRollup
from .services import (
    ZERO,
    _budget_for,
    _first_of_month,
    _line_for,
    _money,
    _refuse_closed,
    _schedule_recompute,
)

__all__ = ["Actual", "actuals_book"]


@dataclass(frozen=True)
class Actual:
    """One realised amount to book (what `actual_book` takes, minus the shared arguments).

    `amount` and `volume` are signed: positive for an actual, negative for a credit
    (`correction=True`).
    """

    municipality_id: int
    team_id: int | None
    provider_id: int | None
    household_id: int | None
    law: str
    taakveld: str
    month: dt.date
    amount: Decimal
    source_id: int
    volume: Decimal | None = None
    correction: bool = False
    item_id: int | None = None  # the catalogue item, for the unit cost per provision


LEDGER_COLUMNS = (
    "line_id",
    "team_id",
    "provider_id",
    "household_id",
    "month",
    "kind",
    "amount",
    "volume",
    "item_id",
    "source_kind",
    "source_id",
    "booked_at",
    "actor_id",
)


def _insert_entries(entries: list[LedgerEntry]) -> None:
    """One multi-row INSERT of the new (unsaved) entries, setting their ids
    (socialdomain/bulk.py: no per-value preparation; values are of their column types)."""
    now = timezone.now()
    for e in entries:
        e.booked_at = now
    ids = insert_rows(
        LedgerEntry, LEDGER_COLUMNS, [[getattr(e, c) for c in LEDGER_COLUMNS] for e in entries], returning_ids=True
    )
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = entry.id = pk
        entry._state.adding = False


@transaction.atomic
def actuals_book(
    *,
    actuals: Sequence[Actual],
    source_kind: str,
    actor: User | None,
    organisation: object = None,
    client: str = "",
) -> list[LedgerEntry]:
    """Book realised amounts (declaration lines) as ledger entries and move the summaries.

    Raises ValidationError (Dutch) — and books nothing — for an actual that is not positive
    or a credit that is not negative, or a month in a closed budget year; callers that
    answer per line check these first. Already booked sources are skipped. One audit event
    for the batch (`budget_actuals_book`), with the partner organisation and client when
    given; the overrun and household figures are recomputed after commit.
    """
    if not actuals:
        return []
    kinds = {a.source_id: EntryKind.CORRECTION if a.correction else EntryKind.ACTUAL for a in actuals}
    booked = set(
        LedgerEntry.objects.filter(source_kind=source_kind, source_id__in=list(kinds))
        .values_list("source_id", "kind")
        .distinct()
    )
    todo = [a for a in actuals if (a.source_id, kinds[a.source_id]) not in booked]
    budgets: dict[tuple[int, int], Budget] = {}
    lines: dict[tuple[int, str, str], BudgetLine] = {}
    entries: list[LedgerEntry] = []
    for a in todo:
        value = _money(a.amount)
        if (value <= 0) if not a.correction else (value >= 0):
            raise ValidationError({"amount": _("Een realisatie is een bedrag groter dan nul.")})
        year_key = (a.municipality_id, a.month.year)
        if year_key not in budgets:
            budgets[year_key] = _budget_for(municipality_id=a.municipality_id, year=a.month.year)
            _refuse_closed(budgets[year_key])
        budget = budgets[year_key]
        line_key = (budget.pk, a.law, a.taakveld)
        if line_key not in lines:
            lines[line_key] = _line_for(budget=budget, law=a.law, taakveld=a.taakveld)
        entries.append(
            LedgerEntry(
                line_id=lines[line_key].pk,
                team_id=a.team_id,
                provider_id=a.provider_id,
                household_id=a.household_id,
                month=_first_of_month(a.month),
                kind=kinds[a.source_id],
                amount=value,
                volume=a.volume,
                item_id=a.item_id,
                source_kind=source_kind,
                source_id=a.source_id,
                actor_id=actor.pk if actor is not None else None,
            )
        )
    if not entries:
        return []
    _insert_entries(entries)
    rollup: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO])  # type: ignore[type-arg]
    spend: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO])  # type: ignore[type-arg]
    unit: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # type: ignore[type-arg]
    for e in entries:
        rollup[(e.line_id, e.team_id, e.provider_id, e.month)][0] += e.amount
        if e.household_id is not None:
            spend[(e.line_id, e.team_id, e.provider_id, e.item_id, e.household_id)][0] += e.amount
        if e.item_id is not None and e.volume is not None:
            cell = unit[(e.line_id, e.team_id, e.provider_id, e.item_id, e.month)]
            cell[0] += e.amount
            cell[1] += e.volume
    upsert_add(
        MonthlyRollup,
        key_columns=["line_id", "team_id", "provider_id", "month"],
        fields=["realised"],
        cells=rollup,
        nullable=("team_id", "provider_id"),
    )
    upsert_add(
        HouseholdSpend,
        key_columns=["line_id", "team_id", "provider_id", "item_id", "household_id"],
        fields=["realised"],
        cells=spend,
        nullable=("team_id", "provider_id", "item_id"),
    )
    upsert_add(
        UnitCostRollup,
        key_columns=["line_id", "team_id", "provider_id", "item_id", "month"],
        fields=["realised", "volume"],
        cells=unit,
        nullable=("team_id", "provider_id"),
    )
    total = sum((e.amount for e in entries), ZERO)
    audit_write(
        actor=actor,
        action="budget_actuals_book",
        obj=None,
        changes={"entries": [None, len(entries)], "amount": [None, str(total)], "source_kind": [None, source_kind]},
        organisation=organisation,
        client=client,
    )
    _schedule_recompute(budget_ids={b.pk for b in budgets.values()})
    return entries
