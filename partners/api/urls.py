"""/api/v1/: the partner REST API (docs/api.md). No trailing slashes (NLGov API-48)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.views import TokenView

from . import allocations, docs, problems
from .declaration_urls import urlpatterns as declaration_urlpatterns

app_name = "partners_api"


def api(view):  # type: ignore[no-untyped-def]
    """Partner calls carry a bearer token, not a session: no login redirect, no CSRF."""
    return csrf_exempt(login_not_required(view))


urlpatterns = [
    path("openapi.json", api(docs.SchemaView.as_view()), name="schema"),
    path("docs", api(docs.DocsView.as_view()), name="docs"),
    path("oauth/token", api(TokenView.as_view()), name="token"),
    # Allocations (301) and the provider's acknowledgement, start (305) and stop (307).
    path("allocations", api(allocations.AllocationList.as_view()), name="allocation_list"),
    path("allocations/<uuid:id>", api(allocations.AllocationDetail.as_view()), name="allocation_detail"),
    path(
        "allocations/<uuid:id>/acknowledge",
        api(allocations.AllocationAcknowledge.as_view()),
        name="allocation_acknowledge",
    ),
    path("allocations/<uuid:id>/start", api(allocations.AllocationStart.as_view()), name="allocation_start"),
    path("allocations/<uuid:id>/stop", api(allocations.AllocationStop.as_view()), name="allocation_stop"),
]

# Declarations (303/304), requests for an allocation (315), progress reports (partners/api/declarations.py).
urlpatterns += declaration_urlpatterns

# Must stay last: every other path under /api/v1/ is a problem+json 404.
urlpatterns += [re_path(r"^[\s\S]*$", api(problems.not_found), name="not_found")]  # a newline too
