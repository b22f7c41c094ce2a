"""Demo: every municipality gets its quarterly schedule (a beat entry), and the last quarter's
report is made at once (in-process, no worker needed), so the demo shows a finished run."""

from django.utils import timezone

from accounts.models import Municipality

from . import services
from .constants import RunStatus
from .periods import previous_quarter_start


def seed() -> None:
    services.quarterly_schedules_ensure()
    start = previous_quarter_start(timezone.localdate())
    for municipality in Municipality.objects.order_by("name"):
        run = services.quarterly_run_ensure(municipality_id=municipality.pk, period_start=start)
        if run.status != RunStatus.DONE:
            services.report_run_execute(run_id=run.pk)
