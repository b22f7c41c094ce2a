from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from socialdomain.health import broker_state

from .selectors import team_list_for_user


def home(request: HttpRequest) -> HttpResponse:
    teams = team_list_for_user(user=request.user)
    return render(request, "accounts/home.html", {"teams": teams})


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: fails (503) only when the database is unreachable.

    Redis and the Celery workers are reported but do not fail the check: the app
    keeps serving pages when background processing is down.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any database error means "down" here
        database = "unavailable"
    payload = {"database": database, **broker_state()}
    status = 200 if database == "ok" else 503
    payload["status"] = "ok" if status == 200 else "error"
    return JsonResponse(payload, status=status)
