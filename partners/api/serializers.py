"""JSON shapes of the partner API. Field names are camelCase (docs/api.md, "Conventions")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from arrangements.constants import ArrangementStatus, DeliveryForm, ExecutionVariant, Frequency, Law, StopReason, Unit
from arrangements.models import Arrangement
from intake.constants import Domain
from partners.constants import MessageKind
from partners.selectors import Disclosure

# What a partner may see of an arrangement's status (only allocated ones are listed at all).
API_STATUSES = [ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED, ArrangementStatus.STOPPED]
STATUS_CHOICES = [(s.value, s.label) for s in API_STATUSES]


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class TariffSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Euro per unit.")
    validFrom = serializers.DateField()
    validUntil = serializers.DateField(allow_null=True)


class ClientSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="A stable pseudonymous reference of the person.")
    bsn = serializers.CharField(required=False, help_text="Only when the provision's legal basis requires it.")


class AcknowledgedSerializer(serializers.Serializer):
    receivedAt = serializers.DateTimeField()


class StartedSerializer(serializers.Serializer):
    date = serializers.DateField()
    receivedAt = serializers.DateTimeField()


class StoppedSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.ChoiceField(choices=StopReason.choices)
    receivedAt = serializers.DateTimeField(allow_null=True, help_text="Null when the municipality ended it.")


class PlanGoalSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Domain.choices)
    description = serializers.CharField(allow_blank=True)
    targetScore = serializers.IntegerField()
    targetDate = serializers.DateField()


class AllocationSerializer(serializers.Serializer):
    """One allocation (toewijzing, iWmo/iJw 301) as the provider sees it."""

    id = serializers.UUIDField(source="uuid")
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    law = serializers.ChoiceField(source="item.law", choices=Law.choices)
    productName = serializers.CharField(source="item.name")
    productCategory = serializers.CharField(source="item.product_category", allow_blank=True)
    productCode = serializers.CharField(source="item.product_code", allow_blank=True)
    executionVariant = serializers.ChoiceField(source="item.execution_variant", choices=ExecutionVariant.choices)
    volume = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    unit = serializers.ChoiceField(choices=Unit.choices)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    deliveryForm = serializers.ChoiceField(source="delivery_form", choices=DeliveryForm.choices, allow_blank=True)
    period = PeriodSerializer()
    tariff = TariffSerializer(allow_null=True, help_text="The tariff in force today (within the period).")
    client = ClientSerializer()
    allocatedAt = serializers.DateTimeField(source="allocated_at")
    acknowledged = AcknowledgedSerializer(allow_null=True)
    started = StartedSerializer(allow_null=True)
    stopped = StoppedSerializer(allow_null=True)
    planGoals = PlanGoalSerializer(
        many=True,
        required=False,
        help_text="Only when the person consented to sharing with this organisation; otherwise absent.",
    )
    updatedAt = serializers.DateTimeField(source="updated_at")

    def to_representation(self, instance: Arrangement) -> dict[str, Any]:
        """Built by hand (the fields above document the shape for the schema): DRF's field
        machinery per row cost more than the whole query (bench/api.py)."""
        return allocation_data(instance, self.context["disclosure"])


def _moment(value: Any, zone: Any) -> str | None:
    """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, "Z" for UTC),
    with the zone looked up once per allocation instead of once per value."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _tariff(obj: Arrangement, today: dt.date) -> dict[str, Any] | None:
    """The tariff in force today, clamped to the allocation's period."""
    day = max(obj.start_date, today)
    if obj.end_date:
        day = min(day, obj.end_date)
    for tariff in getattr(obj.item, "tariff_list", []):
        if tariff.covers(day):
            return {
                "amount": str(tariff.amount),
                "validFrom": _day(tariff.valid_from),
                "validUntil": _day(tariff.valid_until),
            }
    return None


def allocation_data(obj: Arrangement, disclosure: Disclosure) -> dict[str, Any]:
    item, person = obj.item, obj.member.person
    zone = timezone.get_current_timezone()
    messages = {m.kind: m for m in getattr(obj, "message_list", [])}
    acknowledged, started, stopped = (
        messages.get(MessageKind.ACKNOWLEDGED),
        messages.get(MessageKind.STARTED),
        messages.get(MessageKind.STOPPED),
    )
    client: dict[str, Any] = {"id": str(person.uuid)}
    if item.bsn_required and person.bsn:
        client["bsn"] = person.bsn
    data: dict[str, Any] = {
        "id": str(obj.uuid),
        "status": obj.status,
        "law": item.law,
        "productName": item.name,
        "productCategory": item.product_category,
        "productCode": item.product_code,
        "executionVariant": item.execution_variant,
        "volume": None if obj.volume is None else f"{obj.volume:.2f}",
        "unit": obj.unit,
        "frequency": obj.frequency,
        "deliveryForm": obj.delivery_form,
        "period": {"start": _day(obj.start_date), "end": _day(obj.end_date)},
        "tariff": _tariff(obj, disclosure.today or timezone.localdate()),
        "client": client,
        "allocatedAt": _moment(obj.allocated_at, zone),
        "acknowledged": {"receivedAt": _moment(acknowledged.received_at, zone)} if acknowledged else None,
        "started": {"date": _day(started.date), "receivedAt": _moment(started.received_at, zone)} if started else None,
        "stopped": (
            {
                "date": _day(obj.stopped_on),
                "reason": obj.stop_reason,
                "receivedAt": _moment(stopped.received_at, zone) if stopped else None,
            }
            if obj.status == ArrangementStatus.STOPPED and obj.stopped_on is not None
            else None
        ),
        "updatedAt": _moment(obj.updated_at, zone),
    }
    goals = disclosure.goals_for(obj)
    if goals is not None:  # without consent the key is absent, not empty
        data["planGoals"] = [
            {
                "domain": g["domain"],
                "description": g["description"],
                "targetScore": g["target_score"],
                "targetDate": _day(g["target_date"]),
            }
            for g in goals
        ]
    return data


class AllocationFilterSerializer(serializers.Serializer):
    changedSince = serializers.DateTimeField(
        required=False, help_text="Only allocations changed at or after this moment (ISO 8601 with offset)."
    )
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False)
    productCode = serializers.RegexField(r"^[0-9A-Za-z]{1,5}$", required=False, help_text="iWmo/iJw product code.")
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100, help_text="Default 50.")
    # Not trimmed: a cursor of white space is read by the paginator (as no position: the first
    # page), not refused as an empty parameter (Schemathesis sent a tab; trimmed, it was a 400).
    cursor = serializers.CharField(
        required=False, trim_whitespace=False, help_text="From the previous page's `next` (opaque)."
    )


class StartSerializer(serializers.Serializer):
    startDate = serializers.DateField(help_text="Not before the allocation's start, not in the future.")


class StopSerializer(serializers.Serializer):
    stopDate = serializers.DateField(help_text="Not in the future, not after the allocation's end.")
    reason = serializers.ChoiceField(choices=StopReason.choices)


class EmptySerializer(serializers.Serializer):
    pass
