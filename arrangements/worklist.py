"""The parts arrangements contributes to the case page and the home worklist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from accounts.models import User
from socialdomain.registry import WorklistRow, register_case_section, register_worklist_item

from . import selectors


def escalation_rows(*, user: User) -> Iterable[WorklistRow]:
    """The regisseur's open escalations with their state (one query)."""
    for e in selectors.my_escalations(user=user):
        yield WorklistRow(
            label=_("Dossier %(number)s: %(reason)s") % {"number": e.case.number, "reason": e.get_reason_display()},
            url=reverse("arrangements:escalation_detail", kwargs={"uuid": e.case.uuid, "escalation": e.uuid}),
            detail=e.get_status_display(),
            date=e.deadline,
            urgent=e.is_overdue,
        )


def review_rows(*, user: User) -> Iterable[WorklistRow]:
    """Running arrangements due for review on the regisseur's cases; "volstaat niet meer" first."""
    for a in selectors.my_due_reviews(user=user):
        yield WorklistRow(
            label=_("Dossier %(number)s: evaluatie %(item)s") % {"number": a.case.number, "item": a.item.name},
            url=reverse("arrangements:detail", kwargs={"uuid": a.case.uuid, "arrangement": a.uuid}),
            detail=_("Volstaat niet meer") if a.insufficient else "",
            date=a.review_date,
            urgent=a.insufficient,
        )


def queue_rows(*, user: User) -> Iterable[WorklistRow]:
    for e in selectors.escalation_queue_for_user(user=user)[:10]:
        yield WorklistRow(
            label=_("Dossier %(number)s: %(reason)s") % {"number": e.case.number, "reason": e.get_reason_display()},
            url=reverse("arrangements:escalations"),
            detail=e.get_urgency_display(),
            date=e.deadline,
            urgent=e.is_overdue,
        )


def ceiling_approval_rows(*, user: User) -> Iterable[WorklistRow]:
    """The team leader's pending requests to grant beyond the team's budget ceiling (one query)."""
    for a in selectors.ceiling_approvals_pending(user=user):
        yield WorklistRow(
            label=_("Dossier %(number)s: %(item)s boven het budgetplafond")
            % {"number": a.case.number, "item": a.arrangement.item.name},
            url=reverse("arrangements:ceiling_approval", kwargs={"uuid": a.case.uuid, "approval": a.uuid}),
            detail=_("€ %(cost)s") % {"cost": number_format(a.arrangement.cost_total, 2, force_grouping=True)},
            date=a.requested_at,
        )


def register() -> None:
    from .views import section_context

    register_case_section(
        key="voorzieningen",
        label=cast(str, gettext_lazy("Voorzieningen")),
        order=50,
        template="arrangements/_section.html",
        context=section_context,
    )
    register_worklist_item(
        key="arrangements-escalations",
        label=cast(str, gettext_lazy("Mijn vragen aan het expertiseteam")),
        order=40,
        roles=[Role.REGISSEUR],
        rows=escalation_rows,
        empty_text=cast(str, gettext_lazy("Geen open vragen aan het expertiseteam.")),
    )
    register_worklist_item(
        key="arrangements-reviews",
        label=cast(str, gettext_lazy("Voorzieningen om te evalueren")),
        order=41,
        roles=[Role.REGISSEUR],
        rows=review_rows,
        empty_text=cast(str, gettext_lazy("Geen voorzieningen om te evalueren.")),
        link=lambda: reverse("arrangements:reviews"),
    )
    register_worklist_item(
        key="arrangements-queue",
        label=cast(str, gettext_lazy("Vragen aan het expertiseteam")),
        order=30,
        roles=[Role.EXPERT],
        rows=queue_rows,
        empty_text=cast(str, gettext_lazy("Geen open vragen.")),
        link=lambda: reverse("arrangements:escalations"),
    )
    register_worklist_item(
        key="arrangements-ceiling-approvals",
        label=cast(str, gettext_lazy("Goedkeuren boven het budgetplafond")),
        order=25,
        roles=[Role.TEAMLEIDER],
        rows=ceiling_approval_rows,
        empty_text=cast(str, gettext_lazy("Geen aanvragen boven het budgetplafond.")),
        description=cast(
            str, gettext_lazy("Voorzieningen die regisseurs boven het budgetplafond van uw team willen toekennen.")
        ),
    )
