"""The kept commitment totals (arrangements.totals) stay equal to their recomputation from
the commitment months through grant, change, stop and a refused grant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arrangements import services, totals
from arrangements.constants import DeliveryForm
from arrangements.models import Arrangement, CommitmentMonth, CommitmentTotal
from tests.arrangements.test_services import grant, next_month

pytestmark = pytest.mark.django_db

D = Decimal


def cells() -> dict[tuple, Decimal]:  # type: ignore[type-arg]
    """The non-zero cells (a cell emptied by a release keeps its row at 0)."""
    return {
        (c.municipality_id, c.item_id, c.provider_id, c.delivery_form, c.month): c.amount
        for c in CommitmentTotal.objects.exclude(amount=0)
    }


def recomputed() -> dict[tuple, Decimal]:  # type: ignore[type-arg]
    kept = cells()
    totals.rebuild()
    again = cells()
    assert kept == again  # the kept cells are exactly the recomputation
    return again


def test_grant_change_and_stop_keep_the_totals_equal_to_the_months(world):
    arrangement = grant(world, end_date=next_month() + dt.timedelta(days=60))
    key = (world.team.municipality_id, world.item.pk, world.provider.pk, DeliveryForm.ZIN)
    months = dict(CommitmentMonth.objects.filter(arrangement=arrangement).values_list("month", "amount"))
    assert len(months) >= 2
    assert recomputed() == {(*key, month): amount for month, amount in months.items()}

    second = grant(world, volume=D("1"), end_date=next_month() + dt.timedelta(days=27))
    first_month = next_month()
    assert cells()[(*key, first_month)] == months[first_month] + second.months.get(month=first_month).amount

    services.arrangement_change(
        actor=world.regisseur,
        arrangement=arrangement,
        volume=D("1"),
        end_date=arrangement.end_date,
        version=arrangement.version,
    )
    arrangement.refresh_from_db()
    services.arrangement_stop(
        actor=world.regisseur,
        arrangement=arrangement,
        stop_date=arrangement.start_date + dt.timedelta(days=6),
        reason="goal_reached",
        version=arrangement.version,
    )
    arrangement.refresh_from_db()
    # Only the first week of the first arrangement is left, beside the whole second one.
    assert sum(recomputed().values()) == arrangement.cost_total + second.cost_total
    assert len(recomputed()) == 1


def test_a_refused_grant_leaves_no_total(world):
    with pytest.raises(ValidationError):
        grant(world, volume=D("40"))  # beyond the mandate
    assert not Arrangement.objects.exists() and not CommitmentTotal.objects.exists()


def test_cells_without_a_provider_and_per_delivery_form_are_kept_apart(world):
    month = dt.date(2026, 8, 1)
    without = Arrangement(item=world.item, provider=None, delivery_form="")
    pgb = Arrangement(item=world.item, provider=world.provider, delivery_form=DeliveryForm.PGB)
    municipality_id = world.team.municipality_id
    for _twice in range(2):
        totals.shift(without, municipality_id=municipality_id, old={}, new={month: D("10.00")})
    totals.shift(pgb, municipality_id=municipality_id, old={}, new={month: D("5.00")})
    totals.shift(pgb, municipality_id=municipality_id, old={month: D("5.00")}, new={month: D("7.50")})
    assert cells() == {
        (municipality_id, world.item.pk, None, "", month): D("20.00"),
        (municipality_id, world.item.pk, world.provider.pk, DeliveryForm.PGB, month): D("7.50"),
    }
