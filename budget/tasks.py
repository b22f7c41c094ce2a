"""Thin tasks: ids in, one service call, safe to run twice."""

from celery import shared_task

from .models import Budget


@shared_task
def budget_recompute(budget_id: int) -> int:
    """After a booking: overrun alerts and the household figures of that budget."""
    from .alerts import budget_check_overruns
    from .figures import household_figures_compute

    alerted = budget_check_overruns(budget_id=budget_id)
    household_figures_compute(budget_id=budget_id)
    return len(alerted)


@shared_task
def budget_recompute_open() -> int:
    """Nightly: every open budget's forecast and alerts."""
    ids = list(Budget.objects.filter(status="open").values_list("pk", flat=True))
    for budget_id in ids:
        budget_recompute(budget_id)
    return len(ids)
