"""Allocations a provider can declare on: granted, allocated and started through the real services."""

import datetime as dt
from decimal import Decimal

from arrangements import services
from arrangements.constants import ArrangementStatus, DeliveryForm
from arrangements.models import Arrangement

START = dt.date(2026, 1, 5)
END = dt.date(2026, 6, 30)


def allocation_create(world, *, volume="3", start=START, end=END, status=ArrangementStatus.STARTED, **kwargs):  # type: ignore[no-untyped-def]
    """An arrangement of `world.item` (€ 60.00 per hour, per week) for the world's provider."""
    arrangement = services.arrangement_grant(
        actor=world.regisseur,
        case=world.case,
        item=world.item,
        member=world.member,
        provider=kwargs.pop("provider", world.provider),
        volume=Decimal(volume),
        start_date=start,
        end_date=end,
        delivery_form=DeliveryForm.ZIN,
        **kwargs,
    )
    if status in (ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED, ArrangementStatus.STOPPED):
        arrangement = services.arrangement_allocate(actor=world.regisseur, arrangement=arrangement)
    if status in (ArrangementStatus.STARTED, ArrangementStatus.STOPPED):
        arrangement = services.arrangement_start(actor=world.regisseur, arrangement=arrangement)
    return Arrangement.objects.select_related("case").get(pk=arrangement.pk)
