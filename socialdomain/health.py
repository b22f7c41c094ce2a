"""Checks of the background services for /health; never raise."""

from django.conf import settings


def broker_state() -> dict[str, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"redis": "not used", "celery": "in-process (eager)"}
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        redis_state = "ok"
    except Exception:  # noqa: BLE001 - report, do not fail
        return {"redis": "unavailable", "celery": "unknown"}
    try:
        from socialdomain.celery import app

        replies = app.control.ping(timeout=0.5) or []
        celery_state = f"{len(replies)} worker(s)" if replies else "no workers"
    except Exception:  # noqa: BLE001
        celery_state = "unknown"
    return {"redis": redis_state, "celery": celery_state}
