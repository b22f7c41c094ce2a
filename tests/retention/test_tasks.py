"""The tasks on a real Celery worker and Redis: approval starts the deletion after commit;
a run broken off by a failing worker is picked up again by the nightly task and finishes."""

from __future__ import annotations

import time

from django.db import connection

from arrangements.constants import Law
from cases.models import Case
from retention import services, tasks
from retention.constants import RunStatus
from retention.models import RetentionRun
from tests.retention.factories import closed_case, place_create, years_ago
from tests.retention.test_runs import _staff


def _wait_for(run_id: int, statuses: set[str], seconds: float = 60) -> RetentionRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = RetentionRun.objects.get(pk=run_id)
        if run.status in statuses:
            return run
        time.sleep(0.2)
    return RetentionRun.objects.get(pk=run_id)


def test_a_run_broken_off_on_the_worker_is_resumed_by_the_nightly_task(celery_worker, settings):
    settings.RETENTION_BATCH_SIZE = 2
    place = place_create()
    cases = [closed_case(place, closed_on=years_ago(15, days=1 + i), laws=(Law.WMO,)) for i in range(5)]
    run = services.run_create_dry_run(municipality=place.municipality)
    assert run is not None
    victim = run.items.order_by("id").values_list("object_id", flat=True)[2]  # first of the second batch
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_crash() RETURNS trigger AS $$ BEGIN "
            f"IF OLD.id = {int(victim)} THEN RAISE EXCEPTION 'worker died'; END IF; RETURN OLD; END; "
            "$$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER test_crash BEFORE DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION test_crash()"
        )
    try:
        services.run_approve(actor=_staff(place.municipality), run=run)  # enqueued on commit
        deadline = time.monotonic() + 60
        while RetentionRun.objects.get(pk=run.pk).removed.get("case_wmo") != 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # the task has failed on the second batch by now
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING and run.removed == {"case_wmo": 2}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS test_crash ON cases_case")
            cursor.execute("DROP FUNCTION IF EXISTS test_crash()")

    tasks.plan_retention_runs()  # the nightly beat: restarts the broken-off run

    run = _wait_for(run.pk, {RunStatus.DONE})
    assert run.status == RunStatus.DONE and run.removed == {"case_wmo": 5}
    assert not Case.objects.filter(pk__in=[c.pk for c in cases]).exists()
