"""The case page's own sections (registered in `CasesConfig.ready()`).

Each context function fetches only what its tab shows, in a constant number of queries;
the page adds `case`, `can_write`, `read_only` and `section` (see `cases.views.case_detail`).
Plan and Voorzieningen are placeholders until the plan and arrangements apps register
the real sections under the same keys.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from socialdomain.registry import Label, register_case_section

from . import forms, permissions, selectors
from .models import Case

ACCESS_LOG_PREVIEW = 10


def overview_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    return {
        "can_share": permissions.can_share(user, case),  # type: ignore[arg-type]
        "can_reassign": permissions.can_reassign(user, case),  # type: ignore[arg-type]
        "member_count": case.household.members.count(),
    }


def household_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    members = list(selectors.case_members(case=case))
    return {
        "members": members,
        # AVG art. 18: shown on the tab so that whoever works on the case knows (no extra query).
        "any_restricted": any(m.person.processing_restricted for m in members),
        "network": list(selectors.household_network(household=case.household)),
        "consent_states": selectors.case_consent_states(case=case),
        "show_bsn": permissions.has_write_access(request.user, case),  # type: ignore[arg-type]
    }


def timeline_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    can_write = permissions.can_write(request.user, case)  # type: ignore[arg-type]
    return {
        "timeline": selectors.case_timeline(case=case),
        "note_form": forms.NoteForm() if can_write else None,
    }


def access_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    can_view_log = permissions.can_view_access_log(user, case)  # type: ignore[arg-type]
    return {
        "history": list(selectors.case_regisseur_history(case=case)),
        "shares": selectors.case_access_list(case=case),
        "can_share": permissions.can_share(user, case),  # type: ignore[arg-type]
        "can_view_log": can_view_log,
        "log_preview": list(selectors.case_access_log(case=case)[:ACCESS_LOG_PREVIEW]) if can_view_log else [],
    }


def _placeholder(text: Label) -> Callable[..., dict[str, Any]]:
    def context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
        return {"placeholder_text": text}

    return context


def register() -> None:
    register_case_section(
        key="overzicht",
        label=_("Overzicht"),
        order=10,
        template="cases/sections/overview.html",
        context=overview_context,
    )
    register_case_section(
        key="gezin",
        label=_("Gezin en netwerk"),
        order=20,
        template="cases/sections/household.html",
        context=household_context,
    )
    register_case_section(
        key="plan",
        label=_("Plan"),
        order=40,
        template="cases/sections/placeholder.html",
        context=_placeholder(
            _(
                "Hier komt het ene plan van het huishouden: doelen per leefgebied en gezinslid, "
                "afspraken met wie wat doet, de inzet van voorzieningen en de evaluatiedata. "
                "Het huishouden is eigenaar van het plan en stemt ermee in."
            )
        ),
        placeholder=True,
    )
    register_case_section(
        key="voorzieningen",
        label=_("Voorzieningen"),
        order=50,
        template="cases/sections/placeholder.html",
        context=_placeholder(
            _(
                "Hier komen de voorzieningen van dit huishouden: algemene en maatwerkvoorzieningen, "
                "toegekend binnen het mandaat van de regisseur of via het expertiseteam, met aanbieder, "
                "periode en kosten."
            )
        ),
        placeholder=True,
    )
    register_case_section(
        key="tijdlijn",
        label=_("Tijdlijn"),
        order=60,
        template="cases/sections/timeline.html",
        context=timeline_context,
    )
    register_case_section(
        key="toegang",
        label=_("Toegang en logboek"),
        order=70,
        template="cases/sections/access.html",
        context=access_context,
    )
