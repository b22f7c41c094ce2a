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

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Membership, User
from audit.models import AccessGround
from socialdomain.audit import audit_read
from socialdomain.authz import permission_id

from . import permissions, selectors
from .models import BreakGlassAccess, Case, CaseGroupObjectPermission, CaseUserObjectPermission

READ_PURPOSE = "casusregie"
BREAK_GLASS_PURPOSE = "noodtoegang"

CaseFrom = Callable[[dict[str, Any]], UUID | str | None]


@dataclass(frozen=True)
class CaseAccess:
    """How the current request reached its case (set as `request.case_access`)."""

    case: Case
    break_glass_until: datetime | None
    ground: str = AccessGround.REGISSEUR

    @property
    def via_break_glass(self) -> bool:
        return self.break_glass_until is not None


def _fetch(*, user: User, uuid: UUID | str, write: bool) -> Case:
    try:
        return selectors.case_get_for_user(user=user, uuid=uuid, write=write)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class _Reach:
    ground: str
    break_glass_id: int | None
    break_glass_until: datetime | None


def _reach(*, user: User, case: Case) -> _Reach:
    """On what ground (NEN 7513) the user reaches this case, and their running break-glass
    access, in **one** query: every branch of `permissions.visible_case_ids` becomes an
    `EXISTS` (or a subquery) on the case's own row, so the ground costs nothing beyond the
    break-glass lookup the access log always needed.

    The first that holds wins: regisseur, break-glass, a registered live grant (the expert
    team's escalation access), team leader of the case's team, a personal share, a share
    with the case's own team (`team`), a share with another team (`share`).
    """
    now = timezone.now()
    view = permission_id(Case, permissions.VIEW)
    user_groups = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
    running = BreakGlassAccess.objects.filter(
        user_id=user.pk, case_id=OuterRef("pk"), revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-expires_at")
    group_grants = CaseGroupObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), permission_id=view, group_id__in=user_groups
    )
    annotations: dict[str, Any] = {
        "bg_id": Subquery(running.values("pk")[:1]),
        "bg_until": Subquery(running.values("expires_at")[:1]),
        "personal": Exists(
            CaseUserObjectPermission.objects.filter(
                content_object_id=OuterRef("pk"), user_id=user.pk, permission_id=view
            )
        ),
        "own_team": Exists(group_grants.filter(group__team__id=OuterRef("team_id"))),
        "other_team": Exists(group_grants.exclude(group__team__id=OuterRef("team_id"))),
    }
    if Role.TEAMLEIDER in user.roles:  # cached per request; most users lead no team
        annotations["leader"] = Exists(
            Membership.objects.filter(user_id=user.pk, role=Role.TEAMLEIDER, team_id=OuterRef("team_id"))
        )
    sources = permissions.live_grant_sources()
    for index, (_ground, source) in enumerate(sources):
        annotations[f"live_{index}"] = Exists(source(user, case))
    row = Case.objects.filter(pk=case.pk).annotate(**annotations).values(*annotations).get()
    ground: str
    if case.regisseur_id == user.pk:
        ground = AccessGround.REGISSEUR
    elif row["bg_id"] is not None:
        ground = AccessGround.BREAK_GLASS
    elif live := next((g for i, (g, _s) in enumerate(sources) if row[f"live_{i}"]), None):
        ground = live
    elif row.get("leader"):
        ground = AccessGround.TEAM_LEADER
    elif row["personal"]:
        ground = AccessGround.SHARE
    elif row["own_team"]:
        ground = AccessGround.TEAM
    else:
        # A share with another team; also the (theoretical) case of a grant that changed
        # between the fetch and this lookup: the user reached the case through a share.
        ground = AccessGround.SHARE
    return _Reach(ground=ground, break_glass_id=row["bg_id"], break_glass_until=row["bg_until"])


def _log_read(*, request: HttpRequest, case: Case) -> CaseAccess:
    # Exactly one entry per request and case, even when a view that went through the
    # decorator also calls `case_get_and_log_read` (or two decorators are stacked).
    logged: dict[int, CaseAccess] = request.__dict__.setdefault("_case_reads_logged", {})
    if case.pk in logged:
        return logged[case.pk]
    user: User = request.user  # type: ignore[assignment]
    reach = _reach(user=user, case=case)
    match = getattr(request, "resolver_match", None)
    audit_read(
        actor=user,
        obj=case,
        case_uuid=case.uuid,
        view=match.view_name if match else "",
        purpose=f"{BREAK_GLASS_PURPOSE} #{reach.break_glass_id}" if reach.break_glass_id else READ_PURPOSE,
        flagged=reach.break_glass_id is not None,
        ground=reach.ground,
    )
    access = CaseAccess(case=case, break_glass_until=reach.break_glass_until, ground=reach.ground)
    logged[case.pk] = access
    return access


def case_get_and_log_read(*, request: HttpRequest, uuid: UUID | str, write: bool = False) -> CaseAccess:
    """The case if the user may read (or write) it, with its read written; `Http404` otherwise.

    For views that cannot use the decorator (a case found by another key). One indexed
    lookup for the case, one for the ground (and break-glass), one insert for the log entry.
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
