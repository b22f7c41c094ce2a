"""Background work for cases. Tasks take ids only and are safe to run twice."""

from celery import shared_task

from . import access_review, breakglass


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def revoke_expired_break_glass() -> int:
    """Periodic (beat): end break-glass accesses whose period is over."""
    return breakglass.break_glass_revoke_expired()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_break_glass(access_id: int) -> bool:
    """Report a break-glass access to the team leader(s), once."""
    return breakglass.break_glass_notify(access_id=access_id)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def unusual_access_weekly() -> int:
    """Periodic (beat, Monday morning): last week's overview of unusual access per team,
    told to its team leaders once (one report row per team and week)."""
    return access_review.unusual_access_weekly()
