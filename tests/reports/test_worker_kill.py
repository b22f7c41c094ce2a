"""A real worker process (`celery -A socialdomain worker`) is SIGKILLed in the middle of a
report and started again: there is one complete report and no orphan file.

The worker runs with the test database and this helper's Redis, through a small settings
module written for the test: report steps pause (`REPORTS_STEP_PAUSE_SECONDS`) so the test
can kill it after the PDF was written to the temporary directory, and Redis hands an
unacknowledged task out again after 5 s instead of an hour (`visibility_timeout`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports import tasks
from reports.constants import RunKind, RunStatus
from reports.models import ReportRun
from reports.services import STEP_PDF
from tests.reports.helpers import assert_no_orphans, files_on_disk

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])

SETTINGS_MODULE = """
from socialdomain.settings.test import *  # noqa

REPORTS_ROOT = {root!r}
REPORTS_STEP_PAUSE_SECONDS = {pause!r}
CELERY_BROKER_TRANSPORT_OPTIONS = {{
    "visibility_timeout": {visibility!r},
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}}
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process(
    tmp_path: Path, *, name: str, queue: str, pause: float, visibility: int = 5
) -> Iterator[subprocess.Popen]:
    module = f"reports_kill_settings_{name}"
    (tmp_path / f"{module}.py").write_text(
        SETTINGS_MODULE.format(root=str(settings.REPORTS_ROOT), pause=pause, visibility=visibility)
    )
    env = {k: v for k, v in os.environ.items() if k != "REPORTING_DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": module,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "socialdomain", "worker",
        "-Q", queue, "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h",
        "--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-l", "info",
    ]  # fmt: skip
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own fixed command line
        command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _wait_for(predicate, *, timeout: float, what: str, logs: list[Path]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    output = "\n".join(p.read_text(errors="replace")[-4000:] for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{output}")


def test_sigkill_of_the_worker_mid_report_then_restart_gives_one_complete_report_and_no_orphans(
    report_world, reports_root, tmp_path, redis_available
):
    queue = f"reports-kill-{uuid.uuid4().hex[:8]}"
    tasks.quarterly_report.apply_async(kwargs={"municipality_id": report_world.lochem.pk}, queue=queue)

    def run() -> ReportRun | None:
        return ReportRun.objects.filter(kind=RunKind.QUARTERLY, municipality=report_world.lochem).first()

    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with worker_process(tmp_path, name="first", queue=queue, pause=0.8) as first:
        _wait_for(
            lambda: (r := run()) is not None and r.status == RunStatus.RUNNING and r.progress >= STEP_PDF,
            timeout=180,
            what="the first worker to write the PDF",
            logs=logs,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    killed = run()
    assert killed is not None and killed.status == RunStatus.RUNNING  # stuck mid-report
    leftovers = files_on_disk(reports_root)
    assert any(name.startswith(f"tmp/{killed.uuid}-") and name.endswith("rapport.pdf") for name in leftovers), leftovers

    with worker_process(tmp_path, name="second", queue=queue, pause=0.0):
        _wait_for(lambda: run().status == RunStatus.DONE, timeout=180, what="the restarted worker", logs=logs)  # type: ignore[union-attr]
        time.sleep(1)  # a duplicate delivery would start now; it must find the run done

    runs = ReportRun.objects.filter(kind=RunKind.QUARTERLY)
    assert runs.count() == 1
    done = runs.get()
    assert done.status == RunStatus.DONE and done.progress == 100 and done.attempts == 2
    for f in (done.pdf_file, done.csv_file, done.json_file):
        assert (reports_root / f.name).stat().st_size > 0
    assert (reports_root / done.pdf_file.name).read_bytes().startswith(b"%PDF-")
    assert_no_orphans(reports_root)


def test_sigkill_of_the_pool_process_requeues_the_report_at_once(report_world, reports_root, tmp_path, redis_available):
    """`reject_on_worker_lost`: the worker's main process survives its pool child's death
    and hands the task out again at once; the new child makes the one complete report. Redis
    would redeliver only after an hour here, so the requeue is the task's own doing."""
    queue = f"reports-kill-{uuid.uuid4().hex[:8]}"
    tasks.quarterly_report.apply_async(kwargs={"municipality_id": report_world.zutphen.pk}, queue=queue)

    def run() -> ReportRun | None:
        return ReportRun.objects.filter(kind=RunKind.QUARTERLY, municipality=report_world.zutphen).first()

    logs = [tmp_path / "pool.log"]
    with worker_process(tmp_path, name="pool", queue=queue, pause=0.8, visibility=3600) as worker:
        _wait_for(
            lambda: (r := run()) is not None and r.status == RunStatus.RUNNING and r.progress >= STEP_PDF,
            timeout=180,
            what="the worker to write the PDF",
            logs=logs,
        )
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1
        os.kill(int(children[0]), signal.SIGKILL)
        _wait_for(lambda: run().status == RunStatus.DONE, timeout=60, what="the requeued task", logs=logs)  # type: ignore[union-attr]
        assert worker.poll() is None  # the main process lived on
    done = ReportRun.objects.get(kind=RunKind.QUARTERLY)
    assert done.attempts == 2 and done.progress == 100
    assert_no_orphans(reports_root)
