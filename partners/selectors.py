"""Reads of the partner API: what one client may see, filtered in SQL.

A client sees the arrangements allocated (toewijzing, `allocated_at` set) to its own
organisation on cases of its own municipality, never those of a person whose processing
is restricted (AVG art. 18). Everything else is "not found" (404), whatever the route.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement, Tariff
from cases.constants import ConsentPurpose
from cases.selectors import consent_in_force
from plan.models import Goal

from .models import ApiClient, ProviderMessage


def allocations_for_client(*, client: ApiClient) -> QuerySet[Arrangement]:
    """The client's allocations with what the answer needs (3 queries per page, whatever its size)."""
    return (
        Arrangement.objects.filter(
            provider_id=client.organisation_id,
            case__team__municipality_id=client.municipality_id,
            allocated_at__isnull=False,
            member__person__processing_restricted=False,
        )
        .select_related("item", "case", "member__person")
        .prefetch_related(
            Prefetch("item__tariffs", queryset=Tariff.objects.order_by("valid_from"), to_attr="tariff_list"),
            Prefetch("provider_messages", queryset=ProviderMessage.objects.all(), to_attr="message_list"),
        )
    )


def allocation_for_client(*, client: ApiClient, uuid: UUID) -> Arrangement | None:
    return allocations_for_client(client=client).filter(uuid=uuid).first()


@dataclass
class Disclosure:
    """Per page: which members consented to sharing with this organisation, and their goals."""

    consented: set[int] = field(default_factory=set)
    goals: dict[tuple[int, UUID], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    today: dt.date | None = None  # the page's day: the tariff in force (partners/api/serializers.py)

    def goals_for(self, arrangement: Arrangement) -> list[dict[str, Any]] | None:
        """The plan goal(s) of the arrangement's goal lineage, or None without consent."""
        if arrangement.member_id not in self.consented:
            return None
        if arrangement.goal_lineage is None:
            return []
        return self.goals.get((arrangement.case_id, arrangement.goal_lineage), [])


def disclosure_for(*, client: ApiClient, allocations: Iterable[Arrangement]) -> Disclosure:
    """Consent in force (one query) and, for consented members, their current-plan goals (one query)."""
    allocations = list(allocations)
    disclosure = Disclosure(today=timezone.localdate())
    if not allocations:
        return disclosure
    disclosure.consented = consent_in_force(
        member_ids={a.member_id for a in allocations},
        organisation_id=client.organisation_id,
        purpose=ConsentPurpose.PARTNER,
    )
    wanted = [a for a in allocations if a.member_id in disclosure.consented and a.goal_lineage is not None]
    if wanted:
        rows = Goal.objects.filter(
            plan__case_id__in={a.case_id for a in wanted},
            plan__is_current=True,
            lineage__in={a.goal_lineage for a in wanted},
        ).values("plan__case_id", "lineage", "domain", "description", "target_score", "target_date")
        for row in rows:
            disclosure.goals[(row["plan__case_id"], row["lineage"])].append(dict(row))
    return disclosure


# --- The regisseur's side: what providers reported, and starts that are overdue -----------

# iWmo/iJw SAP: the provider reports a start within this many working days.
START_REPORT_WORKING_DAYS = 5


def case_allocations(*, case: Any) -> list[Arrangement]:
    """The case's allocated arrangements with the provider's messages (two queries)."""
    return list(
        Arrangement.objects.filter(case=case, allocated_at__isnull=False)
        .select_related("item", "provider", "member__person")
        .prefetch_related(Prefetch("provider_messages", to_attr="message_list"))
        .order_by("-allocated_at", "-pk")
    )


def start_due(arrangement: Arrangement) -> dt.date:
    """The last day for the start message: 5 working days after the allocation's start
    (or after the allocation itself, when it was allocated later than its start)."""
    from arrangements.services import working_days_after

    allocated = timezone.localdate(arrangement.allocated_at) if arrangement.allocated_at else arrangement.start_date
    return working_days_after(max(arrangement.start_date, allocated), START_REPORT_WORKING_DAYS)


def latest_overdue_base(today: dt.date) -> dt.date:
    """The latest base day (see `start_due`) whose deadline lies before `today`: the SQL bound."""
    from arrangements.services import working_days_after

    day = today
    while working_days_after(day, START_REPORT_WORKING_DAYS) >= today:
        day -= dt.timedelta(days=1)
    return day


def starts_overdue(*, user: Any, limit: int = 10, today: dt.date | None = None) -> QuerySet[Arrangement]:
    """Allocations on the regisseur's own cases without a start message after 5 working days."""
    today = today or timezone.localdate()
    bound = latest_overdue_base(today)
    return (
        Arrangement.objects.filter(case__regisseur=user, status=ArrangementStatus.ALLOCATED)
        .annotate(base=Greatest(F("start_date"), TruncDate("allocated_at")))
        .filter(base__lte=bound)
        .select_related("case", "item", "provider")
        .order_by("base", "pk")[:limit]
    )
