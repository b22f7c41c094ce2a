"""HTML screens for cases. Thin: fetch through selectors, write through services.

Every case-scoped view gets its case from `cases.access.case_view`: a missing case, a case
the user may not see and an action the user may not take on a readable case all answer
404, and every request that gets through writes exactly one read entry to the case's
access log before the view runs (tests/security/test_read_log_structural.py walks the URL
map to prove it).
"""

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Team, User
from intake import selectors as intake_selectors
from socialdomain.audit import audit_read
from socialdomain.forms import (
    ALREADY_SAVED,
    DuplicateSubmission,
    add_service_errors,
    form_submitted_once,
    labelled_errors,
)
from socialdomain.http import AuthenticatedHttpRequest, HtmxAuthenticatedHttpRequest

from . import breakglass, forms, permissions, selectors, services
from .access import case_view
from .models import Case

PAGE_SIZE = 25
READ_PURPOSE = "casusregie"
BREAK_GLASS_PURPOSE = "noodtoegang"


def _case_or_404(
    request: AuthenticatedHttpRequest,
    uuid: UUID,
    *,
    write: bool = False,
    allow: Callable[[User, Case], bool] | None = None,
) -> Case:
    """The case, if the user may read it (or write it) and `allow` agrees; else 404.

    Only `case_detail` still uses this until it moves to `@case_view()` (the case-page
    rewrite); remove it then.
    """
    try:
        case = selectors.case_get_for_user(user=request.user, uuid=uuid, write=write)
    except Case.DoesNotExist:
        raise Http404 from None
    if allow is not None and not allow(request.user, case):
        raise Http404  # don't reveal that the case exists
    return case


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
            return redirect("cases:detail", uuid=case.uuid)
    return render(request, "cases/form.html", {"form": form, "title": _("Nieuw dossier")})


def case_detail(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    case = _case_or_404(request, uuid)
    user = request.user
    can_write = permissions.can_write(user, case)
    # A read through break-glass is flagged; its purpose names the access, never the free-text reason.
    emergency = breakglass.break_glass_access_for(user=user, case=case)
    audit_read(
        actor=user,
        obj=case,
        case_uuid=case.uuid,
        view="cases:detail",
        purpose=f"{BREAK_GLASS_PURPOSE} #{emergency.pk}" if emergency else READ_PURPOSE,
        flagged=emergency is not None,
    )
    context = {
        "case": case,
        "members": selectors.case_members(case=case),
        "network": case.household.network.all(),
        "history": selectors.case_regisseur_history(case=case),
        "shares": selectors.case_access_list(case=case),
        "consents": selectors.case_consents(case=case),
        "timeline": selectors.case_timeline(case=case),
        "can_write": can_write,
        "can_share": permissions.can_share(user, case),
        "can_reassign": permissions.can_reassign(user, case),
        "can_view_log": permissions.can_view_access_log(user, case),
        "show_bsn": permissions.has_write_access(user, case),
        "note_form": forms.NoteForm() if can_write else None,
        "break_glass_until": emergency.expires_at if emergency else None,
        # intake's part of the page (gesprekken, scores, signals, Meldcode): one selector call
        "intake": intake_selectors.case_intake_overview(user=user, case=case),
    }
    return render(request, "cases/case_detail.html", context)


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
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.member_add_to_case(actor=request.user, case=case, **_without_token(form))
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het gezinslid is toegevoegd."))
            return redirect("cases:detail", uuid=case.uuid)
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
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Gezinslid bewerken: %(name)s") % {"name": member.person.full_name})


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def network_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.NetworkContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.network_contact_add(actor=request.user, case=case, **_without_token(form))
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het netwerkcontact is toegevoegd."))
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Netwerkcontact toevoegen"))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def consent_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                services.consent_record(actor=request.user, case=case, **_without_token(form))
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect("cases:detail", uuid=case.uuid)
    return _form_page(request, case, form, _("Toestemming vastleggen"))


@require_http_methods(["GET", "POST"])
@case_view(allow=permissions.can_share)
def case_share(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    colleagues = selectors.colleagues_for_sharing(case=case, actor=request.user)
    teams = Team.objects.filter(municipality_id=case.team.municipality_id).order_by("name")
    form = forms.ShareForm(request.POST or None, colleagues=colleagues, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.case_share(actor=request.user, case=case, access=data["access"], user=data["user"], team=data["team"])
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
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
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
    return redirect("cases:detail", uuid=case.uuid)


@require_safe
@case_view(allow=permissions.can_view_access_log)
def access_log(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    page = Paginator(selectors.case_access_log(case=case), 50).get_page(request.GET.get("pagina"))
    return render(request, "cases/access_log.html", {"case": case, "page": page, "query": ""})
