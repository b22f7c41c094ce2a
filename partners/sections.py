"""What partners contribute to the case page and the home worklist.

- Under each allocation on the Voorzieningen tab (`arrangements.hooks.register_allocation_part`):
  the provider's requests (315) and progress reports; two queries for the whole tab.
- The regisseur's worklist: open requests on the cases they direct (one query).
The case page reads these through `case_view` (one read entry per request).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from accounts.models import User
from socialdomain.registry import WorklistRow, register_worklist_item

from .declaration_models import AllocationRequest, ProgressGoalStatus, ProgressReport, RequestStatus

REPORTS_PER_ALLOCATION = 10  # the newest; older ones stay in the database (and the timeline)


@dataclass
class AllocationMessages:
    requests: list[AllocationRequest] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)


def allocation_messages(*, case: Any, arrangement_ids: list[int]) -> dict[int, AllocationMessages]:
    """Requests (open first) and the newest reports per allocation of the case: three queries."""
    result: dict[int, AllocationMessages] = {}
    if not arrangement_ids:
        return result
    requests = AllocationRequest.objects.filter(arrangement_id__in=arrangement_ids).order_by("-status", "-received_at")
    for r in requests.select_related("organisation", "handled_by"):
        result.setdefault(r.arrangement_id, AllocationMessages()).requests.append(r)
    reports = (
        ProgressReport.objects.filter(arrangement_id__in=arrangement_ids)
        .select_related("organisation")
        .prefetch_related(Prefetch("goal_statuses", queryset=ProgressGoalStatus.objects.order_by("pk")))
        .order_by("-received_at", "-id")
    )
    for report in reports:
        messages = result.setdefault(report.arrangement_id, AllocationMessages())
        if len(messages.reports) < REPORTS_PER_ALLOCATION:
            messages.reports.append(report)
    return result


def open_requests_for_regisseur(*, user: User) -> QuerySet[AllocationRequest]:
    """Open requests on open cases the user directs (filtered in SQL)."""
    return (
        AllocationRequest.objects.filter(
            status=RequestStatus.OPEN, arrangement__case__regisseur=user, arrangement__case__status="open"
        )
        .select_related("arrangement__case", "arrangement__item", "organisation")
        .order_by("received_at", "pk")
    )


def request_rows(*, user: User) -> Iterable[WorklistRow]:
    for r in open_requests_for_regisseur(user=user)[:10]:
        case = r.arrangement.case
        yield WorklistRow(
            label=_("Dossier %(number)s: %(kind)s voor %(item)s")
            % {"number": case.number, "kind": r.get_kind_display().lower(), "item": r.arrangement.item.name},
            url=reverse("cases:section", kwargs={"uuid": case.uuid, "section": "voorzieningen"}),
            detail=r.organisation.name,
            date=r.received_at,
        )


def request_count(*, user: User) -> int:
    return open_requests_for_regisseur(user=user).count()


def register() -> None:
    from arrangements.hooks import register_allocation_part

    register_allocation_part(template="partners/_allocation_messages.html", parts=allocation_messages)
    register_worklist_item(
        key="partners-allocation-requests",
        label=cast(str, gettext_lazy("Verzoeken van aanbieders")),
        order=42,
        roles=[Role.REGISSEUR],
        rows=request_rows,
        count=request_count,
        empty_text=cast(str, gettext_lazy("Geen open verzoeken van aanbieders.")),
        description=cast(str, gettext_lazy("Een aanbieder vraagt om een andere omvang, verlenging of ander product.")),
    )
