"""Thin views for the plan. Every case-bound view reaches its case through `case_view`
(404 for missing and forbidden, one read entry in the access log per request); writes
go through the services, which audit them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import case_view
from cases.models import Case
from socialdomain.concurrency import diff_rows
from socialdomain.forms import ALREADY_SAVED, DuplicateSubmission, add_service_errors, form_submitted_once
from socialdomain.http import AuthenticatedHttpRequest

from . import forms, selectors, services
from .constants import PlanStatus
from .models import Action, Goal, PdfRunStatus, Plan, PlanPdfRun
from .pdf import is_large, pdf_filename, plan_pdf_bytes

CONFLICT_STATUS = 409


def _current_or_404(case: Case) -> Plan:
    plan = selectors.plan_current_for_case(case=case)
    if plan is None:
        raise Http404
    return plan


def _draft_or_redirect(case: Case) -> Plan:
    plan = _current_or_404(case)
    if plan.status != PlanStatus.DRAFT:
        raise Http404
    return plan


def _detail(case: Case) -> HttpResponse:
    return redirect("plan:detail", uuid=case.uuid)


def _already_saved(request: HttpRequest, dup: DuplicateSubmission, case: Case) -> HttpResponse:
    """A second submit of a form that was saved: to the first one's result, nothing new."""
    messages.info(request, ALREADY_SAVED)
    return redirect(dup.result_url or reverse("plan:detail", kwargs={"uuid": case.uuid}))


def _conflict(form: Any, exc: services.PlanConflict, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The 409 answer: nothing was written; both versions side by side; resubmitting
    deliberately (now with the saved version number) records the editor's version."""
    form.add_error(
        None,
        _(
            "Een collega heeft dit plan intussen gewijzigd. Vergelijk hieronder beide versies; "
            "sla opnieuw op om uw versie vast te leggen."
        ),
    )
    data = form.data.copy()
    data["version"] = str(exc.current.version)
    form.data = data
    return {"theirs": exc.current, "rows": rows}


def _form_page(
    request: AuthenticatedHttpRequest, case: Case, form: Any, title: str, *, conflict: dict | None = None, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "plan/form.html",
        {"case": case, "form": form, "title": title, "conflict": conflict, **extra},
        status=CONFLICT_STATUS if conflict else 200,
    )


# --- the plan page ---------------------------------------------------------------------


@case_view()
def plan_detail(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    overview = selectors.plan_overview(user=request.user, case=case)
    return render(request, "plan/plan_detail.html", {"case": case, "o": overview, "plan_overview": overview})


@case_view()
def version_detail(request: AuthenticatedHttpRequest, case: Case, number: int) -> HttpResponse:
    try:
        plan = selectors.plan_version_for_case(case=case, number=number)
    except Plan.DoesNotExist:
        raise Http404 from None
    content = selectors.plan_content(plan=plan, case=case)
    return render(request, "plan/version_detail.html", {"case": case, "plan": plan, "content": content})


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def plan_start(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    overview = selectors.plan_overview(user=request.user, case=case)
    if overview.plan is not None:
        return _detail(case)
    form = forms.StartForm(request.POST or None, adults=overview.adults if overview.gesprek else [])
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_start(actor=request.user, case=case, gesprek=overview.gesprek, rungs=form.rungs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Het plan is gestart als concept."))
            return _detail(case)
    return render(request, "plan/start.html", {"case": case, "o": overview, "form": form})


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def plan_edit(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    initial = {"version": plan.version, "household_words": plan.household_words, "plan_date": plan.plan_date}
    form = forms.PlanEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                household_words=form.cleaned_data["household_words"],
                plan_date=form.cleaned_data["plan_date"],
            )
        except services.PlanConflict as exc:
            theirs = exc.current
            conflict = _conflict(
                form,
                exc,
                diff_rows(
                    [
                        (
                            form.fields["household_words"].label,
                            theirs.household_words,
                            form.cleaned_data["household_words"],
                        ),
                        (form.fields["plan_date"].label, theirs.plan_date, form.cleaned_data["plan_date"]),
                    ]
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het plan is opgeslagen."))
            return _detail(case)
    return _form_page(request, case, form, _("Plan bewerken"), conflict=conflict)


def _item_conflict(form: Any, exc: services.PlanConflict, label: str, yours: str) -> dict[str, Any]:
    theirs = exc.current
    summary = _("%(goals)s doelen, %(actions)s acties (versie %(v)s)") % {
        "goals": theirs.goals.count(),
        "actions": theirs.actions.count(),
        "v": theirs.version,
    }
    return _conflict(form, exc, [{"label": label, "theirs": summary, "yours": yours}])


def _add_to_draft(
    request: AuthenticatedHttpRequest,
    case: Case,
    form: Any,
    *,
    save: Callable[[], object],
    conflict_label: str,
    yours: Callable[[], str],
    success: str,
    title: str,
) -> HttpResponse:
    """The one way an item (goal, action, safety agreement, risk) is added to (or a goal
    changed in) a draft plan:
    saved once per form token, refused with both versions on a stale plan version (409),
    service errors on the form, back to the plan when saved."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                save()
                once.result_url = reverse("plan:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            return _already_saved(request, dup, case)
        except services.PlanConflict as exc:
            conflict = _item_conflict(form, exc, conflict_label, yours())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return _detail(case)
    return _form_page(request, case, form, title, conflict=conflict)


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def goal_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    members = list(selectors.case_selectors.household_members(household=case.household))
    initial = {"version": plan.version, "target_date": services.add_months(plan.plan_date, 3)}
    form = forms.GoalForm(request.POST or None, initial=initial, members=members)

    def save() -> object:
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "member", "form_token")}
        return services.goal_add(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            member_id=form.cleaned_data["member"],
            **data,
        )

    return _add_to_draft(
        request,
        case,
        form,
        save=save,
        conflict_label=_("Nieuw doel"),
        yours=lambda: str(form.cleaned_data["description"] or form.cleaned_data["domain"]),
        success=_("Het doel is toegevoegd."),
        title=_("Doel toevoegen"),
    )


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def goal_edit(request: AuthenticatedHttpRequest, case: Case, goal_uuid: UUID) -> HttpResponse:
    plan = _draft_or_redirect(case)
    goal = Goal.objects.filter(plan=plan, uuid=goal_uuid).select_related("member__person").first()
    if goal is None:
        raise Http404
    fields = ("description", "start_score", "target_score", "target_date", "target_rung")
    initial = {"version": plan.version, **{f: getattr(goal, f) for f in fields}}
    form = forms.GoalEditForm(request.POST or None, initial=initial)

    def save() -> object:
        return services.goal_update(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            goal=goal,
            **{f: form.cleaned_data[f] for f in fields},
        )

    return _add_to_draft(
        request,
        case,
        form,
        save=save,
        conflict_label=_("Gewijzigd doel"),
        yours=lambda: str(form.cleaned_data["description"] or goal.get_domain_display()),
        success=_("Het doel is gewijzigd."),
        title=_("Doel bewerken: %(who)s, %(domain)s")
        % {"who": goal.member.person.first_name, "domain": goal.get_domain_display()},
    )


@require_POST
@case_view(write=True)
def goal_remove(request: AuthenticatedHttpRequest, case: Case, goal_uuid: UUID) -> HttpResponse:
    plan = _draft_or_redirect(case)
    goal = Goal.objects.filter(plan=plan, uuid=goal_uuid).first()
    form = forms.VersionForm(request.POST)
    if goal is None or not form.is_valid():
        raise Http404
    try:
        services.goal_remove(actor=request.user, plan=plan, expected_version=form.cleaned_data["version"], goal=goal)
    except services.PlanConflict:
        messages.error(request, _("Een collega heeft dit plan intussen gewijzigd; bekijk het plan opnieuw."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Het doel is verwijderd."))
    return _detail(case)


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def action_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    goals = list(Goal.objects.filter(plan=plan).select_related("member__person"))
    form = forms.ActionForm(
        request.POST or None,
        initial={"version": plan.version},
        owners=selectors.owner_choices(case=case),
        goals=goals,
        regisseur=case.regisseur,
    )

    def save() -> object:
        kind, owner_id = form.owner_parts()
        return services.action_add(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            description=form.cleaned_data["description"],
            owner_kind=kind,
            owner_id=owner_id,
            due_on=form.cleaned_data["due_on"],
            goal=form.selected_goal(),
        )

    return _add_to_draft(
        request,
        case,
        form,
        save=save,
        conflict_label=_("Nieuwe actie"),
        yours=lambda: form.cleaned_data["description"],
        success=_("De actie is toegevoegd."),
        title=_("Actie toevoegen"),
    )


@require_POST
@case_view(write=True)
def action_done(request: AuthenticatedHttpRequest, case: Case, action_uuid: UUID) -> HttpResponse:
    action = Action.objects.filter(plan__case=case, plan__is_current=True, uuid=action_uuid).first()
    if action is None:
        raise Http404
    try:
        services.action_done(actor=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De actie is afgevinkt."))
    return _detail(case)


@require_http_methods(["GET", "POST"])
@case_view(write=True, allow=lambda _user, case: case.safety_flag)
def safety_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    form = forms.SafetyForm(request.POST or None, initial={"version": plan.version})
    return _add_to_draft(
        request,
        case,
        form,
        save=lambda: services.safety_agreement_add(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            who=form.cleaned_data["who"],
        ),
        conflict_label=_("Nieuwe veiligheidsafspraak"),
        yours=lambda: form.cleaned_data["text"],
        success=_("De veiligheidsafspraak is toegevoegd."),
        title=_("Veiligheidsafspraak toevoegen"),
    )


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def risk_add(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    form = forms.RiskForm(request.POST or None, initial={"version": plan.version})
    return _add_to_draft(
        request,
        case,
        form,
        save=lambda: services.risk_add(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            description=form.cleaned_data["description"],
            mitigation=form.cleaned_data["mitigation"],
        ),
        conflict_label=_("Nieuw risico"),
        yours=lambda: form.cleaned_data["description"],
        success=_("Het risico is toegevoegd."),
        title=_("Risico toevoegen"),
    )


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def plan_agree(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _draft_or_redirect(case)
    members = list(selectors.case_selectors.household_members(household=case.household))
    initial = {"version": plan.version, "agreed_on": timezone.localdate()}
    form = forms.AgreeForm(request.POST or None, initial=initial, members=members)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_agree(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                member_ids=form.cleaned_data["members"],
                agreed_on=form.cleaned_data["agreed_on"],
                method=form.cleaned_data["method"],
                remarks=form.cleaned_data["remarks"],
            )
        except services.PlanConflict as exc:
            conflict = _item_conflict(
                form, exc, _("Akkoord"), _("Akkoord op versie %(v)s") % {"v": form.cleaned_data["version"]}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het akkoord van het gezin is vastgelegd."))
            return _detail(case)
    content = selectors.plan_content(plan=plan, case=case)
    return _form_page(request, case, form, _("Akkoord van het gezin vastleggen"), conflict=conflict, content=content)


@require_POST
@case_view(write=True)
def plan_activate(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _current_or_404(case)
    try:
        services.plan_activate(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Het plan loopt."))
    return _detail(case)


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def plan_evaluate(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = _current_or_404(case)
    if plan.status == PlanStatus.DRAFT:
        messages.error(request, _("Een concept kan niet worden geëvalueerd: spreek het plan eerst af met het gezin."))
        return _detail(case)
    overview = selectors.plan_overview(user=request.user, case=case)
    goals = overview.content.goals if overview.content else []
    form = forms.EvaluationForm(
        request.POST or None,
        initial={"date": timezone.localdate()},
        goals=goals,
        members=overview.members,
        adults=overview.adults,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_evaluate(
                actor=request.user,
                plan=plan,
                date=form.cleaned_data["date"],
                scores=form.scores(),
                outcomes=form.outcomes(),
                rungs=form.rungs(),
                household_view=form.cleaned_data["household_view"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De evaluatie is vastgelegd; de volgende versie van het plan staat klaar als concept.")
            )
            return _detail(case)
    return render(request, "plan/evaluate.html", {"case": case, "plan": plan, "form": form})


# --- PDF -------------------------------------------------------------------------------


def _pdf_response(data: bytes, plan: Plan) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(plan)}"'
    response["Cache-Control"] = "no-store"
    return response


@case_view()
def plan_pdf(request: AuthenticatedHttpRequest, case: Case, number: int) -> HttpResponse:
    """The PDF of an agreed (or later) version: in the request when small, else a run row."""
    plan = (
        Plan.objects.select_related("case", "case__household", "case__regisseur")
        .filter(case=case, number=number)
        .first()
    )
    if plan is None or plan.status == PlanStatus.DRAFT:
        raise Http404
    content = selectors.plan_content(plan=plan, case=case)
    if is_large(content):
        run = services.pdf_run_create(actor=request.user, plan=plan)
        return redirect("plan:pdf_run", uuid=case.uuid, run_uuid=run.uuid)
    return _pdf_response(plan_pdf_bytes(plan=plan, case=case, content=content), plan)


@case_view()
def pdf_run(request: AuthenticatedHttpRequest, case: Case, run_uuid: UUID) -> HttpResponse:
    run = (
        PlanPdfRun.objects.select_related("plan__case")
        .filter(plan__case=case, uuid=run_uuid, requested_by=request.user)
        .first()
    )
    if run is None:
        raise Http404
    if run.status == PdfRunStatus.DONE and request.GET.get("download"):
        return _pdf_response(bytes(run.pdf or b""), run.plan)
    return render(request, "plan/pdf_run.html", {"case": case, "run": run})


# --- questionnaire ---------------------------------------------------------------------


@require_POST
@case_view(write=True)
def questionnaire_invite(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    plan = Plan.objects.filter(case=case).exclude(status=PlanStatus.DRAFT).order_by("-number").first()
    if plan is None:
        raise Http404
    try:
        _invite, code, token = services.questionnaire_invite_create(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(case)
    link = request.build_absolute_uri(reverse("questionnaire_link", kwargs={"token": token}))
    grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    response = render(
        request, "plan/questionnaire_invite.html", {"case": case, "plan": plan, "code": grouped, "link": link}
    )
    response["Cache-Control"] = "no-store"
    return response


SESSION_KEY = "plan_questionnaire_invite"


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "plan/questionnaire_invalid.html", status=404)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire_start(request: HttpRequest) -> HttpResponse:
    """Type the printed code; a valid one opens the questionnaire (the invite id goes in the
    session, so no code or id travels in a URL)."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite = services.questionnaire_invite_valid(code=form.cleaned_data["code"])
        if invite is not None:
            request.session[SESSION_KEY] = invite.pk
            return redirect("questionnaire_answer")
        form.add_error("code", _("Deze code is niet (meer) geldig."))
    return render(request, "plan/questionnaire_start.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(["GET"])
def questionnaire_link(request: HttpRequest, token: UUID) -> HttpResponse:
    invite = services.questionnaire_invite_valid(token=token)
    if invite is None:
        return _invalid(request)
    request.session[SESSION_KEY] = invite.pk
    return redirect("questionnaire_answer")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire_answer(request: HttpRequest) -> HttpResponse:
    invite_id = request.session.get(SESSION_KEY)
    if not isinstance(invite_id, int) or services.questionnaire_invite_valid(invite_id=invite_id) is None:
        return _invalid(request)
    form = forms.QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_answer(
                invite_id=invite_id, answers=form.answers(), remarks=form.cleaned_data["remarks"]
            )
        except ValidationError:
            return _invalid(request)
        request.session.pop(SESSION_KEY, None)
        return render(request, "plan/questionnaire_thanks.html")
    return render(request, "plan/questionnaire_form.html", {"form": form})
