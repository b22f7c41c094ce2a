"""Reads of the reports app: which runs a user may see and download (docs/permissions.md).

A run is visible to
- the team leaders of its team (a team run),
- the controllers and the functional administrators (role `staff`) of its municipality
  (every run of the municipality: quarterly and team runs).
Nobody else: not another team's leader, not a regisseur or expert, not a partner, not a
controller of the other municipality. One SQL filter serves the list, the page, the
progress fragment and the downloads; a run one may not see answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.constants import Role
from accounts.models import Membership, User

from .models import ReportRun

MUNICIPALITY_ROLES = (Role.CONTROLLER, Role.STAFF)


def _visible(user: User) -> Q:
    led_teams = Membership.objects.filter(user=user, role=Role.TEAMLEIDER).values("team_id")
    municipalities = Membership.objects.filter(user=user, role__in=MUNICIPALITY_ROLES).values("team__municipality_id")
    return Q(team_id__in=led_teams) | Q(municipality_id__in=municipalities)


def report_run_list_for_user(*, user: User) -> QuerySet[ReportRun]:
    """The runs this user may see, newest first (one query with the names it shows)."""
    if not user.is_authenticated:
        return ReportRun.objects.none()
    return ReportRun.objects.filter(_visible(user)).select_related("municipality", "team", "requested_by")


def report_run_get_for_user(*, user: User, uuid: UUID | Any) -> ReportRun:
    """One visible run; raises ReportRun.DoesNotExist for missing and forbidden alike."""
    return report_run_list_for_user(user=user).get(uuid=uuid)


def may_see_reports(*, user: User) -> bool:
    return bool(set(user.roles) & {Role.TEAMLEIDER, Role.CONTROLLER, Role.STAFF})
