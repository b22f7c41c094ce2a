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

from django.db.models import Prefetch, QuerySet

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
    today: dt.date | None = None

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
    disclosure = Disclosure()
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
            disclosure.goals[(row["plan__case_id"], row["lineage"])].append(row)
    return disclosure
