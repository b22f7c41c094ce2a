"""Background work for cases. Tasks take ids only and are safe to run twice."""

from celery import shared_task

from . import breakglass


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def revoke_expired_break_glass() -> int:
    """Periodic (beat): end break-glass accesses whose period is over."""
    return breakglass.break_glass_revoke_expired()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_break_glass(access_id: int) -> bool:
    """Report a break-glass access to the team leader(s), once."""
    return breakglass.break_glass_notify(access_id=access_id)
