"""The case page's "Bewaartermijn" tab: how long the case is kept and its legal holds.

Shown to the regisseur (and colleagues with record rights) and the team leader, the people
who place a hold (`services.may_manage_hold`). Three queries: the periods, the applicable
laws (two), the holds.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from socialdomain.registry import register_case_section

from . import rules, services
from .forms import LegalHoldForm
from .models import LegalHold


def retention_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    periods = services.retention_periods(municipality_id=case.team.municipality_id)
    facts = rules.CaseFacts(case.pk, case.household_id, case.opened_on, case.closed_on or case.opened_on, case.line)
    law, years = rules.strictest(rules.case_types([facts])[case.pk], periods)
    holds = list(LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by"))
    return {
        "law_label": dict(services.RecordType.choices)[law],
        "years": years,
        "keep_until": rules.add_years(case.closed_on, years) if case.closed_on else None,
        "active_holds": [h for h in holds if h.is_active],
        "lifted_holds": [h for h in holds if not h.is_active],
        "hold_form": LegalHoldForm(),
    }


def _visible(user: Any, case: Case) -> bool:
    return services.may_manage_hold(user, case)


def register() -> None:
    register_case_section(
        key="bewaren",
        label=_("Bewaartermijn"),
        order=75,
        template="retention/sections/retention.html",
        context=retention_context,
        visible=_visible,
    )
