"""The home worklist block of the reports app: the latest runs the user may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from socialdomain.registry import WorklistRow

from . import selectors
from .constants import RunStatus


def recent_rows(*, user: User) -> list[WorklistRow]:
    runs = selectors.report_run_list_for_user(user=user)[:5]  # one query (select_related)
    rows = []
    for run in runs:
        scope = str(run.team) if run.team_id else _("gemeente %(m)s") % {"m": run.municipality.name}
        rows.append(
            WorklistRow(
                label=f"{run.get_kind_display()} {run.period_label}: {scope}",
                url=reverse("reports:detail", kwargs={"uuid": run.uuid}),
                detail=str(run.get_status_display()),
                date=run.finished_at or run.created_at,
                urgent=run.status == RunStatus.FAILED,
            )
        )
    return rows


def recent_count(*, user: User) -> int:
    return selectors.report_run_list_for_user(user=user).count()


def reports_link() -> str:
    return reverse("reports:list")
