"""Background work for the plan: thin tasks that take ids and call one service."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_plan_reminders() -> int:
    """Each morning (beat): overdue evaluations and actions, once per item per day."""
    return services.reminders_send(today=timezone.localdate())


@shared_task
def render_plan_pdf(run_id: int) -> None:
    """Render a large plan's PDF into its run row; a run already done is left alone."""
    from . import pdf

    pdf.render_run(run_id=run_id)
