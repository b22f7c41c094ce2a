"""JSON shapes of the partner API. Field names are camelCase (docs/api.md, "Conventions")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
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
    period = serializers.SerializerMethodField()
    tariff = serializers.SerializerMethodField()
    client = serializers.SerializerMethodField()
    allocatedAt = serializers.DateTimeField(source="allocated_at")
    acknowledged = serializers.SerializerMethodField()
    started = serializers.SerializerMethodField()
    stopped = serializers.SerializerMethodField()
    planGoals = serializers.SerializerMethodField(
        help_text="Only when the person consented to sharing with this organisation; otherwise absent."
    )
    updatedAt = serializers.DateTimeField(source="updated_at")

    def _disclosure(self) -> Disclosure:
        return self.context["disclosure"]

    def _messages(self, obj: Arrangement) -> dict[str, Any]:
        return {m.kind: m for m in getattr(obj, "message_list", [])}

    @extend_schema_field(PeriodSerializer)
    def get_period(self, obj: Arrangement) -> dict[str, Any]:
        return PeriodSerializer({"start": obj.start_date, "end": obj.end_date}).data

    @extend_schema_field(TariffSerializer(allow_null=True))
    def get_tariff(self, obj: Arrangement) -> dict[str, Any] | None:
        """The tariff in force today, clamped to the allocation's period."""
        day = max(obj.start_date, timezone.localdate())
        if obj.end_date:
            day = min(day, obj.end_date)
        for tariff in getattr(obj.item, "tariff_list", []):
            if tariff.covers(day):
                return TariffSerializer(
                    {"amount": tariff.amount, "validFrom": tariff.valid_from, "validUntil": tariff.valid_until}
                ).data
        return None

    @extend_schema_field(ClientSerializer)
    def get_client(self, obj: Arrangement) -> dict[str, Any]:
        person = obj.member.person
        data: dict[str, Any] = {"id": str(person.uuid)}
        if obj.item.bsn_required and person.bsn:
            data["bsn"] = person.bsn
        return data

    @extend_schema_field(AcknowledgedSerializer(allow_null=True))
    def get_acknowledged(self, obj: Arrangement) -> dict[str, Any] | None:
        m = self._messages(obj).get(MessageKind.ACKNOWLEDGED)
        return AcknowledgedSerializer({"receivedAt": m.received_at}).data if m else None

    @extend_schema_field(StartedSerializer(allow_null=True))
    def get_started(self, obj: Arrangement) -> dict[str, Any] | None:
        m = self._messages(obj).get(MessageKind.STARTED)
        return StartedSerializer({"date": m.date, "receivedAt": m.received_at}).data if m else None

    @extend_schema_field(StoppedSerializer(allow_null=True))
    def get_stopped(self, obj: Arrangement) -> dict[str, Any] | None:
        if obj.status != ArrangementStatus.STOPPED or obj.stopped_on is None:
            return None
        m = self._messages(obj).get(MessageKind.STOPPED)
        return StoppedSerializer(
            {"date": obj.stopped_on, "reason": obj.stop_reason, "receivedAt": m.received_at if m else None}
        ).data

    @extend_schema_field(PlanGoalSerializer(many=True))
    def get_planGoals(self, obj: Arrangement) -> list[dict[str, Any]] | None:
        goals = self._disclosure().goals_for(obj)
        if goals is None:
            return None
        return [
            PlanGoalSerializer(
                {
                    "domain": g["domain"],
                    "description": g["description"],
                    "targetScore": g["target_score"],
                    "targetDate": g["target_date"],
                }
            ).data
            for g in goals
        ]

    def to_representation(self, instance: Arrangement) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data.get("planGoals") is None:
            data.pop("planGoals", None)  # no consent: the key is absent, not empty
        return data


class AllocationFilterSerializer(serializers.Serializer):
    changedSince = serializers.DateTimeField(
        required=False, help_text="Only allocations changed at or after this moment (ISO 8601 with offset)."
    )
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False)
    productCode = serializers.RegexField(r"^[0-9A-Za-z]{1,5}$", required=False, help_text="iWmo/iJw product code.")
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100, help_text="Default 50.")
    cursor = serializers.CharField(required=False, help_text="From the previous page's `next` (opaque).")


class StartSerializer(serializers.Serializer):
    startDate = serializers.DateField(help_text="Not before the allocation's start, not in the future.")


class StopSerializer(serializers.Serializer):
    stopDate = serializers.DateField(help_text="Not in the future, not after the allocation's end.")
    reason = serializers.ChoiceField(choices=StopReason.choices)


class EmptySerializer(serializers.Serializer):
    pass
