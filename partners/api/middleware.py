"""`API-Version` on every answer under /api/v1/ (NLGov API design rule API-57)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/v1/"
API_VERSION = "1.0.0"


class ApiVersionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/"):
            response["API-Version"] = API_VERSION
        return response
