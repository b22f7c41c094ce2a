"""Reads of the single budget, all from the rollup: their cost does not grow with the
number of arrangements or declaration lines (bench/budget.py measures it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User

from .constants import RUN_RATE_MONTHS
from .models import Budget, BudgetLine, InflowRollup, MonthlyRollup

ZERO = Decimal("0.00")
_MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def _sum(expr):  # type: ignore[no-untyped-def]
    return Coalesce(Sum(expr), Value(ZERO), output_field=_MONEY)


# What a rollup cell still has to spend: the committed amount not yet realised, never
# negative (a month realised above its commitment counts as realised, not as room).
_REMAINING = Greatest(F("committed") - F("realised"), Value(ZERO), output_field=_MONEY)


@dataclass(frozen=True)
class Position:
    """Money of one line (or team, provider, law, or the total) in one budget year."""

    key: str
    label: str
    budget: Decimal  # begroot + herschikt
    committed: Decimal
    realised: Decimal
    remaining: Decimal  # committed, not yet realised
    income: Decimal
    forecast: Decimal
    line: BudgetLine | None = None

    @property
    def available(self) -> Decimal:
        return self.budget - self.realised - self.remaining

    @property
    def forecast_pct(self) -> int | None:
        if self.budget <= 0:
            return None if self.forecast <= 0 else 999
        return int((self.forecast / self.budget * 100).to_integral_value())


def budget_list_for_user(*, user: User):  # type: ignore[no-untyped-def]
    """The budgets a controller (or staff) may see: those of their own municipalities only."""
    municipality_ids = user.memberships.filter(role__in=["controller", "staff"]).values("team__municipality_id")
    return Budget.objects.filter(municipality_id__in=municipality_ids).select_related("municipality")


def budget_get_for_user(*, user: User, uuid: object) -> Budget:
    return budget_list_for_user(user=user).get(uuid=uuid)


def months_left(*, budget: Budget, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if budget.year < today.year:
        return 0
    if budget.year > today.year:
        return 12
    return 12 - today.month


def run_rates(*, budget: Budget, today: dt.date | None = None) -> dict[int, Decimal]:
    """Average new commitments per line over the last RUN_RATE_MONTHS full months."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    start = this_month
    for _i in range(RUN_RATE_MONTHS):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    rows = (
        InflowRollup.objects.filter(line__budget=budget, booked_month__gte=start, booked_month__lt=this_month)
        .values("line_id")
        .annotate(total=Sum("amount"))
    )
    return {r["line_id"]: (r["total"] / RUN_RATE_MONTHS).quantize(Decimal("0.01")) for r in rows}


def line_positions(*, budget: Budget, today: dt.date | None = None) -> list[Position]:
    """Per line: budget, committed, realised, remaining, forecast to year end. Two queries."""
    lines = BudgetLine.objects.filter(budget=budget).annotate(
        committed=_sum("rollups__committed"),
        realised=_sum("rollups__realised"),
        income=_sum("rollups__income"),
        reallocated=_sum("rollups__reallocated"),
        remaining=Coalesce(
            Sum(Greatest(F("rollups__committed") - F("rollups__realised"), Value(ZERO), output_field=_MONEY)),
            Value(ZERO),
            output_field=_MONEY,
        ),
    )
    rates = run_rates(budget=budget, today=today)
    left = months_left(budget=budget, today=today)
    positions = []
    for line in lines:
        forecast = line.realised + line.remaining + rates.get(line.pk, ZERO) * left
        positions.append(
            Position(
                key=str(line.uuid),
                label=str(line),
                budget=line.amount + line.reallocated,
                committed=line.committed,
                realised=line.realised,
                remaining=line.remaining,
                income=line.income,
                forecast=forecast,
                line=line,
            )
        )
    return positions


def positions_by(
    *, budget: Budget, by: str, law: str | None = None, team_id: int | None = None, provider_id: int | None = None
) -> list[dict]:
    """Committed / realised / remaining grouped by "team", "provider", "law" or "month"."""
    field = {"team": "team__name", "provider": "provider__name", "law": "line__law", "month": "month"}[by]
    filters = Q(line__budget=budget)
    if law:
        filters &= Q(line__law=law)
    if team_id:
        filters &= Q(team_id=team_id)
    if provider_id:
        filters &= Q(provider_id=provider_id)
    return list(
        MonthlyRollup.objects.filter(filters)
        .values(field)
        .annotate(committed=_sum("committed"), realised=_sum("realised"), remaining=_sum(_REMAINING))
        .order_by(field)
    )


def total_position(*, positions: list[Position]) -> Position:
    def total(attr: str) -> Decimal:
        return sum((getattr(p, attr) for p in positions), ZERO)

    return Position(
        key="total",
        label="Totaal",
        budget=total("budget"),
        committed=total("committed"),
        realised=total("realised"),
        remaining=total("remaining"),
        income=total("income"),
        forecast=total("forecast"),
    )
