"""Writes of the reports app: request a run, make sure a quarterly run exists, execute a run,
and keep the quarterly schedule in django-celery-beat (docs/reports.md).

Executing a run (`report_run_execute`) is safe to repeat and to run concurrently:

1. It takes the run's lock (a PostgreSQL session advisory lock, released by the server
   when the worker's connection dies, so a killed worker never leaves it held). A second
   execution of the same run while the first holds the lock returns at once.
2. A run already done is left alone (a retried or duplicated task does nothing).
3. It removes what an earlier, interrupted attempt left (temporary and published files of
   this run) and sweeps stale temporary directories of any run.
4. It computes the figures on the `reporting` database alias, writes the PDF, CSV and JSON
   into a fresh temporary directory (each file fsynced), renames that directory into place,
   and marks the run done with its file names in one transaction. If that transaction
   fails, the published directory is removed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from accounts.models import Municipality, Team, User
from socialdomain.audit import audit_write
from socialdomain.dbrouters import REPORTING_DB

from . import figures, outputs, storage
from .constants import RunKind, RunScope, RunStatus
from .models import QuarterlySchedule, ReportRun
from .periods import is_quarter_start, quarter_end, quarter_start
from .types import ReportData

logger = logging.getLogger(__name__)

QUARTERLY_TASK = "reports.tasks.quarterly_report"
# The Dutch reasons a user sees on a failed run (never an exception's text).
REASON_UNEXPECTED = gettext_lazy(
    "Het rapport kon door een onverwachte fout niet worden gemaakt. Probeer het later opnieuw; "
    "blijft het misgaan, neem dan contact op met functioneel beheer."
)
REASON_UNAVAILABLE = gettext_lazy(
    "Het rapport kon niet worden gemaakt: de database of de opslag was herhaaldelijk niet bereikbaar. "
    "Probeer het later opnieuw."
)
NOT_A_LEADER = gettext_lazy("Alleen een teamleider van dit team kan een rapport van het team laten maken.")

# Progress (percent) after each step of a run.
STEP_CLAIMED, STEP_FIGURES, STEP_PDF, STEP_CSV, STEP_JSON = 5, 40, 70, 80, 90


class RunBusy(Exception):
    """Another worker is executing this run right now."""


# --- figures (reports/figures.py: the figures and their disclosure control) --------------


def compute_figures(
    *, run: ReportRun, progress: Callable[[int], None] | None = None, using: str = REPORTING_DB
) -> ReportData:
    """The run's figures, read on the `reporting` alias; `progress(pct)` after each group."""
    return figures.compute(
        municipality_id=run.municipality_id,
        team_id=run.team_id,
        period_start=run.period_start,
        period_end=run.period_end,
        using=using,
        progress=progress,
    )


# --- requesting runs --------------------------------------------------------------------


def leader_teams(*, user: User) -> list[Team]:
    """The teams this user leads (for the one button)."""
    return list(
        Team.objects.filter(memberships__user=user, memberships__role=Role.TEAMLEIDER)
        .select_related("municipality")
        .distinct()
        .order_by("name")
    )


def report_run_request(
    *, actor: User, team: Team, today: dt.date | None = None, enqueue: bool = True
) -> tuple[ReportRun, bool]:
    """The team leader's one button: an on-demand run of their team from the start of the
    current quarter to today. Returns (run, created); while one is queued or running for the
    team, that one is returned (a double click, a second leader) instead of a second run.
    The task is enqueued on commit (`enqueue=False`: the caller executes it, as the demo
    does). Raises ValidationError for anyone but a leader of the team.
    """
    if not team.memberships.filter(user=actor, role=Role.TEAMLEIDER).exists():
        raise ValidationError(str(NOT_A_LEADER))
    today = today or timezone.localdate()
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=team.pk).exists()  # one request per team at a time
        active = ReportRun.objects.filter(
            team=team, kind=RunKind.ON_DEMAND, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).first()
        if active is not None:
            return active, False
        run = ReportRun(
            kind=RunKind.ON_DEMAND,
            scope=RunScope.TEAM,
            municipality_id=team.municipality_id,
            team=team,
            period_start=quarter_start(today),
            period_end=today,
            requested_by=actor,
        )
        run.full_clean()
        run.save()
        audit_write(actor=actor, action="report_request", obj=run, changes={"team": [None, team.pk]})
        run_id = run.pk
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run_id))
    return run, True


def _enqueue(run_id: int) -> None:
    from .tasks import run_report

    run_report.delay(run_id)


def quarterly_run_ensure(*, municipality_id: int, period_start: dt.date) -> ReportRun:
    """The one quarterly run of a municipality and quarter: created once, found ever after
    (the unique constraint decides between concurrent creators)."""
    if not is_quarter_start(period_start):
        raise ValueError("a quarterly run starts on the first day of a quarter")
    period_end = quarter_end(period_start)
    if period_end >= timezone.localdate():
        raise ValueError("a quarterly report covers a quarter that has passed")
    lookup = {"kind": RunKind.QUARTERLY, "municipality_id": municipality_id, "period_start": period_start}
    existing = ReportRun.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ReportRun.objects.create(**lookup, scope=RunScope.MUNICIPALITY, period_end=period_end)
    except IntegrityError:
        # Another task created it between our read and our insert.
        return ReportRun.objects.get(**lookup)


# --- executing a run --------------------------------------------------------------------


def _lock_key(run_id: int) -> tuple[int, int]:
    namespace = int.from_bytes(hashlib.sha256(b"reports.ReportRun").digest()[:4], "big", signed=True)
    return namespace, run_id


@contextmanager
def run_lock(run_id: int) -> Iterator[bool]:
    """A session advisory lock on the run (PostgreSQL); True when this session holds it.

    Session-level (not transaction-level): it spans the run's several short transactions,
    and the server drops it when the worker's connection ends, also on SIGKILL. SQLite
    (the single-process demo) has no concurrent workers and needs none.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(run_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:  # the connection is gone: so is the lock
                logger.warning("report run %s: could not release its lock explicitly", run_id)


def _pause() -> None:
    if settings.REPORTS_STEP_PAUSE_SECONDS:
        time.sleep(settings.REPORTS_STEP_PAUSE_SECONDS)


def _set_progress(run_id: int, progress: int) -> None:
    # Autocommit, outside any transaction: the page that polls sees it at once.
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=progress)


def _download_name(run: ReportRun, extension: str) -> str:
    scope = slugify(run.team.name) if run.team_id and run.team else slugify(run.municipality.name)
    return f"rapportage-{scope}-{slugify(run.period_label)}.{extension}"


def report_run_execute(
    *, run_id: int, on_progress: Callable[[int], None] | None = None, using: str = REPORTING_DB
) -> str:
    """Make the run's report (see the module docstring). Returns the run's resulting status,
    or "busy" when another worker holds the run. Exceptions propagate (the task decides
    between retrying and failing the run). `using`: the alias the figures are read from
    (the demo, run in-process right after writing its data, reads the primary)."""
    with run_lock(run_id) as held:
        if not held:
            return "busy"
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=run_id)
            if run.status == RunStatus.DONE:
                return RunStatus.DONE
            run.status = RunStatus.RUNNING
            run.progress = STEP_CLAIMED
            run.started_at = timezone.now()
            run.finished_at = None
            run.failure_reason = ""
            run.attempts += 1
            run.save(update_fields=["status", "progress", "started_at", "finished_at", "failure_reason", "attempts"])
        storage.discard_uncommitted(run.uuid)
        storage.sweep_stale_tmp()
        run = ReportRun.objects.select_related("municipality", "team").get(pk=run_id)

        def progress(value: int) -> None:
            _set_progress(run_id, value)
            if on_progress:
                on_progress(value)
            _pause()

        # The figures are the long part: their groups of sections move the bar from 10 to 40 %.
        span = STEP_FIGURES - STEP_CLAIMED - 5
        progress(STEP_CLAIMED + 5)
        data = compute_figures(
            run=run, using=using, progress=lambda pct: progress(STEP_CLAIMED + 5 + span * pct // 100)
        )
        generated_at = timezone.now()
        tmp = storage.new_tmp_dir(run.uuid)
        names = {"pdf": "rapport.pdf", "csv": "cijfers.csv", "json": "cijfers.json"}
        storage.write_file(tmp, names["pdf"], outputs.pdf_bytes(run=run, data=data, generated_at=generated_at))
        progress(STEP_PDF)
        storage.write_file(tmp, names["csv"], outputs.csv_bytes(run=run, data=data))
        progress(STEP_CSV)
        storage.write_file(tmp, names["json"], outputs.json_bytes(run=run, data=data, generated_at=generated_at))
        progress(STEP_JSON)
        final = storage.publish(tmp, run.uuid)
        try:
            with transaction.atomic():
                locked = ReportRun.objects.select_for_update().get(pk=run_id)
                locked.pdf_file.name = storage.relative_name(final / names["pdf"])
                locked.csv_file.name = storage.relative_name(final / names["csv"])
                locked.json_file.name = storage.relative_name(final / names["json"])
                locked.status = RunStatus.DONE
                locked.progress = 100
                locked.finished_at = timezone.now()
                locked.save(update_fields=["pdf_file", "csv_file", "json_file", "status", "progress", "finished_at"])
        except BaseException:
            storage.discard_uncommitted(run.uuid)
            raise
        return RunStatus.DONE


def report_run_fail(*, run_id: int, reason: str) -> None:
    """Mark a run failed with a Dutch reason the user sees; a done run stays done."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == RunStatus.DONE:
            return
        run.status = RunStatus.FAILED
        run.failure_reason = str(reason)[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure_reason", "finished_at"])
    storage.discard_uncommitted(run.uuid)


def report_run_retry_wait(*, run_id: int) -> None:
    """A transient failure: the run waits for its next attempt (shown as queued again)."""
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(status=RunStatus.QUEUED, progress=0)


# --- the quarterly schedule (django-celery-beat) ----------------------------------------


def quarterly_schedule_sync(*, schedule: QuarterlySchedule) -> None:
    """Write the beat entry of a municipality's schedule: a crontab on `day_of_month` of
    January, April, July and October at `hour` (local time), calling the quarterly task
    with the municipality's id only. The previous quarter is chosen by the task."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour=str(schedule.hour),
        day_of_month=str(schedule.day_of_month),
        month_of_year="1,4,7,10",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    municipality = schedule.municipality
    values = {
        "name": f"Kwartaalrapportage {municipality.name} ({municipality.code})",
        "task": QUARTERLY_TASK,
        "crontab": crontab,
        "interval": None,
        "kwargs": json.dumps({"municipality_id": municipality.pk}),
        "enabled": schedule.enabled,
        "description": _("Geanonimiseerde kwartaalrapportage; te wijzigen via Planning kwartaalrapportages."),
    }
    task = schedule.periodic_task
    if task is None:
        task = PeriodicTask.objects.filter(name=values["name"]).first() or PeriodicTask(**values)
    for field, value in values.items():
        setattr(task, field, value)
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])


@transaction.atomic
def quarterly_schedule_save(*, actor: User | None, schedule: QuarterlySchedule) -> QuarterlySchedule:
    """Save a schedule (admin) and its beat entry together; audited."""
    created = schedule.pk is None
    schedule.full_clean()
    schedule.save()
    quarterly_schedule_sync(schedule=schedule)
    audit_write(
        actor=actor,
        action="report_schedule_change",
        obj=schedule,
        changes={
            "day_of_month": [None, schedule.day_of_month],
            "hour": [None, schedule.hour],
            "enabled": [None, schedule.enabled],
            "created": [None, created],
        },
    )
    return schedule


@transaction.atomic
def quarterly_schedule_delete(*, actor: User | None, schedule: QuarterlySchedule) -> None:
    task = schedule.periodic_task
    audit_write(actor=actor, action="report_schedule_change", obj=schedule, changes={"deleted": [None, True]})
    schedule.delete()
    if task is not None:
        task.delete()


def quarterly_schedules_ensure() -> int:
    """A default schedule (2nd day after the quarter, 06:00) for every municipality without
    one, and the beat entries of all (idempotent; `manage.py reports_schedule`, the demo)."""
    made = 0
    for municipality in Municipality.objects.order_by("pk"):
        with transaction.atomic():
            schedule, created = QuarterlySchedule.objects.select_related("municipality").get_or_create(
                municipality=municipality
            )
            quarterly_schedule_sync(schedule=schedule)
            made += created
    return made


def download_name(run: ReportRun, fmt: str) -> str:
    return _download_name(run, fmt)
