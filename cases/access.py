"""The one way a case-bound view reaches its case: fetch, authorise, log the read.

    @case_view()                               # /dossiers/<uuid:uuid>/...
    def case_detail(request, case): ...

    @case_view(write=True)                      # write pages: write access and an open case
    def member_add(request, case): ...

    @case_view(case_from=gesprek_case_uuid)     # a child record: resolve its case first
    def gesprek_detail(request, case, uuid): ...

Missing case, a case the user may not see and an action the user may not take (`write`,
`allow`) all answer 404, so nothing reveals that a case exists. Every request that gets
through writes exactly one read entry in the case's access log (flagged when it came in
through break-glass) *before* the view runs, so a view cannot show case content without
its read being logged, and a test walks the URL map to prove every case-bound route is
wrapped (`is_case_view`). Writes are audited by the services, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User
from socialdomain.audit import audit_read

from . import breakglass, selectors
from .models import Case

READ_PURPOSE = "casusregie"
BREAK_GLASS_PURPOSE = "noodtoegang"

CaseFrom = Callable[[dict[str, Any]], UUID | str | None]


@dataclass(frozen=True)
class CaseAccess:
    """How the current request reached its case (set as `request.case_access`)."""

    case: Case
    break_glass_until: datetime | None

    @property
    def via_break_glass(self) -> bool:
        return self.break_glass_until is not None


def _fetch(*, user: User, uuid: UUID | str, write: bool) -> Case:
    try:
        return selectors.case_get_for_user(user=user, uuid=uuid, write=write)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None


def _log_read(*, request: HttpRequest, case: Case) -> CaseAccess:
    # Exactly one entry per request and case, even when a view that went through the
    # decorator also calls `case_get_and_log_read` (or two decorators are stacked).
    logged: dict[int, CaseAccess] = request.__dict__.setdefault("_case_reads_logged", {})
    if case.pk in logged:
        return logged[case.pk]
    user: User = request.user  # type: ignore[assignment]
    emergency = breakglass.break_glass_access_for(user=user, case=case)
    match = getattr(request, "resolver_match", None)
    audit_read(
        actor=user,
        obj=case,
        case_uuid=case.uuid,
        view=match.view_name if match else "",
        purpose=f"{BREAK_GLASS_PURPOSE} #{emergency.pk}" if emergency else READ_PURPOSE,
        flagged=emergency is not None,
    )
    access = CaseAccess(case=case, break_glass_until=emergency.expires_at if emergency else None)
    logged[case.pk] = access
    return access


def case_get_and_log_read(*, request: HttpRequest, uuid: UUID | str, write: bool = False) -> CaseAccess:
    """The case if the user may read (or write) it, with its read written; `Http404` otherwise.

    For views that cannot use the decorator (a case found by another key). One indexed
    lookup for the case, one for break-glass, one insert for the log entry.
    """
    case = _fetch(user=request.user, uuid=uuid, write=write)  # type: ignore[arg-type]
    access = _log_read(request=request, case=case)
    request.case_access = access  # type: ignore[attr-defined]
    return access


def case_view(
    *,
    write: bool = False,
    allow: Callable[[User, Case], bool] | None = None,
    case_from: CaseFrom | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view that shows or changes one case's content.

    The view is called as `view(request, case, **kwargs)`. Without `case_from` the case's
    UUID is the URL keyword `uuid` (consumed); with it, `case_from(kwargs)` returns the
    case UUID (or None → 404) and all URL keywords are passed on, so the view fetches its
    child record *within* the authorised case (e.g. `case.gesprekken.get(uuid=uuid)`).
    `allow(user, case)` narrows further (e.g. `permissions.can_share`); False → 404.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            case_uuid = case_from(kwargs) if case_from is not None else kwargs.pop("uuid")
            if case_uuid is None:
                raise Http404
            case = _fetch(user=request.user, uuid=case_uuid, write=write)  # type: ignore[arg-type]
            # Authorise fully before logging: a refused action leaves no read entry.
            if allow is not None and not allow(request.user, case):  # type: ignore[arg-type]
                raise Http404
            access = _log_read(request=request, case=case)
            request.case_access = access  # type: ignore[attr-defined]
            return view(request, access.case, *args, **kwargs)

        wrapper.case_bound = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def is_case_view(callback: Callable[..., Any]) -> bool:
    """True for a view wrapped by `case_view` (the URL-map test uses this)."""
    return bool(getattr(callback, "case_bound", False))
