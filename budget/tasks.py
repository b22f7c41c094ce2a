"""Thin tasks: ids in, one service call, safe to run twice."""

from celery import shared_task

from .models import Budget


@shared_task
def budget_recompute(budget_id: int) -> int:
    from .alerts import budget_check_overruns

    return len(budget_check_overruns(budget_id=budget_id))


@shared_task
def budget_recompute_open() -> int:
    """Nightly: every open budget's forecast and alerts."""
    from .alerts import budget_check_overruns

    ids = list(Budget.objects.filter(status="open").values_list("pk", flat=True))
    for budget_id in ids:
        budget_check_overruns(budget_id=budget_id)
    return len(ids)
