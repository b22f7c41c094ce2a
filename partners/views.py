"""The regisseur's side of what providers send: mark a request for an allocation handled."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import case_view
from cases.models import Case
from socialdomain.http import AuthenticatedHttpRequest

from . import requests as request_services
from .declaration_models import AllocationRequest


@require_POST
@case_view(write=True)
def request_handle(request: AuthenticatedHttpRequest, case: Case, request_uuid: UUID) -> HttpResponse:
    """Mark a provider's request on this case handled (write access; 404 for another case's)."""
    try:
        allocation_request = AllocationRequest.objects.get(uuid=request_uuid, arrangement__case=case)
    except AllocationRequest.DoesNotExist:
        raise Http404 from None
    try:
        request_services.allocation_request_handle(actor=request.user, request=allocation_request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Het verzoek van de aanbieder is afgehandeld."))
    return redirect("cases:section", uuid=case.uuid, section="voorzieningen")
