"""HTML screens for cases. Thin: fetch through selectors, write through services.

Every case-scoped view gets its case from `cases.access.case_view`: a missing case, a case
the user may not see and an action the user may not take on a readable case all answer
404, and every request that gets through writes exactly one read entry to the case's
access log before the view runs (tests/security/test_read_log_structural.py walks the URL
map to prove it).
"""

import datetime
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Team, User
from socialdomain import registry
from socialdomain.forms import (
    ALREADY_SAVED,
    DuplicateSubmission,
    add_service_errors,
    form_submitted_once,
    labelled_errors,
)
from socialdomain.http import AuthenticatedHttpRequest, HtmxAuthenticatedHttpRequest

from . import access_review as access_review_module
from . import forms, permissions, selectors, services
from .access import case_view
from .models import Case, UnusualAccessReport

PAGE_SIZE = 25
DEFAULT_SECTION = "overzicht"


def _contact_messages(request: AuthenticatedHttpRequest, contacts: list[services.InvolvedContact]) -> None:
    """The Verwijsindex answer: who is involved and how to reach them (logged on their case)."""
    for contact in contacts:
        messages.info(request, contact.as_message())


def _filtered_cases(user: User, form: forms.CaseFilterForm) -> selectors.CaseListing:
    if not form.is_valid():
        return selectors.case_listing_for_user(user=user)
    data = form.cleaned_data
    return selectors.case_listing_for_user(
        user=user,
        text=data["q"],
        status=data["status"],
        line=data["line"],
        team_id=data["team"].pk if data["team"] else None,
        sort=data["sort"],
    )


# The list filters (search text = a household name!) live in the session, never in the URL:
# a query string ends up in browser history, access logs and Referer headers.
LIST_FILTERS_SESSION_KEY = "cases:list:filters"
LIST_FILTER_FIELDS = ("q", "status", "line", "team", "sort")


@require_http_methods(["GET", "POST"])
def case_list(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    """The "Mijn dossiers" list, filtered without personal data in the URL.

    POST stores the filters in the session (htmx: answers the table; without JS: 303 to the
    plain URL, Post/Redirect/Get); GET reads them from there. `?pagina=N` is the only URL
    parameter; any other, such as `?q=`, is ignored.
    """
    if request.method == "POST":
        if "wissen" in request.POST:
            request.session.pop(LIST_FILTERS_SESSION_KEY, None)
            form = forms.CaseFilterForm(user=request.user)
        else:
            form = forms.CaseFilterForm(request.POST, user=request.user)
            if form.is_valid():
                request.session[LIST_FILTERS_SESSION_KEY] = {f: request.POST.get(f, "") for f in LIST_FILTER_FIELDS}
        if not request.htmx and (not form.is_bound or form.is_valid()):
            return HttpResponseRedirect(reverse("cases:list"), status=303)
        page_number = None  # new filters start at page 1
    else:
        form = forms.CaseFilterForm(request.session.get(LIST_FILTERS_SESSION_KEY) or None, user=request.user)
        page_number = request.GET.get("pagina")
    page: Page[Case] = Paginator(_filtered_cases(request.user, form), PAGE_SIZE).get_page(page_number)
    template = "cases/_case_table.html" if request.htmx else "cases/case_list.html"
    # Refused filters (a search term over its maximum) are said above the table, which is
    # all that htmx replaces; the list is then shown unfiltered.
    filter_errors = labelled_errors(form) if form.is_bound and not form.is_valid() else []
    return render(request, template, {"form": form, "page": page, "filter_errors": filter_errors})


def team_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    counts, cases = selectors.team_caseload(user=request.user)
    if not request.user.memberships.filter(role="teamleider").exists():
        raise Http404
    page: Page[Case] = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "cases/team_overview.html", {"counts": counts, "page": page})


@require_http_methods(["GET", "POST"])
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.CaseOpenForm(request.POST or None, user=request.user)
    if not form.teams.exists():
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contacts: list[services.InvolvedContact] = []
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                case = services.case_open_for_new_household(
                    actor=request.user,
                    team=data["team"],
                    regisseur=data["regisseur"],
                    line=data["line"],
                    household_name=data["household_name"],
                    household_address=data["household_address"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data["birth_date"],
                    role=data["role"],
                    bsn=data["bsn"],
                    contacts=contacts,
                )
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url or "cases:list")
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Dossier %(number)s is geopend.") % {"number": case.number})
            _contact_messages(request, contacts)
            return redirect("cases:detail", uuid=case.uuid)
    return render(request, "cases/form.html", {"form": form, "title": _("Nieuw dossier")})


def section_url(case: Case, key: str) -> str:
    """The URL of one tab of the case page (Overzicht is the case's own URL)."""
    if key == DEFAULT_SECTION:
        return reverse("cases:detail", kwargs={"uuid": case.uuid})
    return reverse("cases:section", kwargs={"uuid": case.uuid, "section": key})


def _case_of_a_known_section(kwargs: dict) -> UUID | None:
    """The case's UUID, or None (404 before any lookup or log entry) for an unknown tab."""
    if registry.case_section_get(kwargs.get("section", DEFAULT_SECTION)) is None:
        return None
    return kwargs["uuid"]


@case_view(case_from=_case_of_a_known_section)
def case_detail(
    request: HtmxAuthenticatedHttpRequest, case: Case, uuid: UUID, section: str = DEFAULT_SECTION
) -> HttpResponse:
    """The case as a workspace: a header and the tabs the apps registered.

    Only the active tab's context is fetched. Without JavaScript every tab is a plain
    link to a full page; with htmx a tab click asks for the panel alone (`HX-Request`)
    and pushes the tab's URL, so the address bar, reload and the back button keep
    working (a history restore asks for the full page again).
    """
    user = request.user
    sections = registry.case_sections(user=user, case=case)
    active = next((s for s in sections if s.key == section), None)
    if active is None:
        raise Http404  # a tab this user is not shown (`visible`): the same as an unknown one
    can_write = permissions.can_write(user, case)
    access = getattr(request, "case_access", None)
    context = {
        "case": case,
        "can_write": can_write,
        "read_only": not can_write,
        "section": active,
        "break_glass_until": access.break_glass_until if access else None,
        **registry.section_context(active, request=request, case=case),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    if partial:
        response = render(request, "cases/_case_panel.html", context)
    else:
        context["tabs"] = [
            {"key": s.key, "label": s.label, "url": section_url(case, s.key), "active": s is active} for s in sections
        ]
        context["next_date"] = registry.case_next_date(case=case, today=timezone.localdate())
        response = render(request, "cases/case_page.html", context)
    # The same URL answers a full page or a panel: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _without_token(form) -> dict:  # type: ignore[no-untyped-def]
    """The cleaned data for the service: the one-time token is the view's business."""
    return {k: v for k, v in form.cleaned_data.items() if k != "form_token"}


def _form_page(request: AuthenticatedHttpRequest, case: Case, form, title: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    return render(request, "cases/form.html", {"form": form, "title": title, "case": case})


# A closed case is no longer edited: like any action the user may not take, 404.
@require_http_methods(["GET", "POST"])
@case_view(write=True, allow=lambda _user, c: c.is_open)
def case_edit(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    initial = {"household_name": case.household.name, "household_address": case.household.address, "line": case.line}
    form = forms.CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_edit(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het dossier is bijgewerkt."))
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Dossier bewerken"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def member_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contacts: list[services.InvolvedContact] = []
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.member_add_to_case(actor=request.user, case=case, contacts=contacts, **_without_token(form))
                once.result_url = reverse("cases:section", kwargs={"uuid": case.uuid, "section": "gezin"})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het gezinslid is toegevoegd."))
            _contact_messages(request, contacts)
            return redirect("cases:section", uuid=case.uuid, section="gezin")
    return _form_page(request, case, form, _("Gezinslid toevoegen"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def member_edit(request: AuthenticatedHttpRequest, case: Case, person_uuid: UUID) -> HttpResponse:
    member = selectors.case_members(case=case).filter(person__uuid=person_uuid).first()
    if member is None:
        raise Http404
    initial = {"role": member.role, "phone": member.person.phone, "email": member.person.email}
    form = forms.MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, case=case, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het gezinslid is bijgewerkt."))
            return redirect("cases:section", uuid=case.uuid, section="gezin")
    return _form_page(request, case, form, _("Gezinslid bewerken: %(name)s") % {"name": member.person.full_name})


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def network_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.NetworkContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A double submit lands where the first one did (the Gezin tab).
        result_url = section_url(case, "gezin")
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.network_contact_add(actor=request.user, case=case, **_without_token(form))
                once.result_url = result_url
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het netwerkcontact is toegevoegd."))
            return redirect(result_url)
    return _form_page(request, case, form, _("Netwerkcontact toevoegen"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def consent_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        result_url = section_url(case, "gezin")
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.consent_record(actor=request.user, case=case, **_without_token(form))
                once.result_url = result_url
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect(result_url)
    return _form_page(request, case, form, _("Toestemming vastleggen"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def consent_change(request: AuthenticatedHttpRequest, case: Case, consent_uuid: UUID) -> HttpResponse:
    """Withdraw a consent in force, or give a withdrawn one again ("intrekken" / "opnieuw geven").

    `consent_uuid` is the record the user saw as in force; the service refuses when it no
    longer is (someone else changed it first), so the page never overwrites a newer state.
    """
    current = selectors.case_consents(case=case).filter(uuid=consent_uuid).first()
    if current is None:
        raise Http404
    result_url = section_url(case, "gezin")
    latest = selectors.consent_latest(
        member_id=current.member_id, organisation_id=current.organisation_id, purpose=current.purpose
    )
    if request.method == "GET" and latest is not None and latest.pk != current.pk:
        # An older record (a link from before someone else's change): show the state in force.
        messages.info(request, _("Deze toestemming is intussen gewijzigd. Hieronder staat de huidige stand."))
        return redirect(result_url)
    give = not current.given
    form = forms.ConsentChangeForm(request.POST or None, initial={"method": current.method})
    if request.method == "POST" and form.is_valid():
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.consent_change(
                    actor=request.user, case=case, current=current, given=give, **_without_token(form)
                )
                once.result_url = result_url
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De toestemming is opnieuw gegeven.") if give else _("De toestemming is ingetrokken.")
            )
            return redirect(result_url)
    values = {
        "name": current.member.person.full_name,
        "purpose": current.get_purpose_display(),
        "organisation": current.organisation or _("geen organisatie"),
    }
    if give:
        title = _("Toestemming opnieuw geven")
        intro = _("%(name)s geeft opnieuw toestemming voor: %(purpose)s (%(organisation)s).") % values
    else:
        title = _("Toestemming intrekken")
        intro = (
            _(
                "%(name)s trekt de toestemming in voor: %(purpose)s (%(organisation)s). "
                "Vanaf nu deelt het systeem hiervoor niets meer met deze organisatie."
            )
            % values
        )
    context = {"form": form, "title": title, "case": case, "intro": intro, "submit_label": title}
    return render(request, "cases/form.html", context)


@require_http_methods(["GET", "POST"])
@case_view(allow=permissions.can_share)
def case_share(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    colleagues = selectors.colleagues_for_sharing(case=case, actor=request.user)
    teams = Team.objects.filter(municipality_id=case.team.municipality_id).order_by("name")
    form = forms.ShareForm(request.POST or None, colleagues=colleagues, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_share(
                actor=request.user, case=case, access=data["access"], user=data["user"], team=data["team"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het dossier is gedeeld."))
            return redirect("cases:share", uuid=case.uuid)
    context = {"case": case, "form": form, "shares": selectors.case_access_list(case=case)}
    return render(request, "cases/case_share.html", context)


@require_POST
@case_view(allow=permissions.can_share)
def case_unshare(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    kind, principal_id = request.POST.get("kind"), request.POST.get("principal")
    entry = next(
        (e for e in selectors.case_access_list(case=case) if e.kind == kind and str(e.principal_id) == principal_id),
        None,
    )
    if entry is None:
        raise Http404
    if kind == "user":
        services.case_unshare(actor=request.user, case=case, user=User.objects.get(pk=entry.principal_id))
    else:
        services.case_unshare(actor=request.user, case=case, team=Team.objects.get(pk=entry.principal_id))
    messages.success(request, _("De toegang van %(name)s is ingetrokken.") % {"name": entry.name})
    return redirect("cases:share", uuid=case.uuid)


@require_http_methods(["GET", "POST"])
@case_view(allow=permissions.can_reassign)
def case_reassign(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    regisseurs = selectors.team_regisseurs(team_id=case.team_id).exclude(pk=case.regisseur_id)
    form = forms.ReassignForm(request.POST or None, regisseurs=regisseurs)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reassign(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De regisseur is gewisseld."))
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Regisseur wisselen"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def case_close(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het dossier is gesloten."))
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Dossier sluiten"))


@require_POST
@case_view(write=True)
def note_add(request: HtmxAuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    duplicate = False
    if form.is_valid():
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.note_add(actor=request.user, case=case, text=form.cleaned_data["text"])
                once.result_url = reverse("cases:section", kwargs={"uuid": case.uuid, "section": "tijdlijn"})
        except DuplicateSubmission:
            duplicate = True
            messages.info(request, ALREADY_SAVED)
        except ValidationError as exc:
            add_service_errors(form, exc)
        if not form.errors:
            form = forms.NoteForm()
    if request.htmx:
        context = {"case": case, "timeline": selectors.case_timeline(case=case), "note_form": form, "can_write": True}
        return render(request, "cases/_timeline.html", context)
    if form.is_bound and form.errors and not duplicate:
        errors = " ".join(labelled_errors(form))
        messages.error(request, _("De notitie is niet opgeslagen: %(errors)s") % {"errors": errors})
    return redirect("cases:section", uuid=case.uuid, section="tijdlijn")


@require_safe
@case_view(allow=permissions.can_view_access_log)
def access_log(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    page = Paginator(selectors.case_access_log(case=case), 50).get_page(request.GET.get("pagina"))
    return render(request, "cases/access_log.html", {"case": case, "page": page, "query": ""})


@require_safe
def access_review(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """The weekly overview of unusual access, for the team leaders of its team (404 otherwise).

    Staff names, case numbers of break-glass uses, counts and times; no case content
    (cases/access_review.py).
    """
    try:
        report = access_review_module.unusual_access_report_get_for_user(user=request.user, uuid=uuid)
    except UnusualAccessReport.DoesNotExist:
        raise Http404 from None
    _start, end = access_review_module.week_bounds(report.week_start)
    context = {
        "report": report,
        "rows": access_review_module.report_rows(report),
        "week": report.week_start.isocalendar().week,
        "week_end": (end - datetime.timedelta(days=1)).date(),
        "burst_cases": settings.ACCESS_BURST_CASES,
        "burst_minutes": settings.ACCESS_BURST_MINUTES,
    }
    return render(request, "cases/access_review.html", context)
