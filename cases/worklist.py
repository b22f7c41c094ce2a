"""The home worklist items that cases contributes (registered in `CasesConfig.ready()`).

Each function runs one query (rows) or one COUNT, whatever the number of cases.
"""

from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.constants import Role
from accounts.models import User
from socialdomain.authz import permission_id
from socialdomain.registry import WorklistRow, register_worklist_item

from . import permissions
from .models import Case, CaseUserObjectPermission

LIMIT = 10


def _case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"uuid": case.uuid})


def _case_label(case: Case) -> str:
    return _("Dossier %(number)s – %(household)s") % {"number": case.number, "household": case.household.name}


def _shared_with(user: User) -> Any:
    """Open cases shared with the user personally (not their own): read along or record."""
    view = permission_id(Case, permissions.VIEW)
    return (
        Case.objects.open()
        .filter(
            id__in=CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=view).values(
                "content_object_id"
            )
        )
        .exclude(regisseur_id=user.pk)
    )


def shared_rows(*, user: User) -> list[WorklistRow]:
    change = permission_id(Case, permissions.CHANGE)
    cases = (
        _shared_with(user)
        .select_related("household")
        .annotate(
            may_write=Exists(
                CaseUserObjectPermission.objects.filter(
                    user_id=user.pk, permission_id=change, content_object_id=OuterRef("pk")
                )
            )
        )
        .order_by("-updated_at", "-id")[:LIMIT]
    )
    return [
        WorklistRow(
            label=_case_label(c),
            url=_case_url(c),
            detail=_("Registreren") if c.may_write else _("Meelezen"),  # type: ignore[attr-defined]
            date=c.updated_at,
        )
        for c in cases
    ]


def shared_count(*, user: User) -> int:
    return _shared_with(user).count()


def _led_open_cases(user: User) -> Any:
    return Case.objects.open().filter(team_id__in=user.memberships.filter(role=Role.TEAMLEIDER).values("team_id"))


def caseload_rows(*, user: User) -> list[WorklistRow]:
    """Open cases per regisseur in the teams the user leads (one aggregate query)."""
    counts = (
        _led_open_cases(user)
        .values("regisseur__first_name", "regisseur__last_name", "regisseur__username", "team__name")
        .annotate(n=Count("id"))
        .order_by("-n", "regisseur__last_name", "regisseur__first_name")[:LIMIT]
    )
    url = reverse("cases:team")
    rows = []
    for row in counts:
        name = " ".join(p for p in (row["regisseur__first_name"], row["regisseur__last_name"]) if p)
        rows.append(
            WorklistRow(
                label=name or row["regisseur__username"],
                url=url,
                detail=ngettext("%(n)d open dossier", "%(n)d open dossiers", row["n"]) % {"n": row["n"]}
                + f" – {row['team__name']}",
            )
        )
    return rows


def safety_rows(*, user: User) -> list[WorklistRow]:
    cases = _led_open_cases(user).filter(safety_flag=True).select_related("household", "regisseur")
    return [
        WorklistRow(
            label=_case_label(c),
            url=_case_url(c),
            detail=_("Regisseur: %(name)s") % {"name": c.regisseur},
            date=c.opened_on,
            urgent=True,
        )
        for c in cases.order_by("opened_on", "id")[:LIMIT]
    ]


def safety_count(*, user: User) -> int:
    return _led_open_cases(user).filter(safety_flag=True).count()


def _team_url() -> str:
    return reverse("cases:team")


def register() -> None:
    register_worklist_item(
        key="cases.shared_with_me",
        label=gettext_lazy("Met mij gedeelde dossiers"),
        order=40,
        roles=[Role.REGISSEUR, Role.EXPERT],
        rows=shared_rows,
        count=shared_count,
        limit=LIMIT,
        empty_text=gettext_lazy("Er zijn geen dossiers met u gedeeld."),
    )
    register_worklist_item(
        key="cases.caseload",
        label=gettext_lazy("Dossiers per regisseur"),
        order=120,
        roles=[Role.TEAMLEIDER],
        rows=caseload_rows,
        link=_team_url,
        limit=LIMIT,
        empty_text=gettext_lazy("Het team heeft geen open dossiers."),
    )
    register_worklist_item(
        key="cases.safety",
        label=gettext_lazy("Veiligheidssignalen (Meldcode)"),
        order=130,
        roles=[Role.TEAMLEIDER],
        rows=safety_rows,
        count=safety_count,
        limit=LIMIT,
        empty_text=gettext_lazy("Geen open dossiers met een veiligheidssignaal."),
    )
