"""The tasks in a real Celery worker on the real Redis: beat's entry, the one button, failures."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from reports import figures, services
from reports.constants import RunKind, RunStatus
from reports.models import QuarterlySchedule, ReportRun
from reports.periods import previous_quarter_start
from socialdomain.celery import app
from tests.reports.helpers import assert_no_orphans

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])


def test_beat_entry_for_the_past_quarter_sent_twice_makes_one_run_per_municipality(
    report_world, celery_worker, reports_root
):
    services.quarterly_schedules_ensure()
    assert QuarterlySchedule.objects.count() == 2
    tasks = list(PeriodicTask.objects.filter(task="reports.tasks.quarterly_report").select_related("crontab"))
    assert len(tasks) == 2
    for task in tasks:  # "in the first days after each quarter"
        assert (task.crontab.month_of_year, task.crontab.day_of_month, task.crontab.hour) == ("1,4,7,10", "2", "6")

    # Beat's own scheduler and entry class send the entries, twice over.
    scheduler = DatabaseScheduler(app=app, lazy=True)
    entries = [scheduler.Entry(task, app=app) for task in tasks]
    results = [scheduler.apply_async(entry, advance=False) for _ in range(2) for entry in entries]
    run_ids = [result.get(timeout=120) for result in results]

    start = previous_quarter_start(timezone.localdate())
    runs = ReportRun.objects.filter(kind=RunKind.QUARTERLY)
    assert runs.count() == 2
    assert set(runs.values_list("municipality_id", flat=True)) == {report_world.lochem.pk, report_world.zutphen.pk}
    assert set(run_ids) == set(runs.values_list("pk", flat=True))
    for run in runs:
        assert run.status == RunStatus.DONE and run.period_start == start and run.attempts == 1
    assert_no_orphans(reports_root)


def test_the_one_button_reports_progress_and_completes(report_world, celery_worker, client, settings, reports_root):
    settings.REPORTS_STEP_PAUSE_SECONDS = 0.4  # the worker thread reads the same settings
    client.force_login(report_world.leader_a)
    page = client.get(reverse("reports:list"))
    assert "Rapport maken" in page.content.decode()
    token = page.context["forms"][0][1]["form_token"].value()
    response = client.post(
        reverse("reports:request"), {"team": str(report_world.team_a.uuid), "form_token": str(token)}
    )
    run = ReportRun.objects.get(kind=RunKind.ON_DEMAND)
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[run.uuid])

    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fragment = client.get(reverse("reports:progress", args=[run.uuid]), headers={"HX-Request": "true"})
        run.refresh_from_db()
        if run.status == RunStatus.RUNNING:
            html = fragment.content.decode()
            if 'hx-trigger="every 2s"' in html and "<progress" in html:
                seen.add(run.progress)
        if run.status == RunStatus.DONE:
            break
        time.sleep(0.2)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert any(0 < p < 100 for p in seen), seen
    done = client.get(reverse("reports:progress", args=[run.uuid])).content.decode()
    assert "hx-trigger" not in done  # the polling stops
    assert reverse("reports:download", args=[run.uuid, "pdf"]) in done
    pdf = client.get(reverse("reports:download", args=[run.uuid, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert_no_orphans(reports_root)


def test_a_transient_failure_is_retried_with_backoff_and_then_succeeds(
    report_world, celery_worker, monkeypatch, reports_root
):
    real = figures.compute
    calls: list[int] = []

    def flaky(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the replica went away")
        return real(**kwargs)

    monkeypatch.setattr(figures, "compute", flaky)
    run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == RunStatus.DONE:
            break
        time.sleep(0.3)
    assert run.status == RunStatus.DONE and run.attempts == 2 and len(calls) == 2
    assert_no_orphans(reports_root)


def test_an_unexpected_error_fails_the_run_with_a_dutch_reason(report_world, celery_worker, monkeypatch, reports_root):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug with a detail nobody should see")

    monkeypatch.setattr(figures, "compute", broken)
    run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == RunStatus.FAILED:
            break
        time.sleep(0.3)
    assert run.status == RunStatus.FAILED
    assert run.failure_reason == str(services.REASON_UNEXPECTED) and "ZeroDivision" not in run.failure_reason
    assert_no_orphans(reports_root)
