"""Progress reports of a provider on an allocation (text, optional status per plan goal).

The report is case content: it shows on the case timeline (its audit event carries the
case) and on the Voorzieningen tab under its allocation, both read through `case_view`.
A goal status may only name the plan goal the allocation serves (`Arrangement.goal_lineage`),
the one goal the provider works on; the text is the provider's own and is never copied
into the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from socialdomain.audit import audit_write

from .allocations import allocation_for_client
from .declaration_models import GoalProgress, ProgressGoalStatus, ProgressReport


@transaction.atomic
def progress_report_create(
    *,
    organisation: Organisation,
    municipality_id: int,
    client_id: str,
    allocation: str,
    text: str,
    goals: Sequence[tuple[str, str]] = (),
) -> ProgressReport:
    """Store a report; `goals` are (goal lineage, GoalProgress value) pairs.

    Raises `Arrangement.DoesNotExist` (404) for an allocation that is not the client's, and
    ValidationError {field: message} (422) for text that breaks the input rules (length,
    control or bidi characters) or a goal that is not the allocation's.
    """
    arrangement = allocation_for_client(
        organisation=organisation, municipality_id=municipality_id, allocation=allocation
    )
    report = ProgressReport(arrangement=arrangement, organisation=organisation, client_id=client_id, text=text)
    report.full_clean(exclude=["arrangement", "organisation"])
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, (lineage, status) in enumerate(goals):
        if arrangement.goal_lineage is None or str(lineage) != str(arrangement.goal_lineage):
            errors[f"goals.{index}.goal"] = [_("Dit doel hoort niet bij de toewijzing.")]
        elif str(lineage) in seen:
            errors[f"goals.{index}.goal"] = [_("Dit doel staat al in de rapportage.")]
        if status not in GoalProgress.values:
            errors[f"goals.{index}.status"] = [_("Kies een geldige status.")]
        seen.add(str(lineage))
    if errors:
        raise ValidationError(errors)
    report.save()
    goal = arrangement.goal_lineage
    if goal is not None:  # every goal was checked to be this one
        ProgressGoalStatus.objects.bulk_create(
            ProgressGoalStatus(report=report, goal_lineage=goal, status=status) for _l, status in goals
        )
    audit_write(
        actor=None,
        action="partner_progress_report",
        obj=report,
        case_uuid=arrangement.case.uuid,
        changes={"arrangement": [None, str(arrangement.uuid)], "goals": [None, len(goals)]},
        organisation=organisation,
        client=client_id,
    )
    return report
