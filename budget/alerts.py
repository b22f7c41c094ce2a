"""Overrun alerts: once when a line's forecast crosses its threshold, again only after it
came back under. Run after every commitment change (task after commit) and nightly."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from accounts.services import notification_send

from .models import Budget, BudgetLine
from .selectors import line_positions


@transaction.atomic
def budget_check_overruns(*, budget_id: int) -> list[int]:
    """Recompute the forecast per line and alert the municipality's controllers on a
    crossing. Lines are locked in primary-key order; returns the ids of lines alerted now."""
    budget = Budget.objects.select_related("municipality").get(pk=budget_id)
    list(BudgetLine.objects.select_for_update().filter(budget=budget).order_by("pk").values_list("pk", flat=True))
    alerted = []
    controllers = list(
        User.objects.filter(
            memberships__role=Role.CONTROLLER, memberships__team__municipality_id=budget.municipality_id, is_active=True
        ).distinct()
    )
    for position in line_positions(budget=budget):
        line = position.line
        assert line is not None
        pct = position.forecast_pct
        over = pct is not None and pct >= line.overrun_threshold_pct
        if over and not line.overrun_alerted:
            BudgetLine.objects.filter(pk=line.pk).update(overrun_alerted=True)
            alerted.append(line.pk)
            if position.budget <= 0:
                text = _("Verplichtingen op een niet-begrote budgetregel %(year)s: %(line)s.") % {
                    "year": budget.year,
                    "line": str(line),
                }
            else:
                text = _("Dreigende overschrijding %(year)s: %(line)s, prognose %(pct)s %% van het budget.") % {
                    "year": budget.year,
                    "line": str(line),
                    "pct": pct,
                }
            for controller in controllers:
                notification_send(recipient=controller, text=text, link=f"/budget/{budget.uuid}/")
        elif not over and line.overrun_alerted:
            BudgetLine.objects.filter(pk=line.pk).update(overrun_alerted=False)
    return alerted
