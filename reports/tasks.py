"""Report tasks: ids and ISO dates in, one service call, safe to run twice (docs/reports.md).

- `acks_late` + `reject_on_worker_lost`: a worker that dies mid-report does not lose the
  task; the broker hands it out again and the next attempt starts the run afresh
  (`services.report_run_execute` removes what the dead attempt left).
- Transient failures (the database or the file system briefly unavailable) retry with
  exponential backoff; when the retries are used up, the run fails with a Dutch reason.
  Any other error fails the run at once with a Dutch reason (the details go to the log).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services
from .periods import previous_quarter_start

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, OSError)
RETRY_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def _execute(task: Task, run_id: int) -> str:
    try:
        return services.report_run_execute(run_id=run_id)
    except TRANSIENT:
        if task.request.retries >= (task.max_retries or 0):
            logger.exception("report run %s: transient failures, retries used up", run_id)
            services.report_run_fail(run_id=run_id, reason=str(services.REASON_UNAVAILABLE))
            return "failed"
        logger.warning("report run %s: transient failure, will retry", run_id, exc_info=True)
        with contextlib.suppress(*TRANSIENT):  # the database is what failed; the next attempt sets it
            services.report_run_retry_wait(run_id=run_id)
        raise  # autoretry_for: retried with backoff
    except Exception:
        logger.exception("report run %s failed", run_id)
        services.report_run_fail(run_id=run_id, reason=str(services.REASON_UNEXPECTED))
        return "failed"


@shared_task(**RETRY_OPTIONS)
def run_report(self: Task, run_id: int) -> str:
    """Make one report run (on demand, or a quarterly run again)."""
    return _execute(self, run_id)


@shared_task(**RETRY_OPTIONS)
def quarterly_report(self: Task, municipality_id: int, quarter_start_iso: str | None = None) -> int | None:
    """Beat, in the first days after each quarter: the municipality's report of the quarter
    that starts on `quarter_start_iso` (default: the last quarter that has passed).
    Returns the run's id (the same one however often it is sent)."""
    start = (
        dt.date.fromisoformat(quarter_start_iso) if quarter_start_iso else previous_quarter_start(timezone.localdate())
    )
    try:
        run = services.quarterly_run_ensure(municipality_id=municipality_id, period_start=start)
    except ValueError:
        logger.error("quarterly report for municipality %s: %s is not a past quarter", municipality_id, start)
        return None
    _execute(self, run.pk)
    return run.pk
