"""Intake's parts of the case page and of the home worklist (registered in `IntakeConfig.ready()`)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from accounts.models import User
from cases import permissions as case_permissions
from cases.constants import CaseStatus
from cases.models import Case
from socialdomain.registry import (
    CaseDate,
    WorklistRow,
    register_case_dates,
    register_case_section,
    register_worklist_item,
)

from . import selectors
from .constants import GesprekStatus, SignalStatus
from .models import Gesprek, Signal

LIMIT = 10
UNTRIAGED = (SignalStatus.NEW, SignalStatus.TRIAGE)


# --- The case page -------------------------------------------------------------------


def gesprekken_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    """Gesprekken, scores, Meldcode steps and signals: `case_intake_overview` (constant queries)."""
    return {"overview": selectors.case_intake_overview(user=request.user, case=case)}  # type: ignore[arg-type]


def _gesprekken_url(case: Case) -> str:
    return reverse("cases:section", kwargs={"uuid": case.uuid, "section": "gesprekken"})


def next_gesprek(*, case: Case) -> Iterable[CaseDate]:
    """The next planned gesprek of the case (one query)."""
    planned = (
        Signal.objects.filter(case=case, status=SignalStatus.WAITING, gesprek_planned_on__gte=timezone.localdate())
        .order_by("gesprek_planned_on")
        .values_list("gesprek_planned_on", flat=True)
        .first()
    )
    if planned is None:
        return []
    return [CaseDate(date=planned, label=_("Gesprek gepland"), url=_gesprekken_url(case))]


# --- The home worklist -----------------------------------------------------------------


def _teams(user: User, role: str) -> Any:
    return user.memberships.filter(role=role).values("team_id")


def _untriaged(user: User, role: str) -> Any:
    """Signals of the user's teams (in `role`) that nobody triaged yet: no case, not done."""
    return Signal.objects.filter(team_id__in=_teams(user, role), case__isnull=True, status__in=UNTRIAGED)


def _signal_rows(signals: Any) -> list[WorklistRow]:
    today = timezone.localdate()
    return [
        WorklistRow(
            label=_("%(source)s – %(status)s") % {"source": s.get_source_display(), "status": s.get_status_display()},
            url=reverse("intake:signal_detail", kwargs={"uuid": s.uuid}),
            detail=s.team.name,
            date=s.received_on,
            urgent=(today - s.received_on).days > 5,
        )
        for s in signals.select_related("team").order_by("received_on", "created_at")[:LIMIT]
    ]


def new_signals_rows(*, user: User) -> list[WorklistRow]:
    return _signal_rows(_untriaged(user, Role.REGISSEUR))


def new_signals_count(*, user: User) -> int:
    return _untriaged(user, Role.REGISSEUR).count()


def team_signals_rows(*, user: User) -> list[WorklistRow]:
    return _signal_rows(_untriaged(user, Role.TEAMLEIDER))


def team_signals_count(*, user: User) -> int:
    return _untriaged(user, Role.TEAMLEIDER).count()


def _this_week() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def _planned_this_week(user: User) -> Any:
    monday, sunday = _this_week()
    return Signal.objects.filter(
        case__regisseur=user,
        case__status=CaseStatus.OPEN,
        status=SignalStatus.WAITING,
        gesprek_planned_on__range=(monday, sunday),
    )


def gesprekken_week_rows(*, user: User) -> list[WorklistRow]:
    signals = _planned_this_week(user).select_related("case", "case__household").order_by("gesprek_planned_on")
    return [
        WorklistRow(
            label=_("Dossier %(number)s – %(household)s")
            % {"number": s.case.number, "household": s.case.household.name},  # type: ignore[union-attr]
            url=_gesprekken_url(s.case),  # type: ignore[arg-type]
            detail=_("Gesprek gepland"),
            date=s.gesprek_planned_on,
        )
        for s in signals[:LIMIT]
    ]


def gesprekken_week_count(*, user: User) -> int:
    return _planned_this_week(user).count()


def _my_drafts(user: User) -> Any:
    """Draft gesprekken the user started or last saved, on open cases they may still record on."""
    return Gesprek.objects.filter(
        Q(created_by=user) | Q(updated_by=user),
        status=GesprekStatus.DRAFT,
        case__status=CaseStatus.OPEN,
        case_id__in=case_permissions.visible_case_ids(user, case_permissions.CHANGE),
    )


def drafts_rows(*, user: User) -> list[WorklistRow]:
    drafts = _my_drafts(user).select_related("case", "case__household").order_by("-updated_at")
    return [
        WorklistRow(
            label=_("Dossier %(number)s – %(household)s")
            % {"number": g.case.number, "household": g.case.household.name},
            url=reverse("intake:gesprek_edit", kwargs={"uuid": g.uuid}),
            detail=_("Concept van het gesprek"),
            date=g.date,
        )
        for g in drafts[:LIMIT]
    ]


def drafts_count(*, user: User) -> int:
    return _my_drafts(user).count()


def _inbox_url() -> str:
    return reverse("intake:inbox")


def register() -> None:
    register_case_section(
        key="gesprekken",
        label=gettext_lazy("Gesprekken"),
        order=30,
        template="intake/sections/gesprekken.html",
        context=gesprekken_context,
    )
    register_case_dates(key="intake.next_gesprek", dates=next_gesprek)
    register_worklist_item(
        key="intake.new_signals",
        label=gettext_lazy("Nieuwe aanmeldingen voor mijn team"),
        order=10,
        roles=[Role.REGISSEUR],
        rows=new_signals_rows,
        count=new_signals_count,
        link=_inbox_url,
        limit=LIMIT,
        empty_text=gettext_lazy("Geen nieuwe aanmeldingen."),
    )
    register_worklist_item(
        key="intake.gesprekken_this_week",
        label=gettext_lazy("Gesprekken deze week"),
        order=20,
        roles=[Role.REGISSEUR],
        rows=gesprekken_week_rows,
        count=gesprekken_week_count,
        limit=LIMIT,
        empty_text=gettext_lazy("Deze week staan er geen gesprekken gepland."),
    )
    register_worklist_item(
        key="intake.my_drafts",
        label=gettext_lazy("Mijn concepten"),
        order=30,
        roles=[Role.REGISSEUR],
        rows=drafts_rows,
        count=drafts_count,
        limit=LIMIT,
        empty_text=gettext_lazy("Geen gesprekken in concept."),
    )
    register_worklist_item(
        key="intake.team_signals",
        label=gettext_lazy("Nieuwe en niet-toegewezen aanmeldingen van het team"),
        order=110,
        roles=[Role.TEAMLEIDER],
        rows=team_signals_rows,
        count=team_signals_count,
        link=_inbox_url,
        limit=LIMIT,
        empty_text=gettext_lazy("Alle aanmeldingen zijn opgepakt."),
    )
