"""Background work of subject access: thin tasks that take ids and call one service."""

from celery import shared_task

from . import services


@shared_task
def build_subject_access_export(export_id: int) -> None:
    """Fill one export's PDF and JSON (idempotent: a finished export is left alone)."""
    services.export_build(export_id=export_id)


@shared_task
def expire_subject_access_exports() -> int:
    """Daily (beat): delete the files of exports older than 30 days and mark them expired."""
    return services.exports_expire()
