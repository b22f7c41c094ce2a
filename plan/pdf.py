"""The PDF of a plan version, in the household's words first (through socialdomain.pdf).

Small plans render in the request; large ones (more than PDF_SYNC_LIMIT goals and
actions) go to a Celery task that fills a `PlanPdfRun` row the page polls.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from socialdomain.pdf import render_pdf

from . import selectors
from .models import PdfRunStatus, Plan, PlanPdfRun

PDF_SYNC_LIMIT = 60
logger = logging.getLogger(__name__)


def is_large(content: selectors.PlanContent) -> bool:
    return len(content.goals) + len(content.actions) > PDF_SYNC_LIMIT


def pdf_context(*, plan: Plan, case: Case, content: selectors.PlanContent | None = None) -> dict[str, Any]:
    content = content or selectors.plan_content(plan=plan, case=case)
    return {"plan": plan, "case": case, "content": content, "generated_at": timezone.now()}


def plan_pdf_bytes(*, plan: Plan, case: Case, content: selectors.PlanContent | None = None) -> bytes:
    return render_pdf(template_name="plan/plan_pdf.html", context=pdf_context(plan=plan, case=case, content=content))


def pdf_filename(plan: Plan) -> str:
    return f"plan-{plan.case.number}-v{plan.number}.pdf"


def render_run(*, run_id: int) -> None:
    """Fill the run row (idempotent: a finished run is left alone)."""
    with transaction.atomic():
        run = (
            PlanPdfRun.objects.select_for_update()
            .select_related("plan__case__regisseur", "plan__case__household")
            .get(pk=run_id)
        )
        if run.status == PdfRunStatus.DONE:
            return
        try:
            data = plan_pdf_bytes(plan=run.plan, case=run.plan.case)
        except Exception:
            run.status = PdfRunStatus.FAILED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at"])
            logger.exception("plan PDF run %s failed", run.pk)
            return
        run.pdf = data
        run.status = PdfRunStatus.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["pdf", "status", "finished_at"])
