"""The expert team's access to a case through an escalation (docs/permissions.md).

- Opening (or assigning) an escalation grants the assigned expert `view_case` through
  socialdomain.authz; taking the case over adds `change_case`.
- Closing the escalation revokes those grants in the same transaction.
- At read time `cases.permissions` ignores a grant whose access has ended or passed its
  maximum period (`EXPERT_ACCESS_MAX_DAYS`), through `lapsed_case_ids` registered in
  `ArrangementsConfig.ready()`: access ends the moment it lapses, not when
  `arrangements.tasks.revoke_lapsed_expert_access` next tidies the grants up.
- A grant the expert already held (a personal share) is recorded as not owned and is
  never taken away.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as case_permissions
from cases.models import Case, CaseUserObjectPermission
from socialdomain import authz

from .models import Escalation, ExpertAccess


def _lapsed(now: dt.datetime) -> Q:
    return Q(ended_at__isnull=False) | Q(expires_at__lte=now)


def lapsed_case_ids(user: User) -> QuerySet:
    """Cases whose escalation grant to `user` has lapsed but is not revoked yet (one subquery).

    A case where the user still has another live escalation access is not lapsed.
    """
    now = timezone.now()
    mine = ExpertAccess.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    live = mine.exclude(_lapsed(now)).values("case_id")
    return mine.filter(_lapsed(now)).exclude(case_id__in=live).values("case_id")


def live_access(user: User, case: Case) -> QuerySet:
    """The user's live escalation access to this case (non-empty while it gives access)."""
    now = timezone.now()
    return ExpertAccess.objects.filter(user_id=user.pk, case_id=case.pk, revoked_at__isnull=True).exclude(_lapsed(now))


def grant_notes(case: Case) -> dict[int, tuple[str, bool]]:
    """For "Wie heeft toegang": {expert id: (note, lapsed)} of this case's unrevoked accesses."""
    now = timezone.now()
    notes: dict[int, tuple[str, bool]] = {}
    for access in ExpertAccess.objects.filter(case=case, revoked_at__isnull=True).order_by("granted_at"):
        lapsed = not access.is_live(now)
        if access.user_id in notes and not notes[access.user_id][1]:
            continue  # a live access wins over a lapsed one
        until = timezone.localtime(access.expires_at).strftime("%d-%m-%Y")
        notes[access.user_id] = (_("expertiseteam, uiterlijk tot %(until)s") % {"until": until}, lapsed)
    return notes


def _has_own_share(user: User, case: Case, codename: str) -> bool:
    """The user holds this grant from something other than an escalation (a personal share).

    A grant made by another unrevoked escalation access of the same expert to the same case
    does not count: that one is owned by the escalations, and the last one to end revokes it.
    """
    perm = authz.permission_id(Case, codename)
    if not CaseUserObjectPermission.objects.filter(user=user, content_object=case, permission_id=perm).exists():
        return False
    owned = {"owns_view": True} if codename == case_permissions.VIEW else {"owns_change": True}
    return not ExpertAccess.objects.filter(user=user, case=case, revoked_at__isnull=True, **owned).exists()


def expert_access_grant(*, escalation: Escalation, user: User, write: bool = False) -> ExpertAccess:
    """Give `user` read (and with `write`, record) access to the escalation's case.

    Idempotent per (escalation, user); called inside the escalation services' transaction.
    """
    case = escalation.case
    access = ExpertAccess.objects.select_for_update().filter(escalation=escalation, user=user).first()
    if access is None:
        access = ExpertAccess(
            escalation=escalation,
            case=case,
            user=user,
            owns_view=not _has_own_share(user, case, case_permissions.VIEW),
            expires_at=timezone.now() + dt.timedelta(days=settings.EXPERT_ACCESS_MAX_DAYS),
        )
    if write and not access.write:
        access.write = True
        access.owns_change = not _has_own_share(user, case, case_permissions.CHANGE)
    access.full_clean(exclude=["escalation", "case", "user"])
    access.save()
    authz.grant(codename=case_permissions.VIEW, to=user, obj=case)
    if write:
        authz.grant(codename=case_permissions.CHANGE, to=user, obj=case)
    return access


def expert_access_end(*, escalation: Escalation) -> int:
    """End and revoke every access of this escalation (same transaction as the close)."""
    now = timezone.now()
    accesses = list(
        ExpertAccess.objects.select_for_update()
        .filter(escalation=escalation, revoked_at__isnull=True)
        .select_related("user", "case")
        .order_by("pk")
    )
    for access in accesses:
        _revoke(access, now)
        access.ended_at = access.ended_at or now
        access.save(update_fields=["ended_at", "revoked_at"])
    return len(accesses)


def _revoke(access: ExpertAccess, now: dt.datetime) -> None:
    # Another live access of the same expert to the same case keeps the grant.
    other_live = (
        ExpertAccess.objects.filter(user=access.user, case=access.case, revoked_at__isnull=True, ended_at__isnull=True)
        .filter(expires_at__gt=now)
        .exclude(pk=access.pk)
    )
    writers = other_live.filter(write=True)
    if access.owns_change:
        if writers.exists():
            writers.update(owns_change=True)  # the last one to end revokes
        else:
            authz.revoke(codename=case_permissions.CHANGE, frm=access.user, obj=access.case)
    if access.owns_view:
        if other_live.exists():
            other_live.update(owns_view=True)
        else:
            authz.revoke(codename=case_permissions.VIEW, frm=access.user, obj=access.case)
    access.revoked_at = now


def expert_access_revoke_lapsed() -> int:
    """Tidy up: revoke the grants of accesses past their maximum period (safe to run twice)."""
    now = timezone.now()
    due = list(
        ExpertAccess.objects.select_for_update(skip_locked=True)
        .filter(revoked_at__isnull=True)
        .filter(_lapsed(now))
        .select_related("user", "case")
        .order_by("pk")
    )
    for access in due:
        _revoke(access, now)
        access.ended_at = access.ended_at or now
        access.save(update_fields=["ended_at", "revoked_at"])
    return len(due)


def expert_access_end_for(*, escalation: Escalation, user_id: int) -> None:
    """End one expert's access to this escalation (reassignment to a colleague)."""
    now = timezone.now()
    for access in (
        ExpertAccess.objects.select_for_update()
        .filter(escalation=escalation, user_id=user_id, revoked_at__isnull=True)
        .select_related("user", "case")
    ):
        _revoke(access, now)
        access.ended_at = access.ended_at or now
        access.save(update_fields=["ended_at", "revoked_at"])
