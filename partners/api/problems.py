"""Errors of the partner API as RFC 9457 problem details (`application/problem+json`).

Every error answer has `type`, `title`, `status`, `detail`, `instance` and `invalidParams`
(a list of `{name, code, reason}`, empty when no single parameter is at fault; NLGov API
design rules / Haal Centraal). Field names in `invalidParams` are the camelCase names of
the JSON body or query parameter. Malformed input (wrong type, unparseable JSON, unknown
choice) is 400; input that is well-formed but breaks a rule of the allocation (a start
before the allocation's start, a stop in the future) is 422; a step that the allocation's
status does not allow is 409.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
NON_FIELD = "nonFieldErrors"


class UnprocessableEntity(exceptions.ValidationError):
    """Well-formed input that breaks a rule (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "invalid"


class Conflict(exceptions.APIException):
    """The allocation's state does not allow this step (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Dit kan niet in de huidige status van de toewijzing.")
    default_code = "conflict"


TITLES = {
    400: gettext_lazy("Ongeldige aanvraag"),
    401: gettext_lazy("Niet geauthenticeerd"),
    403: gettext_lazy("Geen toegang"),
    404: gettext_lazy("Niet gevonden"),
    405: gettext_lazy("Methode niet toegestaan"),
    406: gettext_lazy("Niet aanvaardbaar"),
    409: gettext_lazy("Conflict"),
    415: gettext_lazy("Mediatype niet ondersteund"),
    422: gettext_lazy("Invoer voldoet niet aan de regels"),
    429: gettext_lazy("Te veel verzoeken"),
}


def camel(name: str) -> str:
    """`stop_date` → `stopDate` (service field names to the API's convention)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail → [{name, code, reason}], names dotted (`lines.0.volume`)."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = NON_FIELD if key in ("non_field_errors", "__all__") else str(key)
            params += _flatten(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(detail, list):
        if all(isinstance(d, exceptions.ErrorDetail | str) for d in detail):
            for d in detail:
                params.append({"name": prefix or NON_FIELD, "code": getattr(d, "code", "invalid"), "reason": str(d)})
        else:
            for index, value in enumerate(detail):
                params += _flatten(value, f"{prefix}.{index}" if prefix else str(index))
    else:
        params.append({"name": prefix or NON_FIELD, "code": getattr(detail, "code", "invalid"), "reason": str(detail)})
    return params


def problem(*, status_code: int, detail: str, instance: str, invalid: list[dict[str, str]] | None = None) -> dict:
    return {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110#status.{status_code}",
        "title": str(TITLES.get(status_code, _("Fout"))),
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "invalidParams": invalid or [],
    }


def django_validation_to_api(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError: status codes → 409, field errors → 422 (camelCase names)."""
    codes = {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else set()
    if codes & {"status", "stale"}:
        return Conflict(" ".join(str(m) for m in exc.messages))
    if hasattr(exc, "error_dict"):
        return UnprocessableEntity({camel(k) if k != "__all__" else NON_FIELD: v for k, v in exc.message_dict.items()})
    return UnprocessableEntity({NON_FIELD: exc.messages})


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = django_validation_to_api(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    assert isinstance(exc, exceptions.APIException)
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        invalid = _flatten(detail)
        message = _("Een of meer parameters zijn ongeldig.")
    else:
        invalid = []
        message = str(detail) if not isinstance(detail, dict | list) else str(exc.default_detail)
    response.data = problem(status_code=response.status_code, detail=message, instance=instance, invalid=invalid)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that matches no route (also a malformed id): 404 problem."""
    body = problem(status_code=404, detail=str(exceptions.NotFound.default_detail), instance=request.path)
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})


def is_problem_path(path: str) -> bool:
    return bool(re.match(r"^/api/v1(/|$)", path))
