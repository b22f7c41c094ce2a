"""Demo: every municipality gets its quarterly schedule (a beat entry) and last quarter's
report, and the demo team leader's team a report of this quarter so far. They are made at
once, in-process (no worker needed), so the demo shows finished runs."""

from django.utils import timezone

from accounts.constants import Role
from accounts.models import Membership, Municipality
from socialdomain.dbrouters import PRIMARY_DB

from . import services
from .constants import RunKind, RunStatus
from .models import ReportRun
from .periods import previous_quarter_start


def seed() -> None:
    services.quarterly_schedules_ensure()
    start = previous_quarter_start(timezone.localdate())
    for municipality in Municipality.objects.order_by("name"):
        run = services.quarterly_run_ensure(municipality_id=municipality.pk, period_start=start)
        if run.status != RunStatus.DONE:
            services.report_run_execute(run_id=run.pk, using=PRIMARY_DB)
    leader = (
        Membership.objects.filter(user__username="teamleider", role=Role.TEAMLEIDER)
        .select_related("user", "team")
        .first()
    )
    if leader is None:
        return
    done = ReportRun.objects.filter(kind=RunKind.ON_DEMAND, team=leader.team, status=RunStatus.DONE).exists()
    if not done:
        run, _created = services.report_run_request(actor=leader.user, team=leader.team, enqueue=False)
        services.report_run_execute(run_id=run.pk, using=PRIMARY_DB)
