"""The subject-access screens of municipality staff (`/beheer-inzage/`).

Every page answers 404 to anyone who is not staff of the person's (or export's)
municipality. The BSN is only ever POSTed; after a match the browser is sent to the
person's page by its uuid.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Person
from socialdomain.forms import ALREADY_SAVED, DuplicateSubmission, add_service_errors, form_submitted_once
from socialdomain.http import AuthenticatedHttpRequest

from . import permissions, selectors, services
from .forms import ExportStartForm, LiftForm, PersonLookupForm, RectifyForm, RestrictForm
from .models import ExportStatus, SubjectAccessExport

NOT_FOUND = _("Geen persoon gevonden met dit BSN in uw gemeente.")
RECENT = 20


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.may_use(user=request.user):
        raise Http404


def _person(request: AuthenticatedHttpRequest, uuid: UUID) -> Person:
    _staff_only(request)
    try:
        return selectors.person_get_for_staff(user=request.user, uuid=uuid)
    except Person.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person by BSN (POST); below it the municipality's recent exports."""
    _staff_only(request)
    municipalities = list(
        permissions.staff_municipalities(user=request.user).order_by("name").values_list("pk", "name")
    )
    form = PersonLookupForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("municipality")
        person = selectors.person_find_for_staff(
            user=request.user, bsn=form.cleaned_data["bsn"], municipality_id=int(chosen) if chosen else None
        )
        if person is not None:
            return redirect("subjectaccess:person", uuid=person.uuid)
        # One answer for an unknown BSN and for one of another municipality.
        form.add_error("bsn", NOT_FOUND)
    exports = selectors.exports_for_staff(user=request.user)[:RECENT]
    return render(request, "subjectaccess/index.html", {"form": form, "exports": exports})


@require_http_methods(["GET"])
def person(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    subject = _person(request, uuid)
    services.person_read_log(actor=request.user, person=subject, view="subjectaccess:person")
    restrictions = subject.processing_restrictions.select_related("set_by", "lifted_by")
    exports = selectors.exports_for_staff(user=request.user).filter(person=subject)[:RECENT]
    return render(
        request,
        "subjectaccess/person.html",
        {
            "person": subject,
            "start_form": ExportStartForm(),
            "restriction_form": LiftForm() if subject.processing_restricted else RestrictForm(),
            "restrictions": restrictions,
            "exports": exports,
        },
    )


@require_POST
def export_start(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    subject = _person(request, uuid)
    form = ExportStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Het formulier is verouderd. Probeer het opnieuw."))
        return redirect("subjectaccess:person", uuid=subject.uuid)
    try:
        with form_submitted_once(form=form, user=request.user) as once:
            export = services.export_start(actor=request.user, person=subject)
            once.result_url = reverse("subjectaccess:export", kwargs={"uuid": export.uuid})
    except DuplicateSubmission as dup:
        messages.info(request, ALREADY_SAVED)
        return redirect(dup.result_url or reverse("subjectaccess:person", kwargs={"uuid": subject.uuid}))
    except PermissionDenied:
        raise Http404 from None
    return redirect(once.result_url)


@require_http_methods(["GET", "POST"])
def rectify(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    subject = _person(request, uuid)
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "birth_date": subject.birth_date,
        "address": subject.address,
    }
    form = RectifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_rectify(actor=request.user, person=subject, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("De gegevens zijn gecorrigeerd. De oude waarden staan in het logboek."))
            return redirect("subjectaccess:person", uuid=subject.uuid)
    else:
        services.person_read_log(actor=request.user, person=subject, view="subjectaccess:rectify")
    return render(request, "subjectaccess/rectify.html", {"person": subject, "form": form})


@require_POST
def restriction(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """Set the restriction (when none runs) or lift it (when one runs)."""
    subject = _person(request, uuid)
    lifting = subject.processing_restricted
    form = LiftForm(request.POST) if lifting else RestrictForm(request.POST)
    if form.is_valid():
        service = services.person_restriction_lift if lifting else services.person_restrict
        try:
            service(actor=request.user, person=subject, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("De beperking van de verwerking is opgeheven.")
                if lifting
                else _("De verwerking is beperkt. Partners en rapportages laten deze persoon weg."),
            )
            return redirect("subjectaccess:person", uuid=subject.uuid)
    restrictions = subject.processing_restrictions.select_related("set_by", "lifted_by")
    exports = selectors.exports_for_staff(user=request.user).filter(person=subject)[:RECENT]
    return render(
        request,
        "subjectaccess/person.html",
        {
            "person": subject,
            "start_form": ExportStartForm(),
            "restriction_form": form,
            "restrictions": restrictions,
            "exports": exports,
        },
        status=400,
    )


def _export(request: AuthenticatedHttpRequest, uuid: UUID) -> SubjectAccessExport:
    _staff_only(request)
    try:
        return selectors.export_get_for_staff(user=request.user, uuid=uuid)
    except SubjectAccessExport.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET"])
def export(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """The export's progress (polled by htmx while it runs) and its downloads when done."""
    run = _export(request, uuid)
    template = "subjectaccess/_export_status.html" if request.headers.get("HX-Request") else "subjectaccess/export.html"
    response = render(request, template, {"export": run, "person": run.person})
    response["Vary"] = "HX-Request"
    return response


def _download(request: AuthenticatedHttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    _staff_only(request)
    try:
        run = (
            selectors.exports_for_staff(user=request.user)
            .defer(None)
            .get(uuid=uuid, status=ExportStatus.DONE, expired_at__isnull=True)
        )
    except SubjectAccessExport.DoesNotExist:
        raise Http404 from None
    body = run.pdf if kind == "pdf" else run.data
    if not body:
        raise Http404
    services.export_download_log(actor=request.user, export=run, kind=kind)
    content_type = "application/pdf" if kind == "pdf" else "application/json; charset=utf-8"
    response = HttpResponse(bytes(body), content_type=content_type)
    # The file name carries the export's id, never the person's name or BSN.
    response["Content-Disposition"] = f'attachment; filename="inzage-{str(run.uuid)[:8]}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def export_pdf(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    return _download(request, uuid, "pdf")


@require_http_methods(["GET"])
def export_json(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    return _download(request, uuid, "json")
