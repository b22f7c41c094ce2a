"""Household-level figures, computed in the background so dashboards stay constant-time.

`household_figures_compute` counts distinct households for every combination of law,
team and provider (8 groupings; one query each over the per-household summary, not the
ledger) and, per law, how many households account for 80 % of the realised spending.
The recompute task runs it after every booking (on commit) and nightly; the dashboard
reads the stored rows (`household_counts`, `minority`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import Budget, HouseholdFigure, HouseholdSpend

DIMENSIONS = ("law", "team", "provider")
_FIELD = {"law": "line__law", "team": "team_id", "provider": "provider_id", "item": "item_id"}
# The unit cost per provision is grouped by catalogue item (which fixes the law) and
# filtered by team and provider: four more groupings, counted the same way.
ITEM_GROUPINGS = (("item",), ("item", "team"), ("item", "provider"), ("item", "team", "provider"))

_MINORITY_SQL = """
    WITH per_household AS (
        SELECT l.law AS law, s.household_id AS household_id, SUM(s.realised) AS spent
        FROM budget_householdspend s JOIN budget_budgetline l ON l.id = s.line_id
        WHERE l.budget_id = %s
        GROUP BY l.law, s.household_id
        HAVING SUM(s.realised) > 0
    ), ranked AS (
        SELECT law, spent,
               SUM(spent) OVER (PARTITION BY law ORDER BY spent DESC, household_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
               SUM(spent) OVER (PARTITION BY law) AS total
        FROM per_household
    )
    SELECT law, SUM(CASE WHEN COALESCE(before, 0) < 0.8 * total THEN 1 ELSE 0 END) AS top
    FROM ranked GROUP BY law
"""


def _groupings() -> list[tuple[str, ...]]:
    return [combo for size in range(len(DIMENSIONS) + 1) for combo in combinations(DIMENSIONS, size)] + list(
        ITEM_GROUPINGS
    )


@transaction.atomic
def household_figures_compute(*, budget_id: int) -> int:
    """Replace the budget's household figures (the budget row is locked: one at a time)."""
    Budget.objects.select_for_update().filter(pk=budget_id).exists()
    now = timezone.now()
    spend = HouseholdSpend.objects.filter(line__budget_id=budget_id, realised__gt=0)
    with connection.cursor() as cursor:
        cursor.execute(_MINORITY_SQL, [budget_id])
        top = {law: int(n) for law, n in cursor.fetchall()}
    rows = []
    for grouping in _groupings():
        fields = [_FIELD[d] for d in grouping]
        rows_of = spend.filter(item__isnull=False) if "item" in grouping else spend
        counted = (
            rows_of.values(*fields).annotate(n=Count("household_id", distinct=True))
            if fields
            else [rows_of.aggregate(n=Count("household_id", distinct=True))]
        )
        for row in counted:
            law = row.get("line__law", "") or ""
            rows.append(
                HouseholdFigure(
                    budget_id=budget_id,
                    grouping="+".join(grouping) or "all",
                    law=law,
                    team_id=row.get("team_id"),
                    provider_id=row.get("provider_id"),
                    item_id=row.get("item_id"),
                    households=row["n"],
                    top_households=top.get(law) if grouping == ("law",) else None,
                    computed_at=now,
                )
            )
    HouseholdFigure.objects.filter(budget_id=budget_id).delete()
    HouseholdFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _ensure(budget: Budget) -> None:
    if not HouseholdFigure.objects.filter(budget=budget).exists():
        household_figures_compute(budget_id=budget.pk)


def household_counts(*, budget: Budget, by: str, law: str | None, team_id: int | None, provider_id: int | None) -> dict:
    """{key: households} for a breakdown `by` law/team/provider/item under the given filters
    (by item the law filter is left out: an item belongs to one law)."""
    _ensure(budget)
    if by == "item":
        grouping = ["item"] + [
            d for d in ("team", "provider") if (d == "team" and team_id) or (d == "provider" and provider_id)
        ]
        law = None
    else:
        grouping = [
            d
            for d in DIMENSIONS
            if d == by or (d == "law" and law) or (d == "team" and team_id) or (d == "provider" and provider_id)
        ]
    q = Q(budget=budget, grouping="+".join(grouping))
    if law:
        q &= Q(law=law)
    if team_id:
        q &= Q(team_id=team_id)
    if provider_id:
        q &= Q(provider_id=provider_id)
    key = {"law": "law", "team": "team_id", "provider": "provider_id", "item": "item_id"}[by]
    return {row[key]: row["households"] for row in HouseholdFigure.objects.filter(q).values(key, "households")}


@dataclass(frozen=True)
class MinorityRow:
    law: str
    households: int
    top_households: int


def minority(*, budget: Budget, law: str | None = None) -> list[MinorityRow]:
    _ensure(budget)
    rows = HouseholdFigure.objects.filter(budget=budget, grouping="law").order_by("law")
    if law:
        rows = rows.filter(law=law)
    return [MinorityRow(law=r.law, households=r.households, top_households=r.top_households or 0) for r in rows]
