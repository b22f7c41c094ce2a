"""Retention's background work: thin tasks that take ids and call one service."""

from celery import shared_task

from accounts.models import Municipality

from . import services


@shared_task
def plan_retention_runs() -> int:
    """Nightly (beat): a dry-run list per municipality (none while one is in progress), and
    a restart of every approved or running run (a worker that died mid-run). Returns the
    number of new dry runs."""
    made = 0
    for municipality in Municipality.objects.order_by("pk"):
        before = services.RetentionRun.objects.filter(municipality=municipality).count()
        services.run_create_dry_run(municipality=municipality)
        made += services.RetentionRun.objects.filter(municipality=municipality).count() - before
    for run_id in services.runs_to_resume():
        execute_retention_run.delay(run_id)
    return made


@shared_task
def execute_retention_run(run_id: int) -> None:
    """Carry out an approved run; a finished run is left alone, a broken-off one continues."""
    services.run_execute(run_id=run_id)
