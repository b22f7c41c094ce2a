"""Runs: unique where they must be, executed once, files published atomically."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from reports import figures, services, storage
from reports.constants import RunKind, RunScope, RunStatus
from reports.models import ReportRun
from reports.periods import previous_quarter_start, quarter_end, quarter_start
from tests.reports.helpers import assert_no_orphans

pytestmark = pytest.mark.django_db(databases=["default", "reporting"])


def test_a_quarterly_run_is_created_once_per_quarter_and_municipality(report_world):
    start = previous_quarter_start(timezone.localdate())
    first = services.quarterly_run_ensure(municipality_id=report_world.lochem.pk, period_start=start)
    again = services.quarterly_run_ensure(municipality_id=report_world.lochem.pk, period_start=start)
    other = services.quarterly_run_ensure(municipality_id=report_world.zutphen.pk, period_start=start)
    assert first.pk == again.pk != other.pk
    assert (first.period_start, first.period_end, first.scope) == (start, quarter_end(start), RunScope.MUNICIPALITY)
    assert ReportRun.objects.filter(kind=RunKind.QUARTERLY).count() == 2


def test_the_database_refuses_a_second_quarterly_run_of_the_same_quarter(report_world):
    start = previous_quarter_start(timezone.localdate())
    services.quarterly_run_ensure(municipality_id=report_world.lochem.pk, period_start=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(
            kind=RunKind.QUARTERLY,
            scope=RunScope.MUNICIPALITY,
            municipality=report_world.lochem,
            period_start=start,
            period_end=quarter_end(start),
        )


def test_a_quarterly_run_covers_only_a_whole_past_quarter(report_world):
    today = timezone.localdate()
    with pytest.raises(ValueError, match="passed"):
        services.quarterly_run_ensure(municipality_id=report_world.lochem.pk, period_start=quarter_start(today))
    with pytest.raises(ValueError, match="first day"):
        services.quarterly_run_ensure(municipality_id=report_world.lochem.pk, period_start=dt.date(2025, 2, 1))
    assert not ReportRun.objects.exists()


def test_the_one_button_joins_the_running_report_instead_of_starting_a_second(
    report_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run, created = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
        again, created_again = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    assert created and not created_again and run.pk == again.pk
    assert len(callbacks) == 1  # one task enqueued
    assert (run.kind, run.scope, run.team_id, run.status) == (
        RunKind.ON_DEMAND,
        RunScope.TEAM,
        report_world.team_a.pk,
        RunStatus.QUEUED,
    )
    assert run.period_start == quarter_start(timezone.localdate()) and run.period_end == timezone.localdate()
    assert AuditEvent.objects.filter(action="report_request", target_id=str(run.uuid)).count() == 1
    # The database holds the rule too: no second active on-demand run of the team.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(
            kind=RunKind.ON_DEMAND,
            scope=RunScope.TEAM,
            municipality=report_world.lochem,
            team=report_world.team_a,
            period_start=run.period_start,
            period_end=run.period_end,
        )


@pytest.mark.parametrize("who", ["leader_b", "regisseur_a", "controller_l", "staff_l", "partner"])
def test_only_a_leader_of_the_team_presses_the_button(report_world, who):
    with pytest.raises(ValidationError):
        services.report_run_request(actor=getattr(report_world, who), team=report_world.team_a)
    assert not ReportRun.objects.exists()


def _on_demand(world) -> ReportRun:  # type: ignore[no-untyped-def]
    run, _created = services.report_run_request(actor=world.leader_a, team=world.team_a)
    return run


def test_executing_a_run_publishes_three_files_and_marks_it_done_once(report_world, reports_root):
    run = _on_demand(report_world)
    seen: list[int] = []
    assert services.report_run_execute(run_id=run.pk, on_progress=seen.append) == RunStatus.DONE
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.attempts == 1
    assert seen == sorted(seen) and 0 < seen[0] < 100
    for f in (run.pdf_file, run.csv_file, run.json_file):
        assert (reports_root / f.name).is_file() and f.name.startswith(f"runs/{run.uuid}/")
    assert_no_orphans(reports_root)
    pdf_mtime = (reports_root / run.pdf_file.name).stat().st_mtime_ns

    # A duplicated or retried task: nothing is made again.
    assert services.report_run_execute(run_id=run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.attempts == 1 and (reports_root / run.pdf_file.name).stat().st_mtime_ns == pdf_mtime
    assert_no_orphans(reports_root)


def test_a_new_attempt_removes_what_an_interrupted_one_left(report_world, reports_root):
    run = _on_demand(report_world)
    # A worker died while writing (a temporary directory) and one died between the rename
    # and the commit (a published directory whose row is not done).
    half_written = storage.new_tmp_dir(run.uuid)
    (half_written / "rapport.pdf").write_bytes(b"%PDF-1.7 half")
    published = storage.final_dir(run.uuid)
    published.mkdir(parents=True)
    (published / "rapport.pdf").write_bytes(b"%PDF-1.7 uncommitted")
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=70, attempts=1)

    services.report_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2
    assert (reports_root / run.pdf_file.name).read_bytes().startswith(b"%PDF-")
    assert b"uncommitted" not in (reports_root / run.pdf_file.name).read_bytes()
    assert not half_written.exists()
    assert_no_orphans(reports_root)


def test_stale_temporary_directories_of_other_runs_are_swept(report_world, reports_root):
    import os
    import time

    run = _on_demand(report_world)
    stale = reports_root / "tmp" / "0c9b5f1e-0000-4000-8000-000000000000-dead"
    stale.mkdir(parents=True)
    (stale / "rapport.pdf").write_bytes(b"old")
    old = time.time() - storage.STALE_TMP_AGE_SECONDS - 60
    os.utime(stale, (old, old))
    services.report_run_execute(run_id=run.pk)
    assert not stale.exists()
    assert_no_orphans(reports_root)


def test_a_failed_commit_removes_the_published_files(report_world, reports_root, monkeypatch):
    run = _on_demand(report_world)
    original = storage.relative_name

    def fail_after_publish(path):  # type: ignore[no-untyped-def]
        raise RuntimeError("the commit fails after the rename")

    monkeypatch.setattr(storage, "relative_name", fail_after_publish)
    with pytest.raises(RuntimeError):
        services.report_run_execute(run_id=run.pk)
    monkeypatch.setattr(storage, "relative_name", original)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert not storage.final_dir(run.uuid).exists()
    assert_no_orphans(reports_root)


def test_a_failed_run_shows_a_dutch_reason_and_keeps_no_files(report_world, reports_root):
    run = _on_demand(report_world)
    services.report_run_fail(run_id=run.pk, reason=str(services.REASON_UNEXPECTED))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failure_reason.startswith("Het rapport kon")
    assert_no_orphans(reports_root)
    # The team may press the button again: a new run, the failed one stays as it was.
    again, created = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    assert created and again.pk != run.pk


def test_the_figures_come_from_the_reporting_alias(report_world, monkeypatch):
    run = _on_demand(report_world)
    calls = []
    real = figures.compute

    def compute(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(figures, "compute", compute)
    services.report_run_execute(run_id=run.pk)
    assert calls and calls[0]["using"] == "reporting"
    assert calls[0]["team_id"] == report_world.team_a.pk and calls[0]["municipality_id"] == report_world.lochem.pk
