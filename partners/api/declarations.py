"""The provider's writes besides start and stop: declarations (303 → 304 answer per line),
requests for an allocation (315) and progress reports. HTTP in, one service call, HTTP out.

A declaration batch is parsed by hand rather than by a DRF ListSerializer: thousands of
lines per request must be read in milliseconds (docs/performance.md); the serializers
below describe the same body for the OpenAPI document and check the small requests.
A body that is not an object with a list of lines → 400; any parameter that breaks a rule
(type, format, range, characters) → 422, both problem+json with `invalidParams` named like
the body (`lines.3.volume`), so a request that fits the schema's types is never a 400. A line's *content* (period,
volume, tariff, allocation) is never a request error: each line gets its own answer.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from arrangements.models import Arrangement
from partners import declarations as declaration_services
from partners import progress as progress_services
from partners import requests as request_services
from partners.constants import Scope
from partners.declaration_models import (
    PRODUCT_CODE_MAX,
    REFERENCE_MAX,
    REPORT_TEXT_MAX,
    REQUEST_TEXT_MAX,
    GoalProgress,
    LineStatus,
    RequestKind,
)
from socialdomain.validators import CASEWORK_START, find_forbidden_character

from .base import PartnerAPIView
from .idempotency import IDEMPOTENCY_PARAMETER, idempotent
from .problems import UnprocessableEntity

DECIMAL_PATTERN = r"^-?\d{1,10}(\.\d{1,2})?$"
PRODUCT_CODE_PATTERN = r"^[0-9A-Z]{0,5}$"
LATEST_DATE = dt.date(2100, 12, 31)
_DECIMAL = re.compile(DECIMAL_PATTERN)
_PRODUCT = re.compile(PRODUCT_CODE_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- OpenAPI description of the bodies --------------------------------------------------
class DeclarationLineSerializer(serializers.Serializer):
    allocationId = serializers.CharField(max_length=64, help_text="The allocation's id (toewijzing).")
    reference = serializers.CharField(
        max_length=REFERENCE_MAX, help_text="The provider's own unique number for this line."
    )
    periodStart = serializers.DateField(help_text="First day of the declared period (within one calendar month).")
    periodEnd = serializers.DateField(help_text="Last day of the declared period (inclusive).")
    productCode = serializers.RegexField(PRODUCT_CODE_PATTERN, required=False, allow_blank=True)
    volume = serializers.RegexField(DECIMAL_PATTERN, help_text='Delivered units, e.g. "2.50" (hours).')
    amount = serializers.RegexField(DECIMAL_PATTERN, help_text='Euros: volume x the tariff in force, e.g. "150.00".')
    creditOf = serializers.CharField(
        max_length=REFERENCE_MAX,
        required=False,
        allow_blank=True,
        help_text="A credit: the reference of the accepted line it reverses (its values repeated, positive).",
    )


class DeclarationSerializer(serializers.Serializer):
    lines = DeclarationLineSerializer(many=True, min_length=1, max_length=declaration_services.MAX_LINES)  # type: ignore[call-arg]


class LineAnswerSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    reference = serializers.CharField()
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=LineStatus.values)
    reasonCode = serializers.CharField(help_text="0000 accepted, 8001-8016 refused (docs/api.md).")
    reason = serializers.CharField(help_text="Dutch text of the reason; empty when accepted.")


class DeclarationAnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    receivedAt = serializers.DateTimeField()
    linesTotal = serializers.IntegerField()
    linesAccepted = serializers.IntegerField()
    lines = LineAnswerSerializer(many=True)


# --- Hand parser for the batch ------------------------------------------------------------
class _Errors:
    def __init__(self) -> None:
        self.params: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.params.setdefault(name, []).append(message)


def _text(value: Any, name: str, errors: _Errors, *, max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("Geef tekst."))
        return ""
    if required and not value:
        errors.add(name, _("Dit veld is verplicht."))
    elif len(value) > max_length:
        errors.add(name, _("Maximaal %(max)s tekens.") % {"max": max_length})
    elif not value.isprintable() and find_forbidden_character(value) is not None:  # printable: fast path
        errors.add(name, _("Bevat een onzichtbaar stuurteken."))
    return value


def _date(value: Any, name: str, errors: _Errors) -> dt.date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        errors.add(name, _("Geef een datum als JJJJ-MM-DD."))
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.add(name, _("Geef een bestaande datum."))
        return None
    if not CASEWORK_START <= day <= LATEST_DATE:
        errors.add(name, _("De datum ligt niet tussen 2015 en 2100."))
        return None
    return day


def _decimal(value: Any, name: str, errors: _Errors) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.add(name, _('Geef een getal met hoogstens twee decimalen, bijvoorbeeld "2.50".'))
        return None
    text = value if isinstance(value, str) else repr(value)
    if not _DECIMAL.match(text):
        try:  # a JSON number like 2.5 or 1e2: accepted when it has at most two decimals
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if (
            number is None
            or not number.is_finite()
            or number != number.quantize(Decimal("0.01"))
            or abs(number) >= 10**10
        ):
            errors.add(name, _('Geef een getal met hoogstens twee decimalen, bijvoorbeeld "2.50".'))
            return None
        return number.quantize(Decimal("0.01"))
    return Decimal(text)


def parse_lines(data: Any) -> list[declaration_services.LineIn]:
    """The body's lines, or ValidationError (400) naming every faulty parameter."""
    errors = _Errors()
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise exceptions.ValidationError({"lines": [_("Geef de regels als lijst.")]})
    raw = data["lines"]
    if not 1 <= len(raw) <= declaration_services.MAX_LINES:
        raise UnprocessableEntity(
            {"lines": [_("Geef 1 tot %(max)s regels per declaratie.") % {"max": declaration_services.MAX_LINES}]}
        )
    lines: list[declaration_services.LineIn] = []
    order_errors: dict[str, list[str]] = {}
    for index, item in enumerate(raw):
        prefix = f"lines.{index}"
        if not isinstance(item, dict):
            errors.add(prefix, _("Geef een regel als object."))
            continue
        allocation = _text(item.get("allocationId"), f"{prefix}.allocationId", errors, max_length=64)
        reference = _text(item.get("reference"), f"{prefix}.reference", errors, max_length=REFERENCE_MAX)
        start = _date(item.get("periodStart"), f"{prefix}.periodStart", errors)
        end = _date(item.get("periodEnd"), f"{prefix}.periodEnd", errors)
        product = _text(
            item.get("productCode"), f"{prefix}.productCode", errors, max_length=PRODUCT_CODE_MAX, required=False
        )
        if product and not _PRODUCT.match(product):
            errors.add(
                f"{prefix}.productCode", _("Een productcode bestaat uit hoogstens vijf cijfers en hoofdletters.")
            )
        volume = _decimal(item.get("volume"), f"{prefix}.volume", errors)
        amount = _decimal(item.get("amount"), f"{prefix}.amount", errors)
        credit_of = _text(item.get("creditOf"), f"{prefix}.creditOf", errors, max_length=REFERENCE_MAX, required=False)
        if start and end and end < start:
            order_errors.setdefault(f"{prefix}.periodEnd", []).append(
                _("Het einde van de periode ligt voor het begin.")
            )
        if errors.params or order_errors:
            continue
        assert start is not None and end is not None and volume is not None and amount is not None
        lines.append(
            declaration_services.LineIn(
                allocation=allocation,
                reference=reference,
                period_start=start,
                period_end=end,
                product_code=product,
                volume=volume,
                amount=amount,
                credit_of=credit_of,
            )
        )
    # A body that fits the schema's types may still break a rule (a date before 2015, a control
    # character): every parameter error is 422, only a body without a list of lines is 400.
    if errors.params or order_errors:
        raise UnprocessableEntity(errors.params | order_errors)
    return lines


class DeclarationView(PartnerAPIView):
    """POST /api/v1/declarations — a batch of declaration lines (iWmo/iJw 303)."""

    required_scopes = (Scope.DECLARATIONS_WRITE,)

    @extend_schema(
        operation_id="declaration_create",
        summary="Declare delivered care (303); each line is answered (304)",
        request=DeclarationSerializer,
        responses={200: DeclarationAnswerSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "Two lines",
                request_only=True,
                value={
                    "lines": [
                        {
                            "allocationId": "3f1c…",
                            "reference": "2026-02-0001",
                            "periodStart": "2026-02-01",
                            "periodEnd": "2026-02-28",
                            "productCode": "",
                            "volume": "2.50",
                            "amount": "150.00",
                        }
                    ]
                },
            )
        ],
    )
    def post(self, request: Any) -> Response:
        who = self.principal()

        def write() -> Response:
            lines = parse_lines(request.data)
            answer = declaration_services.declaration_receive(
                organisation=who.client.organisation,
                municipality_id=who.municipality_id,
                client_id=who.client.client_id,
                lines=lines,
            )
            d = answer.declaration
            body = {
                "id": str(d.uuid),
                "receivedAt": d.received_at.isoformat(),
                "linesTotal": d.lines_total,
                "linesAccepted": answer.accepted,
                "lines": [
                    {
                        "position": a.position,
                        "reference": a.reference,
                        "id": str(a.id),
                        "status": a.status,
                        "reasonCode": a.reason_code,
                        "reason": a.reason,
                    }
                    for a in answer.lines
                ],
            }
            return Response(body, status=status.HTTP_200_OK)

        return idempotent(request, who.client, write)


# --- 315: a request for an allocation -------------------------------------------------------
class AllocationRequestInSerializer(serializers.Serializer):
    allocationId = serializers.UUIDField(help_text="The allocation the request is about.")
    kind = serializers.ChoiceField(choices=RequestKind.values, help_text="volume | extension | other_product")
    volume = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)
    endDate = serializers.DateField(required=False, help_text="For an extension: the requested new end.")
    productCode = serializers.RegexField(PRODUCT_CODE_PATTERN, required=False, allow_blank=True)
    motivation = serializers.CharField(max_length=REQUEST_TEXT_MAX, trim_whitespace=False)


class AllocationRequestOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    allocationId = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=RequestKind.values)
    status = serializers.CharField()
    receivedAt = serializers.DateTimeField()


def _service_call(call: Any) -> Any:
    """A service's "not yours" is 404; its ValidationError becomes 422 (problem handler)."""
    try:
        return call()
    except Arrangement.DoesNotExist:
        raise exceptions.NotFound() from None


class AllocationRequestView(PartnerAPIView):
    """POST /api/v1/allocation-requests — a provider's request about its allocation (315)."""

    required_scopes = (Scope.CARE_REPORT,)

    @extend_schema(
        operation_id="allocation_request_create",
        summary="Ask for a change of an allocation you hold (315): more volume, an extension, another product",
        request=AllocationRequestInSerializer,
        responses={201: AllocationRequestOutSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Any) -> Response:
        who = self.principal()

        def write() -> Response:
            data = AllocationRequestInSerializer(data=request.data)
            if not data.is_valid():
                raise UnprocessableEntity(data.errors)
            v = data.validated_data
            created = _service_call(
                lambda: request_services.allocation_request_create(
                    organisation=who.client.organisation,
                    municipality_id=who.municipality_id,
                    client_id=who.client.client_id,
                    allocation=str(v["allocationId"]),
                    kind=v["kind"],
                    motivation=v["motivation"],
                    volume=v.get("volume"),
                    end_date=v.get("endDate"),
                    product_code=v.get("productCode", ""),
                )
            )
            body = {
                "id": str(created.uuid),
                "allocationId": str(v["allocationId"]),
                "kind": created.kind,
                "status": created.status,
                "receivedAt": created.received_at.isoformat(),
            }
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotent(request, who.client, write)


# --- Progress reports -----------------------------------------------------------------------
class GoalStatusSerializer(serializers.Serializer):
    goal = serializers.UUIDField(help_text="The plan goal the allocation serves (its id in the allocation).")
    status = serializers.ChoiceField(choices=GoalProgress.values)


class ProgressReportInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REPORT_TEXT_MAX, trim_whitespace=False)
    goals = GoalStatusSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]


class ProgressReportOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    allocationId = serializers.UUIDField()
    receivedAt = serializers.DateTimeField()
    goals = GoalStatusSerializer(many=True)


class ProgressReportView(PartnerAPIView):
    """POST /api/v1/allocations/{id}/progress-reports — a progress report on an allocation."""

    required_scopes = (Scope.CARE_REPORT,)

    @extend_schema(
        operation_id="progress_report_create",
        summary="Report progress on an allocation (text, optional status of its plan goal)",
        request=ProgressReportInSerializer,
        responses={201: ProgressReportOutSerializer},
        parameters=[
            IDEMPOTENCY_PARAMETER,
            OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Allocation id"),
        ],
    )
    def post(self, request: Any, id: Any) -> Response:
        who = self.principal()

        def write() -> Response:
            data = ProgressReportInSerializer(data=request.data)
            if not data.is_valid():
                raise UnprocessableEntity(data.errors)
            v = data.validated_data
            goals = [(str(g["goal"]), g["status"]) for g in v.get("goals", [])]
            report = _service_call(
                lambda: progress_services.progress_report_create(
                    organisation=who.client.organisation,
                    municipality_id=who.municipality_id,
                    client_id=who.client.client_id,
                    allocation=str(id),
                    text=v["text"],
                    goals=goals,
                )
            )
            body = {
                "id": str(report.uuid),
                "allocationId": str(report.arrangement.uuid),
                "receivedAt": report.received_at.isoformat(),
                "goals": [{"goal": lineage, "status": s} for lineage, s in goals],
            }
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotent(request, who.client, write)
