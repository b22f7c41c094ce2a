"""Reads of arrangements and escalations, permission-filtered in SQL.

Arrangements, escalations and decisions are authorised through their case: the callers
pass a case fetched with `cases.access.case_view` (already authorised and logged), or
the list filters by `cases.permissions.visible_case_ids`. The expert team's queue shows
only what an expert needs to pick a question up (number, reason, urgency, deadline); the
question itself is case content, read on the case after access is granted.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from cases import permissions as case_permissions
from cases.models import Case

from .constants import COMMITTED_STATUSES, ArrangementStatus, CeilingApprovalStatus, EscalationStatus
from .models import Arrangement, CatalogueItem, CeilingApproval, Decision, Escalation


def catalogue_for_case(*, case: Case) -> QuerySet[CatalogueItem]:
    """The active items of the case's municipality (form choices)."""
    return CatalogueItem.objects.filter(municipality_id=case.team.municipality_id, active=True).order_by("law", "name")


def arrangements_for_case(*, case: Case) -> QuerySet[Arrangement]:
    """The case's arrangements with what a row needs (one query)."""
    return (
        Arrangement.objects.filter(case=case)
        .select_related("item", "provider", "member__person", "ceiling_approval")
        .order_by("-created_at", "-pk")
    )


def arrangement_get(*, case: Case, uuid) -> Arrangement:  # type: ignore[no-untyped-def]
    """One arrangement of an authorised case; DoesNotExist (→ 404) otherwise."""
    return (
        Arrangement.objects.select_related("item", "provider", "member__person", "case__team", "granted_by")
        .prefetch_related("months")
        .get(case=case, uuid=uuid)
    )


def escalations_for_case(*, case: Case) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(case=case)
        .select_related("expert_team", "assigned_expert", "requested_by", "arrangement__item")
        .order_by("-opened_at")
    )


def escalation_get(*, case: Case, uuid) -> Escalation:  # type: ignore[no-untyped-def]
    return Escalation.objects.select_related(
        "expert_team",
        "assigned_expert",
        "requested_by",
        "arrangement__item",
        "arrangement__provider",
        "arrangement__member__person",
        "case__team",
    ).get(case=case, uuid=uuid)


def decisions_for_case(*, case: Case) -> QuerySet[Decision]:
    return Decision.objects.filter(case=case).defer("pdf").select_related("arrangement__item", "decided_by")


def decision_get(*, case: Case, uuid) -> Decision:  # type: ignore[no-untyped-def]
    return Decision.objects.select_related("arrangement__item").get(case=case, uuid=uuid)


def expert_team_ids(user: User) -> QuerySet:
    return user.memberships.filter(role__in=[Role.EXPERT, Role.TEAMLEIDER], team__kind="expertiseteam").values(
        "team_id"
    )


def escalation_queue_for_user(*, user: User) -> QuerySet[Escalation]:
    """The open questions of the expert teams the user works in, by deadline (one query).

    Only metadata is joined (case number, team, requester): no household, no question.
    """
    return (
        Escalation.objects.filter(expert_team_id__in=expert_team_ids(user))
        .exclude(status=EscalationStatus.CLOSED)
        .select_related("case", "expert_team", "assigned_expert", "requested_by")
        .only(
            "uuid",
            "reason",
            "urgency",
            "deadline",
            "status",
            "opened_at",
            "assigned_expert_id",
            "case__uuid",
            "case__number",
            "expert_team__name",
            "assigned_expert__first_name",
            "assigned_expert__last_name",
            "assigned_expert__username",
            "requested_by__first_name",
            "requested_by__last_name",
            "requested_by__username",
        )
        .order_by("deadline", "opened_at", "pk")
    )


def escalation_for_expert(*, user: User, uuid) -> Escalation:  # type: ignore[no-untyped-def]
    """An open escalation in the user's expert team (the queue's "oppakken"); DoesNotExist otherwise."""
    return (
        Escalation.objects.filter(expert_team_id__in=expert_team_ids(user))
        .exclude(status=EscalationStatus.CLOSED)
        .select_related("case", "expert_team")
        .get(uuid=uuid)
    )


def _visible(user: User) -> QuerySet:
    return case_permissions.visible_case_ids(user)


def my_escalations(*, user: User, limit: int = 10) -> QuerySet[Escalation]:
    """The open escalations of the cases the user directs (regisseur's worklist)."""
    return (
        Escalation.objects.filter(case__regisseur=user)
        .exclude(status=EscalationStatus.CLOSED)
        .select_related("case", "expert_team")
        .order_by("deadline", "pk")[:limit]
    )


def reviews_for_team(*, user: User, team_id: int | None = None) -> QuerySet[Arrangement]:
    """Running arrangements due for review on the cases the user may see, in the user's teams.

    "Volstaat niet meer" first, then by review date (one query, filtered in SQL).
    """
    team_ids = user.memberships.values("team_id")
    qs = Arrangement.objects.filter(
        case_id__in=_visible(user),
        case__team_id__in=team_ids,
        status__in=COMMITTED_STATUSES,
    ).filter(Q(review_due_since__isnull=False) | Q(insufficient=True))
    if team_id is not None:
        qs = qs.filter(case__team_id=team_id)
    return (
        qs.select_related("case__team", "case__regisseur", "item")
        .annotate(top=SqlCase(When(insufficient=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("top", "review_date", "pk")
    )


def my_due_reviews(*, user: User, limit: int = 10) -> QuerySet[Arrangement]:
    return (
        Arrangement.objects.filter(case__regisseur=user, status__in=COMMITTED_STATUSES)
        .filter(Q(review_due_since__isnull=False) | Q(insufficient=True))
        .select_related("case", "item")
        .annotate(top=SqlCase(When(insufficient=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("top", "review_date", "pk")[:limit]
    )


def today() -> dt.date:
    return timezone.localdate()


def goal_provisions(*, case: Case, lineages: list[UUID]) -> dict[UUID, list[str]]:
    """For the plan: per goal lineage, the provisions on it ("Begeleiding (toegekend)"). One query."""
    result: dict[UUID, list[str]] = {}
    rows = (
        Arrangement.objects.filter(case=case, goal_lineage__in=lineages)
        .exclude(status=ArrangementStatus.REFUSED)
        .select_related("item")
        .order_by("start_date", "pk")
    )
    for arrangement in rows:
        label = f"{arrangement.item.name} ({arrangement.get_status_display().lower()})"
        result.setdefault(arrangement.goal_lineage, []).append(label)  # type: ignore[arg-type]
    return result


def ceiling_approval_get(*, case: Case, uuid: UUID | str) -> CeilingApproval:
    """One approval request of an (already authorised) case; DoesNotExist otherwise."""
    return CeilingApproval.objects.select_related(
        "arrangement__item", "arrangement__provider", "requested_by", "decided_by"
    ).get(case=case, uuid=uuid)


def ceiling_approvals_pending(*, user: User, limit: int = 10) -> QuerySet[CeilingApproval]:
    """Pending requests beyond the budget ceiling on cases of the teams the user leads
    (the team leader's worklist; one query, filtered in SQL), oldest first."""
    team_ids = user.memberships.filter(role=Role.TEAMLEIDER).values("team_id")
    return (
        CeilingApproval.objects.filter(status=CeilingApprovalStatus.PENDING, case__team_id__in=team_ids)
        .select_related("case", "arrangement__item")
        .order_by("requested_at", "pk")[:limit]
    )
