"""The reports page (/rapportages/): the team leader's one button, the progress of a run
and the downloads. Only team leaders, controllers and functional administrators get
here; a run one may not see answers 404 exactly like a missing one (reports.selectors)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessGround
from socialdomain.audit import audit_read
from socialdomain.forms import ALREADY_SAVED, DuplicateSubmission, form_submitted_once, labelled_errors
from socialdomain.http import HtmxAuthenticatedHttpRequest

from . import selectors, services
from .constants import OutputFormat, RunStatus
from .forms import ReportRequestForm
from .models import ReportRun

LIST_LIMIT = 50
CONTENT_TYPES = {
    OutputFormat.PDF: "application/pdf",
    OutputFormat.CSV: "text/csv; charset=utf-8",
    OutputFormat.JSON: "application/json",
}


def _run_or_404(request: HtmxAuthenticatedHttpRequest, uuid: UUID) -> ReportRun:
    try:
        return selectors.report_run_get_for_user(user=request.user, uuid=uuid)
    except ReportRun.DoesNotExist:
        raise Http404 from None


def _forms(request: HtmxAuthenticatedHttpRequest) -> list[tuple[object, ReportRequestForm]]:
    teams = services.leader_teams(user=request.user)
    return [(team, ReportRequestForm(teams=[team])) for team in teams]


@require_GET
def report_list(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_see_reports(user=request.user):
        raise Http404
    runs = list(selectors.report_run_list_for_user(user=request.user)[:LIST_LIMIT])
    return render(request, "reports/list.html", {"runs": runs, "forms": _forms(request)})


@require_POST
def report_request(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    teams = services.leader_teams(user=request.user)
    if not teams:
        raise Http404
    form = ReportRequestForm(request.POST, teams=teams)
    if not form.is_valid():
        for message in labelled_errors(form):
            messages.error(request, message)
        return redirect("reports:list")
    try:
        with form_submitted_once(form=form, user=request.user) as once:
            run, created = services.report_run_request(actor=request.user, team=form.cleaned_data["team"])
            once.result_url = reverse("reports:detail", kwargs={"uuid": run.uuid})
    except DuplicateSubmission as dup:
        messages.info(request, ALREADY_SAVED)
        return redirect(dup.result_url or "reports:list")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:list")
    if not created:
        messages.info(request, _("Er wordt al een rapport van dit team gemaakt; u ziet hier de voortgang."))
    return redirect("reports:detail", uuid=run.uuid)


@require_GET
def report_detail(request: HtmxAuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    run = _run_or_404(request, uuid)
    return render(request, "reports/detail.html", {"run": run})


@require_GET
def report_progress(request: HtmxAuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """The progress block alone (htmx polls it every two seconds while the run is active)."""
    run = _run_or_404(request, uuid)
    response = render(request, "reports/_progress.html", {"run": run})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_download(request: HtmxAuthenticatedHttpRequest, uuid: UUID, fmt: str) -> HttpResponseBase:
    """One output of a done run; each download is written to the audit log."""
    run = _run_or_404(request, uuid)
    if fmt not in OutputFormat.values or run.status != RunStatus.DONE:
        raise Http404
    field = {"pdf": run.pdf_file, "csv": run.csv_file, "json": run.json_file}[fmt]
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # An anonymised report: no case is reached; the ground says so (NEN 7513 asks one of every read).
    audit_read(
        actor=request.user,
        obj=run,
        case_uuid=None,
        view="reports:download",
        purpose=fmt,
        ground=AccessGround.REPORT,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.download_name(run, fmt),
        content_type=CONTENT_TYPES[OutputFormat(fmt)],
    )
    response["Cache-Control"] = "no-store"
    return response
