"""Requests for an allocation (iWmo/iJw 315, "verzoek om toewijzing") by a provider.

A provider asks about an allocation it holds: more or less volume, an extension (a later
end date) or another product. The request changes nothing by itself: it lands on the
worklist of the case's regisseur and on the case's Voorzieningen tab, where the regisseur
decides through the normal arrangement screens (change, new arrangement) and marks the
request handled (docs/api.md, "Requests for an allocation").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import permissions as case_permissions
from socialdomain.audit import audit_write

from .allocations import allocation_for_client
from .declaration_models import AllocationRequest, RequestKind, RequestStatus


@transaction.atomic
def allocation_request_create(
    *,
    organisation: Organisation,
    municipality_id: int,
    client_id: str,
    allocation: str,
    kind: str,
    motivation: str,
    volume: Decimal | None = None,
    end_date: dt.date | None = None,
    product_code: str = "",
) -> AllocationRequest:
    """Record a provider's request about its allocation; audited on the case (timeline).

    Raises `Arrangement.DoesNotExist` for an allocation that is not the client's (404) and
    ValidationError {field: Dutch message} for a request that breaks a rule (422): a volume
    change needs a volume, an extension an end date after the current end (not in the past),
    another product a product code; a stopped allocation takes no requests.
    """
    arrangement = allocation_for_client(
        organisation=organisation, municipality_id=municipality_id, allocation=allocation, lock=True
    )
    errors: dict[str, str] = {}
    if not arrangement.is_running:
        errors["allocation_id"] = _("Voor een beëindigde toewijzing kan geen verzoek worden gedaan.")
    if kind == RequestKind.VOLUME and volume is None:
        errors["volume"] = _("Geef de gevraagde omvang.")
    if kind == RequestKind.EXTENSION:
        current_end = arrangement.end_date or arrangement.start_date
        if end_date is None:
            errors["end_date"] = _("Geef de gevraagde einddatum.")
        elif end_date <= current_end or end_date < timezone.localdate():
            errors["end_date"] = _("De gevraagde einddatum ligt niet na het huidige einde van de toewijzing.")
    if kind == RequestKind.OTHER_PRODUCT and not product_code:
        errors["product_code"] = _("Geef de gevraagde productcode.")
    if errors:
        raise ValidationError(errors)
    request = AllocationRequest(
        arrangement=arrangement,
        organisation=organisation,
        client_id=client_id,
        kind=kind,
        volume=volume,
        end_date=end_date,
        product_code=product_code,
        motivation=motivation,
    )
    request.full_clean(exclude=["arrangement", "organisation", "handled_by"])
    request.save()
    audit_write(
        actor=None,
        action="partner_allocation_request",
        obj=request,
        case_uuid=arrangement.case.uuid,
        changes={"kind": [None, kind], "arrangement": [None, str(arrangement.uuid)]},
        organisation=organisation,
        client=client_id,
    )
    return request


@transaction.atomic
def allocation_request_handle(*, actor: User, request: AllocationRequest) -> AllocationRequest:
    """Mark a request handled (by someone who may record on its case). Idempotent: a
    handled request stays as it was. Raises PermissionDenied without write access."""
    locked = (
        AllocationRequest.objects.select_for_update(of=("self",)).select_related("arrangement__case").get(pk=request.pk)
    )
    case = locked.arrangement.case
    if not case_permissions.can_write(actor, case):
        raise PermissionDenied
    if locked.status == RequestStatus.HANDLED:
        return locked
    locked.status = RequestStatus.HANDLED
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.save(update_fields=["status", "handled_by", "handled_at"])
    audit_write(
        actor=actor,
        action="partner_allocation_request_handle",
        obj=locked,
        case_uuid=case.uuid,
        changes={"status": [RequestStatus.OPEN, RequestStatus.HANDLED]},
    )
    return locked
