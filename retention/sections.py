"""The case page's "Bewaartermijn" tab: how long the case is kept and its legal holds.

Shown to everyone who may read the case (the period is no secret to them, and a tab that is
always there costs the case page no visibility query); the hold form and the lift buttons
only to those who place holds: the regisseur (and colleagues with record rights) and the
team leader (`services.may_manage_hold`). Queries: the periods, the applicable laws (two),
the holds, and at most two for the right to place a hold.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from socialdomain.registry import register_case_section

from . import rules, services
from .constants import RecordType
from .forms import LegalHoldForm
from .models import LegalHold


def retention_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    periods = services.retention_periods(municipality_id=case.team.municipality_id)
    facts = rules.CaseFacts(case.pk, case.household_id, case.opened_on, case.closed_on or case.opened_on, case.line)
    law, years = rules.strictest(rules.case_types([facts])[case.pk], periods)
    holds = list(LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by"))
    can_hold = services.may_manage_hold(request.user, case)  # type: ignore[arg-type]
    return {
        "law_label": RecordType(law).label,
        "years": years,
        "keep_until": rules.add_years(case.closed_on, years) if case.closed_on else None,
        "active_holds": [h for h in holds if h.is_active],
        "lifted_holds": [h for h in holds if not h.is_active],
        "can_hold": can_hold,
        "hold_form": LegalHoldForm() if can_hold else None,
    }


def register() -> None:
    register_case_section(
        key="bewaren",
        label=_("Bewaartermijn"),
        order=75,
        template="retention/sections/retention.html",
        context=retention_context,
    )
