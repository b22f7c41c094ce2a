"""Background work for arrangements. Tasks take no personal data and are safe to run twice."""

from celery import shared_task

from . import access, services


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def warn_overdue_escalations() -> int:
    """Periodic (beat): warn the expert team's leader(s) once per overdue escalation per day."""
    return services.escalations_warn_overdue()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def mark_due_reviews() -> int:
    """Periodic (beat): put due reviews of running arrangements on the regisseur's worklist."""
    return services.reviews_mark_due()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def revoke_lapsed_expert_access() -> int:
    """Periodic (beat): tidy up the grants of expert accesses past their maximum period.

    Access already ended at read time (cases.permissions); this only removes the rows.
    """
    from django.db import transaction

    with transaction.atomic():
        return access.expert_access_revoke_lapsed()
