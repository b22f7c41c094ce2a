"""Background work for accounts. Tasks take ids only and are safe to run twice."""

from celery import shared_task

from socialdomain.forms import form_submissions_purge


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def purge_form_submissions() -> int:
    """Periodic (beat): forget used one-time form tokens after `FORM_TOKEN_TTL`."""
    return form_submissions_purge()
