"""Allocations for the partner API tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation
from arrangements import services as arrangement_services
from arrangements.constants import ArrangementStatus, DeliveryForm, Frequency, Unit
from arrangements.models import Arrangement
from cases.constants import ConsentMethod, ConsentPurpose
from cases.models import Case, Consent
from plan import services as plan_services
from tests.arrangements.factories import World


def allocation_create(
    world: World, *, provider: Organisation | None = None, case: Case | None = None, **fields
) -> Arrangement:  # type: ignore[no-untyped-def]
    """An allocated arrangement, straight in the database (many rows, quickly)."""
    case = case or world.case
    today = timezone.localdate()
    defaults = {
        "case": case,
        "member": case.household.members.first(),
        "item": world.item,
        "provider": provider or world.provider,
        "volume": Decimal("2"),
        "unit": Unit.HOUR,
        "frequency": Frequency.PER_WEEK,
        "start_date": today - dt.timedelta(days=10),
        "end_date": today + dt.timedelta(days=80),
        "delivery_form": DeliveryForm.ZIN,
        "status": ArrangementStatus.ALLOCATED,
        "allocated_at": timezone.now(),
        "requested_by": world.regisseur,
        "granted_by": world.regisseur,
        "granted_at": timezone.now(),
        "cost_total": Decimal("1200.00"),
    }
    return Arrangement.objects.create(**(defaults | fields))


def allocation_through_services(world: World, *, start: dt.date | None = None, goal_lineage=None) -> Arrangement:  # type: ignore[no-untyped-def]
    """Granted and allocated the way the regisseur does it (commitment booked)."""
    start = start or timezone.localdate() - dt.timedelta(days=7)
    arrangement = arrangement_services.arrangement_grant(
        actor=world.regisseur,
        case=world.case,
        item=world.item,
        member=world.member,
        provider=world.provider,
        volume=Decimal("2"),
        start_date=start,
        end_date=start + dt.timedelta(days=60),
        delivery_form=DeliveryForm.ZIN,
        goal_lineage=goal_lineage,
    )
    return arrangement_services.arrangement_allocate(actor=world.regisseur, arrangement=arrangement)


def goal_create(world: World, *, description: str = "Weer zelf de administratie doen"):  # type: ignore[no-untyped-def]
    plan = plan_services.plan_start(actor=world.regisseur, case=world.case)
    return plan_services.goal_add(
        actor=world.regisseur,
        plan=plan,
        expected_version=plan.version,
        member_id=world.member.pk,
        domain="finances",
        start_score=2,
        target_score=4,
        target_date=timezone.localdate() + dt.timedelta(days=90),
        description=description,
    )


def consent(world: World, organisation: Organisation, *, given: bool) -> Consent:
    return Consent.objects.create(
        member=world.member,
        purpose=ConsentPurpose.PARTNER,
        organisation=organisation,
        given=given,
        method=ConsentMethod.WRITTEN,
        recorded_by=world.regisseur,
    )
