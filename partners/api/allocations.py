"""/api/v1/allocations: the provider's allocations, and its 301/305/307 messages on them.

Every answer that shows an allocation writes a read entry in the case's access log (no
user; the organisation and the OAuth client; ground "partner_consent" when plan content
was included, else "partner_allocation"); a list logs its page in one INSERT.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from arrangements.models import Arrangement
from audit.models import AccessGround
from partners import selectors, services
from partners.constants import Scope
from socialdomain.audit import audit_read_many

from .base import PartnerAPIView, PartnerWriteView
from .idempotency import IDEMPOTENCY_PARAMETER
from .serializers import (
    AllocationFilterSerializer,
    AllocationSerializer,
    EmptySerializer,
    StartSerializer,
    StopSerializer,
    allocation_data,
)

ID_PARAMETER = OpenApiParameter("id", UUID, OpenApiParameter.PATH, description="The allocation's id.")
TAG = ["Allocations"]


def represent(view: PartnerAPIView, allocations: list[Arrangement], *, view_name: str) -> list[dict[str, Any]]:
    """Serialise and log the reads (consent in force and plan goals in two queries for the page)."""
    client = view.principal().client
    disclosure = selectors.disclosure_for(client=client, allocations=allocations)
    # `allocation_data` directly: AllocationSerializer documents the shape for the schema and
    # calls the same function, its list wrapper adds nothing here (bench/api.py).
    data = [allocation_data(a, disclosure) for a in allocations]
    audit_read_many(
        reads=[
            (
                a,
                a.case.uuid,
                AccessGround.PARTNER_CONSENT
                if disclosure.goals_for(a) is not None
                else AccessGround.PARTNER_ALLOCATION,
            )
            for a in allocations
        ],
        view=f"partners_api:{view_name}",
        organisation=client.organisation,
        client=client.client_id,
    )
    return data


class AllocationMixin:
    def allocation(self: Any, uuid: UUID) -> Arrangement:
        found = selectors.allocation_for_client(client=self.principal().client, uuid=uuid)
        if found is None:
            raise exceptions.NotFound()
        return found


class AllocationList(PartnerAPIView):
    required_scopes = (Scope.ALLOCATIONS_READ,)

    @extend_schema(
        operation_id="allocations_list",
        tags=TAG,
        parameters=[AllocationFilterSerializer],
        responses={200: AllocationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        # A plain dict: DRF treats an empty value in a QueryDict as "not given"; here it is an error.
        filters = AllocationFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        qs: QuerySet[Arrangement] = selectors.allocations_for_client(client=self.principal().client)
        if "changedSince" in filters.validated_data:
            qs = qs.filter(updated_at__gte=filters.validated_data["changedSince"])
        if "status" in filters.validated_data:
            qs = qs.filter(status=filters.validated_data["status"])
        if "productCode" in filters.validated_data:
            qs = qs.filter(item__product_code=filters.validated_data["productCode"])
        page = self.paginate_queryset(qs)
        assert page is not None
        return self.get_paginated_response(represent(self, list(page), view_name="allocation_list"))


class AllocationDetail(AllocationMixin, PartnerAPIView):
    required_scopes = (Scope.ALLOCATIONS_READ,)

    @extend_schema(
        operation_id="allocations_retrieve", tags=TAG, parameters=[ID_PARAMETER], responses={200: AllocationSerializer}
    )
    def get(self, request: Request, id: UUID) -> Response:
        return Response(represent(self, [self.allocation(id)], view_name="allocation_detail")[0])


class AllocationStep(AllocationMixin, PartnerWriteView):
    """A provider's message on one allocation; answers the allocation as it is afterwards."""

    required_scopes = (Scope.CARE_REPORT,)
    view_name = ""

    def book(self, allocation: Arrangement, data: dict[str, Any]) -> None:
        raise NotImplementedError

    body_serializer: type[serializers.Serializer] | None = None  # the step's request body, if it has one

    def validated(self, request: Request) -> dict[str, Any]:
        if self.body_serializer is None:
            return {}
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def post(self, request: Request, id: UUID) -> Response:
        allocation = self.allocation(id)
        data = self.validated(request)

        def handler() -> Response:
            self.book(allocation, data)
            fresh = self.allocation(id)
            return Response(represent(self, [fresh], view_name=self.view_name)[0])

        return self.once(handler)


class AllocationAcknowledge(AllocationStep):
    view_name = "allocation_acknowledge"

    @extend_schema(
        operation_id="allocations_acknowledge",
        tags=TAG,
        summary="Acknowledge the allocation (301 received)",
        parameters=[ID_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=EmptySerializer,
        responses={200: AllocationSerializer},
    )
    def post(self, request: Request, id: UUID) -> Response:
        return super().post(request, id)

    def book(self, allocation: Arrangement, data: dict[str, Any]) -> None:
        services.allocation_acknowledge(client=self.principal().client, arrangement=allocation)


class AllocationStart(AllocationStep):
    view_name = "allocation_start"
    body_serializer = StartSerializer

    @extend_schema(
        operation_id="allocations_start",
        tags=TAG,
        summary="Report the start of care (305)",
        parameters=[ID_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=StartSerializer,
        responses={200: AllocationSerializer},
    )
    def post(self, request: Request, id: UUID) -> Response:
        return super().post(request, id)

    def book(self, allocation: Arrangement, data: dict[str, Any]) -> None:
        services.allocation_start(client=self.principal().client, arrangement=allocation, start_date=data["startDate"])


class AllocationStop(AllocationStep):
    view_name = "allocation_stop"
    body_serializer = StopSerializer

    @extend_schema(
        operation_id="allocations_stop",
        tags=TAG,
        summary="Report the stop of care (307)",
        parameters=[ID_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=StopSerializer,
        responses={200: AllocationSerializer},
    )
    def post(self, request: Request, id: UUID) -> Response:
        return super().post(request, id)

    def book(self, allocation: Arrangement, data: dict[str, Any]) -> None:
        services.allocation_stop(
            client=self.principal().client,
            arrangement=allocation,
            stop_date=data["stopDate"],
            reason=data["reason"],
        )
