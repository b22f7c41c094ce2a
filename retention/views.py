"""Placing and lifting a legal hold from the case page (POST only; the tab shows the form)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import case_view
from cases.models import Case
from socialdomain.forms import labelled_errors
from socialdomain.http import AuthenticatedHttpRequest

from . import services
from .forms import LegalHoldForm
from .models import LegalHold


def _back(case: Case) -> HttpResponse:
    return redirect("cases:section", uuid=case.uuid, section="bewaren")


@require_POST
@case_view(allow=services.may_manage_hold)
def hold_place(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        for error in labelled_errors(form):
            messages.error(request, error)
        return _back(case)
    try:
        services.legal_hold_place(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("De bewaarplicht is geplaatst: dit dossier wordt niet verwijderd."))
    return _back(case)


@require_POST
@case_view(allow=services.may_manage_hold)
def hold_lift(request: AuthenticatedHttpRequest, case: Case, hold_uuid: str) -> HttpResponse:
    hold = LegalHold.objects.filter(case=case, uuid=hold_uuid).first()
    if hold is None:
        raise Http404
    services.legal_hold_lift(actor=request.user, hold=hold)
    messages.success(request, _("De bewaarplicht is opgeheven."))
    return _back(case)
