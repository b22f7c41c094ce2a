"""/api/v1/ routes of declarations (303), requests for an allocation (315) and progress reports
(included by partners/api/urls.py before its catch-all 404)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .declarations import AllocationRequestView, DeclarationView, ProgressReportView


def _api(view):  # type: ignore[no-untyped-def]
    """Bearer token, no session: no login redirect, no CSRF (as partners/api/urls.py's `api`)."""
    return csrf_exempt(login_not_required(view))


urlpatterns = [
    path("declarations", _api(DeclarationView.as_view()), name="declaration_create"),
    path("allocation-requests", _api(AllocationRequestView.as_view()), name="allocation_request_create"),
    path("allocations/<uuid:id>/progress-reports", _api(ProgressReportView.as_view()), name="progress_report_create"),
]
