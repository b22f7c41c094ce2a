"""Thin views: fetch through selectors (404 for missing and forbidden), write through services.

Every view of case content gets its case from `cases.access.case_view` and every view of
one signal gets it from `intake.access.signal_view`: both 404 for missing and forbidden
and write exactly one read entry to the access log before the view runs (a test walks
the URL map to prove no route escapes that).
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors as account_selectors
from accounts import services as account_services
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases.access import case_view
from cases.models import Case
from cases.services import InvolvedContact
from socialdomain.forms import (
    ALREADY_SAVED,
    DuplicateSubmission,
    add_service_errors,
    form_submitted_once,
    labelled_errors,
)
from socialdomain.http import AuthenticatedHttpRequest

from . import selectors, services
from .access import case_uuid_kwarg, gesprek_case_uuid, signal_view
from .constants import Domain, GesprekStatus, SignalSource, SignalStatus
from .forms import GesprekForm, MeldcodeStepsForm, PersonForm, SignalForm, TriageForm
from .models import Gesprek, Signal


def _signals_or_404(request: AuthenticatedHttpRequest) -> None:
    """Signals are for casework roles only: everyone else gets 404, like a missing page."""
    if not selectors.user_works_with_signals(user=request.user):
        raise Http404


def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    _signals_or_404(request)
    status = request.GET.get("status") or SignalStatus.NEW
    if status not in SignalStatus.values:
        status = SignalStatus.NEW
    source = request.GET.get("source") if request.GET.get("source") in SignalSource.values else None
    teams = list(selectors.signal_teams_for_user(user=request.user))
    team_id = next((t.pk for t in teams if str(t.pk) == request.GET.get("team")), None)
    signals = selectors.signal_list_for_user(user=request.user, status=status, source=source, team_id=team_id)
    counts = selectors.signal_status_counts(user=request.user, source=source, team_id=team_id)
    unread = account_selectors.notifications_unread(user=request.user)
    notifications = list(unread[:10])
    # The list shows the newest ten; the heading counts them all (one extra COUNT query).
    unread_count = len(notifications) if len(notifications) < 10 else unread.count()
    tabs = [
        {"value": s.value, "label": s.label, "count": counts[s.value], "active": s.value == status}
        for s in SignalStatus
    ]
    return render(
        request,
        "intake/inbox.html",
        {
            "signals": signals,
            "tabs": tabs,
            "status": status,
            "source": source or "",
            "team_id": team_id,
            "teams": teams,
            "sources": SignalSource.choices,
            "notifications": notifications,
            "unread_count": unread_count,
        },
    )


@require_POST
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    account_services.notifications_mark_read(actor=request.user)
    return redirect("intake:inbox")


@require_http_methods(["GET", "POST"])
def signal_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = selectors.signal_teams_for_user(user=request.user)
    if not teams.exists():
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = SignalForm(data, teams=teams)
    person_forms = [PersonForm(data, prefix="p1"), PersonForm(data, prefix="p2", required=False)]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in person_forms):
        persons = [p for p in (f.to_input() for f in person_forms) if p is not None]
        contacts: list[InvolvedContact] = []
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                signal = services.signal_create(
                    actor=request.user,
                    team=form.cleaned_data["team"],
                    source=form.cleaned_data["source"],
                    question=form.cleaned_data["question"],
                    reporter_name=form.cleaned_data["reporter_name"],
                    reporter_contact=form.cleaned_data["reporter_contact"],
                    received_on=form.cleaned_data["received_on"],
                    persons=persons,
                    contacts=contacts,
                )
                once.result_url = reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url or "intake:inbox")
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            if signal.case_id:
                messages.success(request, _("De aanmelding is gekoppeld aan het bestaande dossier."))
            else:
                messages.success(request, _("De aanmelding is geregistreerd."))
            for contact in contacts:
                messages.info(request, contact.as_message())
            return redirect("intake:signal_detail", uuid=signal.uuid)
    return render(request, "intake/signal_form.html", {"form": form, "person_forms": person_forms})


@require_http_methods(["GET", "POST"])
@signal_view()
def signal_detail(request: AuthenticatedHttpRequest, signal: Signal) -> HttpResponse:
    can_triage = signal.case_id is None and signal.status != SignalStatus.DONE
    form = None
    if can_triage:
        form = TriageForm(
            request.POST if request.method == "POST" else None,
            regisseurs=selectors.team_regisseurs(team=signal.team),
            initial={"regisseur": request.user.pk},
        )
        if request.method == "POST" and form.is_valid():
            contacts: list[InvolvedContact] = []
            try:
                triaged = services.signal_triage(
                    actor=request.user, signal=signal, contacts=contacts, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("De triage is vastgelegd."))
                for contact in contacts:
                    messages.info(request, contact.as_message())
                if contacts:  # attached to a case the triager may not read: the signal is gone for them
                    return redirect("intake:inbox")
                # Onwards to the case (the work continues there) when the actor may read it.
                if triaged.case is not None and case_permissions.can_read(request.user, triaged.case):
                    return redirect("cases:detail", uuid=triaged.case.uuid)
                return redirect("intake:signal_detail", uuid=signal.uuid)
    elif request.method == "POST":
        raise Http404
    case = signal.case
    can_write_case = bool(case and case_permissions.can_write(request.user, case))
    context = {
        "signal": signal,
        "persons": signal.persons.all(),
        "form": form,
        "case": case,
        "case_url": selectors.case_url(case),
        "can_write_case": can_write_case,
        "gesprekken": selectors.gesprek_list_for_case(case=case) if case else [],
        "meldcode_steps": selectors.meldcode_steps_for_case(case=case) if case and case.safety_flag else [],
    }
    return render(request, "intake/signal_detail.html", context)


@require_POST
@case_view(write=True, case_from=case_uuid_kwarg)
def gesprek_start(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    try:
        gesprek = services.gesprek_start(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.META.get("HTTP_REFERER") or "intake:inbox")
    return redirect("intake:gesprek_edit", uuid=gesprek.uuid)


def _gesprek_in(case: Case, uuid: UUID) -> Gesprek:
    """The gesprek of the URL within the case `case_view` authorised (404 if it is not there)."""
    gesprek = selectors.gesprek_in_case(case=case, uuid=uuid)
    if gesprek is None:
        raise Http404
    return gesprek


def _gesprek_form(gesprek: Gesprek, data=None) -> GesprekForm:  # type: ignore[no-untyped-def]
    household = gesprek.case.household
    members = list(case_selectors.household_members(household=household))
    contacts = list(case_selectors.household_network(household=household))
    domains = selectors.domains_for(members=members, municipality_id=household.municipality_id, on=gesprek.date)
    initial = {
        "version": gesprek.version,
        "date": gesprek.date,
        "place": gesprek.place,
        "members": [m.pk for m in gesprek.members.all()],
        "contacts": [c.pk for c in gesprek.contacts.all()],
        **{f: getattr(gesprek, f) for f in services.GESPREK_FIELDS if f not in ("date", "place")},
    }
    for s in gesprek.scores.all():
        initial[GesprekForm.score_name(s.member_id, s.domain)] = s.score
        initial[GesprekForm.note_name(s.member_id, s.domain)] = s.note
    return GesprekForm(data, initial=initial, members=members, contacts=contacts, domains=domains)


def _conflict_rows(theirs: Gesprek, form: GesprekForm) -> list[dict]:
    """What differs between the saved version (theirs) and the submitted one (yours)."""
    rows = []
    for name in services.GESPREK_FIELDS:
        mine = form.cleaned_data.get(name)
        if getattr(theirs, name) != mine:
            rows.append({"label": form.fields[name].label, "theirs": getattr(theirs, name), "yours": mine})
    saved = {(s.member_id, s.domain): s.score for s in theirs.scores.all()}
    submitted = {(s.member_id, s.domain): s.score for s in form.score_inputs()}
    for key in sorted(set(saved) | set(submitted)):
        if saved.get(key) != submitted.get(key):
            field = form.fields.get(GesprekForm.score_name(*key))
            label = field.label if field else Domain(key[1]).label
            rows.append({"label": label, "theirs": saved.get(key, "–"), "yours": submitted.get(key, "–")})
    return rows


def _save(request: AuthenticatedHttpRequest, gesprek: Gesprek, form: GesprekForm, final: bool):  # type: ignore[no-untyped-def]
    return services.gesprek_save(
        actor=request.user,
        gesprek=gesprek,
        expected_version=form.cleaned_data["version"],
        fields=form.gesprek_fields(),
        member_ids=set(form.cleaned_data["members"]),
        contact_ids=set(form.cleaned_data["contacts"]),
        scores=form.score_inputs(),
        final=final,
    )


def _edit_context(gesprek: Gesprek, form: GesprekForm, **extra) -> dict:  # type: ignore[no-untyped-def]
    case = gesprek.case
    previous = selectors.gesprek_previous(gesprek=gesprek)
    return {
        "gesprek": gesprek,
        "case": case,
        "case_url": selectors.case_url(case),
        "form": form,
        "grid": form.score_grid(),
        "signals": selectors.signals_for_case(case=case),
        "previous": previous,
        "previous_scores": {(s.member_id, s.domain): s.score for s in previous.scores.all()} if previous else {},
        **extra,
    }


@require_http_methods(["GET", "POST"])
@case_view(write=True, case_from=gesprek_case_uuid)
def gesprek_edit(request: AuthenticatedHttpRequest, case: Case, uuid: UUID) -> HttpResponse:
    gesprek = _gesprek_in(case, uuid)
    if gesprek.status == GesprekStatus.FINAL:
        return redirect("intake:gesprek_detail", uuid=gesprek.uuid)
    form = _gesprek_form(gesprek, request.POST if request.method == "POST" else None)
    conflict = None
    if request.method == "POST" and form.adding_domain:
        pass  # shown again with the added domain; the autosave keeps the draft
    elif request.method == "POST" and form.is_valid():
        try:
            _save(request, gesprek, form, final=True)
        except services.GesprekConflict as exc:
            conflict = {"theirs": exc.current, "rows": _conflict_rows(exc.current, form)}
            form.add_error(
                None,
                _(
                    "Een collega heeft dit gesprek intussen opgeslagen. Vergelijk hieronder beide versies; "
                    "sla opnieuw op om uw versie vast te leggen."
                ),
            )
            # Resubmitting now is a deliberate choice made after seeing their version.
            # (form.data is request.POST here; a mutable copy carries their version number.)
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form.data = data
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het gesprek is vastgelegd."))
            return redirect("intake:gesprek_detail", uuid=gesprek.uuid)
    return render(request, "intake/gesprek_form.html", _edit_context(gesprek, form, conflict=conflict))


@require_POST
@case_view(write=True, case_from=gesprek_case_uuid)
def gesprek_draft(request: AuthenticatedHttpRequest, case: Case, uuid: UUID) -> HttpResponse:
    """htmx autosave: a small status fragment; 409 with both versions on a concurrent edit."""
    gesprek = _gesprek_in(case, uuid)
    form = _gesprek_form(gesprek, request.POST)
    if not form.is_valid():
        errors = labelled_errors(form)  # named after their fields: the status line is away from them
        return render(request, "intake/_draft_status.html", {"errors": errors}, status=422)
    try:
        saved = _save(request, gesprek, form, final=False)
    except services.GesprekConflict as exc:
        rows = _conflict_rows(exc.current, form)
        return render(request, "intake/_draft_conflict.html", {"theirs": exc.current, "rows": rows}, status=409)
    except ValidationError as exc:
        return render(request, "intake/_draft_status.html", {"errors": exc.messages}, status=422)
    return render(
        request,
        "intake/_draft_status.html",
        {"saved_at": timezone.localtime(saved.updated_at), "version": saved.version},
    )


@require_safe
@case_view(case_from=gesprek_case_uuid)
def gesprek_detail(request: AuthenticatedHttpRequest, case: Case, uuid: UUID) -> HttpResponse:
    gesprek = _gesprek_in(case, uuid)
    return render(
        request,
        "intake/gesprek_detail.html",
        {
            "gesprek": gesprek,
            "case": case,
            "case_url": selectors.case_url(case),
            "members": gesprek.members.select_related("person"),
            "contacts": gesprek.contacts.all(),
            "score_overview": selectors.score_overview(gesprek=gesprek),
            "goals": selectors.proposed_goals(gesprek),
            "can_edit": gesprek.status == GesprekStatus.DRAFT and case_permissions.can_write(request.user, case),
        },
    )


@require_http_methods(["GET", "POST"])
@case_view(
    write=True,
    case_from=case_uuid_kwarg,
    # Only a safety-flagged case has Meldcode steps: any other case answers 404, unlogged.
    allow=lambda _user, case: case.safety_flag,
)
def meldcode_steps(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    """The five Meldcode steps of a safety-flagged case, with a date each (writers only)."""
    steps = list(selectors.meldcode_steps_for_case(case=case))
    if not case.safety_flag or not steps:
        raise Http404
    form = MeldcodeStepsForm(request.POST if request.method == "POST" else None, steps=steps)
    if request.method == "POST" and form.is_valid():
        try:
            services.meldcode_steps_complete(actor=request.user, case=case, done_on_by_step=form.done_on_by_step())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("De Meldcodestappen zijn opgeslagen."))
            return redirect("intake:meldcode_steps", case_uuid=case.uuid)
    return render(
        request,
        "intake/meldcode_steps.html",
        {
            "case": case,
            "case_url": selectors.case_url(case),
            "form": form,
            "signal": selectors.meldcode_signal(case=case),
        },
    )
