"""HTML screens for arrangements and the expert team. Thin: selectors read, services write.

Every page under /dossiers/<uuid>/voorzieningen/ gets its case through `case_view`
(fetch, authorise, log the read; 404 for missing and forbidden alike) and its child
record *within* that case. The queue (/expertiseteam/) shows metadata only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.constants import Role
from cases import permissions as case_permissions
from cases.access import case_view
from cases.models import Case
from socialdomain.forms import ALREADY_SAVED, DuplicateSubmission, add_service_errors, form_submitted_once
from socialdomain.http import AuthenticatedHttpRequest, HtmxAuthenticatedHttpRequest

from . import cost, forms, hooks, selectors, services
from .constants import ArrangementStatus, EscalationStatus
from .models import Arrangement, CeilingApproval, Decision, Escalation


def _arrangement_or_404(case: Case, uuid: UUID) -> Arrangement:
    try:
        return selectors.arrangement_get(case=case, uuid=uuid)
    except Arrangement.DoesNotExist:
        raise Http404 from None


def _escalation_or_404(case: Case, uuid: UUID) -> Escalation:
    try:
        return selectors.escalation_get(case=case, uuid=uuid)
    except Escalation.DoesNotExist:
        raise Http404 from None


def section_context(*, request: AuthenticatedHttpRequest, case: Case) -> dict[str, Any]:
    """The "Voorzieningen" case section (registered in apps.py): three queries."""
    arrangements = list(selectors.arrangements_for_case(case=case))
    # What providers sent per allocation (requests, reports …), contributed by higher apps.
    parts = hooks.allocation_parts(case=case, arrangement_ids=[a.pk for a in arrangements])
    for arrangement in arrangements:
        arrangement.partner_parts = parts.get(arrangement.pk, [])  # type: ignore[attr-defined]
    return {
        "arrangements": arrangements,
        "escalations": list(selectors.escalations_for_case(case=case)),
        "decisions": list(selectors.decisions_for_case(case=case)),
        "can_write": case_permissions.can_write(request.user, case),
    }


@case_view()
def arrangement_list(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    context = section_context(request=request, case=case) | {"case": case}
    return render(request, "arrangements/case_arrangements.html", context)


def _estimate_context(case: Case, form: forms.ArrangementForm) -> dict[str, Any]:
    """The live estimate: the cost per month and tariff period, and why it needs the expert team."""
    if not form.is_valid():
        return {"estimate": None, "errors": True}
    data = form.arrangement_data()
    data.pop("contribution")
    data.pop("goal_lineage")
    try:
        estimate = services.arrangement_estimate(case=case, **data)
    except ValidationError as exc:
        return {"estimate": None, "problems": exc.messages}
    room = hooks.budget_room(
        team_id=case.team_id, municipality_id=case.team.municipality_id, year=data["start_date"].year
    )
    return {
        "estimate": estimate,
        "item": data["item"],
        "reasons": services.mandate_reasons(actor=form.user, case=case, item=data["item"], estimate=estimate),  # type: ignore[attr-defined]
        "budget_room": room,
        "over_ceiling": room is not None and room.room is not None and estimate.total > room.room,
    }


@require_POST
@case_view(write=True)
def arrangement_estimate(request: HtmxAuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.ArrangementForm(request.POST, case=case)
    form.user = request.user  # type: ignore[attr-defined]
    return render(request, "arrangements/_estimate.html", _estimate_context(case, form))


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def arrangement_new(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    """Request an arrangement: grant it within the mandate, or put it to the expert team in one step."""
    form = forms.ArrangementForm(request.POST or None, case=case)
    form.user = request.user  # type: ignore[attr-defined]
    beyond: list[str] = []
    over_ceiling: list[str] = []
    to_team_leader_open = False
    if request.method == "POST" and form.is_valid():
        data = form.arrangement_data()
        submission = form.cleaned_data.get("submission")
        escalate = "voorleggen" in request.POST
        to_team_leader = "plafond" in request.POST
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                if to_team_leader:
                    approval = services.arrangement_request_ceiling_approval(
                        actor=request.user,
                        case=case,
                        motivation=form.cleaned_data.get("ceiling_motivation") or "",
                        submission=submission,
                        **data,
                    )
                    once.result_url = reverse(
                        "arrangements:detail", kwargs={"uuid": case.uuid, "arrangement": approval.arrangement.uuid}
                    )
                elif escalate:
                    team = form.cleaned_data.get("expert_team")
                    if team is None:
                        raise ValidationError({"expert_team": _("Kies een expertiseteam.")})
                    escalation = services.arrangement_request_and_escalate(
                        actor=request.user,
                        case=case,
                        expert_team=team,
                        question=form.cleaned_data.get("question") or "",
                        urgency=form.cleaned_data.get("urgency") or "normal",
                        assigned_expert=form.cleaned_data.get("assigned_expert"),
                        submission=submission,
                        **data,
                    )
                    once.result_url = reverse(
                        "arrangements:escalation_detail", kwargs={"uuid": case.uuid, "escalation": escalation.uuid}
                    )
                else:
                    arrangement = services.arrangement_grant(
                        actor=request.user, case=case, submission=submission, **data
                    )
                    once.result_url = reverse(
                        "arrangements:detail", kwargs={"uuid": case.uuid, "arrangement": arrangement.uuid}
                    )
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            if services.is_beyond_mandate(exc):
                beyond = exc.messages
            elif hooks.is_over_ceiling(exc):
                over_ceiling = exc.messages
            else:
                add_service_errors(form, exc)
                # Asking the team leader failed on the motivation: keep that part open.
                to_team_leader_open = to_team_leader
        else:
            if to_team_leader:
                messages.success(request, _("De aanvraag ligt bij de teamleider ter goedkeuring."))
            elif escalate:
                messages.success(request, _("De voorziening is voorgelegd aan het expertiseteam."))
            else:
                messages.success(request, _("De voorziening is toegekend."))
            return redirect(once.result_url)
    context = {
        "form": form,
        "case": case,
        "beyond": beyond,
        "ceiling_refused": over_ceiling,
        "ask_team_leader": bool(over_ceiling) or to_team_leader_open,
    }
    if request.method == "POST" and form.is_valid():
        context |= _estimate_context(case, form)
    return render(request, "arrangements/arrangement_form.html", context)


@case_view()
def arrangement_detail(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    can_write = case_permissions.can_write(request.user, case)
    context = {
        "case": case,
        "arrangement": obj,
        "approval": CeilingApproval.objects.filter(arrangement=obj).select_related("decided_by").first(),
        "months": list(obj.months.all()),
        "can_write": can_write,
        "change_form": forms.ChangeForm(
            initial={"volume": obj.volume, "end_date": obj.end_date, "version": obj.version}
        ),
        "stop_form": forms.StopForm(initial={"version": obj.version}),
        "insufficient_form": forms.InsufficientForm(),
        "review_form": forms.ReviewForm(),
        "decisions": list(obj.decisions.defer("pdf").all()),
    }
    return render(request, "arrangements/arrangement_detail.html", context)


def _back(case: Case, obj: Arrangement) -> HttpResponse:
    return redirect("arrangements:detail", uuid=case.uuid, arrangement=obj.uuid)


def _run(request: AuthenticatedHttpRequest, form: Any, action: Any, success: str) -> bool:
    """Run a service with the form's data; show its errors as messages. True when it succeeded."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    try:
        action(form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@require_POST
@case_view(write=True)
def arrangement_step(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    step = request.POST.get("step")
    service = {"allocate": services.arrangement_allocate, "start": services.arrangement_start}.get(step or "")
    if service is None:
        raise Http404
    form = forms.forms.Form(request.POST)  # type: ignore[attr-defined]
    version = request.POST.get("version")
    _run(
        request,
        form,
        lambda _d: service(
            actor=request.user, arrangement=obj, version=int(version) if version and version.isdigit() else None
        ),
        _("De status is bijgewerkt."),
    )
    return _back(case, obj)


@require_POST
@case_view(write=True)
def arrangement_change(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    _run(
        request,
        forms.ChangeForm(request.POST),
        lambda d: services.arrangement_change(
            actor=request.user, arrangement=obj, volume=d["volume"], end_date=d["end_date"], version=d["version"]
        ),
        _("De voorziening is gewijzigd."),
    )
    return _back(case, obj)


@require_POST
@case_view(write=True)
def arrangement_stop(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    _run(
        request,
        forms.StopForm(request.POST),
        lambda d: services.arrangement_stop(
            actor=request.user, arrangement=obj, stop_date=d["stop_date"], reason=d["reason"], version=d["version"]
        ),
        _("De voorziening is beëindigd."),
    )
    return _back(case, obj)


@require_POST
@case_view()
def arrangement_insufficient(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    _run(
        request,
        forms.InsufficientForm(request.POST),
        lambda d: services.arrangement_mark_insufficient(actor=request.user, arrangement=obj, note=d["note"]),
        _("Gemarkeerd: de voorziening volstaat niet meer."),
    )
    return _back(case, obj)


@require_POST
@case_view(write=True)
def arrangement_review(request: AuthenticatedHttpRequest, case: Case, arrangement: UUID) -> HttpResponse:
    obj = _arrangement_or_404(case, arrangement)
    _run(
        request,
        forms.ReviewForm(request.POST),
        lambda d: services.arrangement_review_done(actor=request.user, arrangement=obj, next_review=d["next_review"]),
        _("De evaluatie is vastgelegd."),
    )
    return _back(case, obj)


@case_view()
def case_escalations(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    context = {
        "case": case,
        "escalations": list(selectors.escalations_for_case(case=case)),
        "can_write": case_permissions.can_write(request.user, case),
    }
    return render(request, "arrangements/case_escalations.html", context)


@require_http_methods(["GET", "POST"])
@case_view(write=True)
def escalation_new(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    form = forms.EscalationForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
        try:
            with form_submitted_once(form=form, user=request.user) as once:
                escalation = services.escalation_open(actor=request.user, case=case, **data)
                once.result_url = reverse(
                    "arrangements:escalation_detail", kwargs={"uuid": case.uuid, "escalation": escalation.uuid}
                )
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De vraag is voorgelegd aan het expertiseteam."))
            return redirect(once.result_url)
    return render(request, "arrangements/escalation_form.html", {"form": form, "case": case})


@case_view()
def escalation_detail(request: AuthenticatedHttpRequest, case: Case, escalation: UUID) -> HttpResponse:
    obj = _escalation_or_404(case, escalation)
    is_assigned = obj.is_open and obj.assigned_expert_id == request.user.pk
    arrangement = obj.arrangement
    decision_form = None
    if is_assigned and arrangement is not None and arrangement.status == ArrangementStatus.REQUESTED:
        decision_form = forms.DecisionForm(
            initial={
                "granted": "1",
                "period_start": arrangement.start_date,
                "period_end": arrangement.end_date,
                "volume": arrangement.volume,
                "legal_basis": LEGAL_BASIS.get(arrangement.item.law, ""),
            }
        )
    return _escalation_page(request, case, obj, decision_form=decision_form)


LEGAL_BASIS = {
    "wmo": "artikel 2.3.5 Wet maatschappelijke ondersteuning 2015",
    "jeugdwet": "artikel 2.3 Jeugdwet",
    "participatiewet": "artikel 10d Participatiewet",
}


def _escalation_page(request: AuthenticatedHttpRequest, case: Case, obj: Escalation, **forms_: Any) -> HttpResponse:
    is_assigned = obj.is_open and obj.assigned_expert_id == request.user.pk
    context = {
        "case": case,
        "escalation": obj,
        "is_assigned": is_assigned,
        "decision": Decision.objects.filter(escalation=obj).defer("pdf").first(),
        "advice_form": forms_.get("advice_form") or forms.AdviceForm(),
        "hand_back_form": forms_.get("hand_back_form") or forms.HandBackForm(),
        "decision_form": forms_.get("decision_form"),
    }
    return render(request, "arrangements/escalation_detail.html", context)


@require_POST
@case_view()
def escalation_act(request: AuthenticatedHttpRequest, case: Case, escalation: UUID, action: str) -> HttpResponse:
    """The assigned expert's outcomes: advice, decision, take over, hand back."""
    obj = _escalation_or_404(case, escalation)
    if not (obj.is_open and obj.assigned_expert_id == request.user.pk):
        raise Http404
    try:
        if action == "advies":
            form: Any = forms.AdviceForm(request.POST)
            if not form.is_valid():
                return _escalation_page(request, case, obj, advice_form=form)
            services.escalation_advise(actor=request.user, escalation=obj, advice=form.cleaned_data["advice"])
            messages.success(request, _("Het advies is gegeven; de vraag is afgesloten."))
        elif action == "besluit":
            form = forms.DecisionForm(request.POST)
            if not form.is_valid():
                return _escalation_page(request, case, obj, decision_form=form)
            try:
                decision = services.escalation_decide(actor=request.user, escalation=obj, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
                return _escalation_page(request, case, obj, decision_form=form)
            messages.success(
                request,
                _(
                    "De beschikking is vastgelegd en de vraag is afgesloten; "
                    "uw toegang tot dossier %(number)s is beëindigd."
                )
                % {"number": case.number},
            )
            del decision
        elif action == "overnemen":
            services.escalation_take_over(actor=request.user, escalation=obj)
            messages.success(request, _("Het expertiseteam heeft het dossier overgenomen."))
        elif action == "teruggeven":
            form = forms.HandBackForm(request.POST)
            if not form.is_valid():
                return _escalation_page(request, case, obj, hand_back_form=form)
            services.escalation_hand_back(actor=request.user, escalation=obj, advice=form.cleaned_data["advice"])
            messages.success(request, _("Het dossier is teruggegeven aan het wijkteam."))
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("arrangements:escalation_detail", uuid=case.uuid, escalation=obj.uuid)
    if obj.status == EscalationStatus.TAKEN_OVER or action == "overnemen":
        return redirect("arrangements:escalation_detail", uuid=case.uuid, escalation=obj.uuid)
    return redirect("arrangements:escalations")


@case_view()
def decision_pdf(request: AuthenticatedHttpRequest, case: Case, decision: UUID) -> HttpResponse:
    """The stored decision letter (beschikking) as PDF, authorised and logged like the case."""
    try:
        obj = selectors.decision_get(case=case, uuid=decision)
    except Decision.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(bytes(obj.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beschikking-{case.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def escalation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The expert team's queue, by deadline, overdue marked; metadata only."""
    if not request.user.memberships.filter(
        role__in=[Role.EXPERT, Role.TEAMLEIDER], team__kind="expertiseteam"
    ).exists():
        raise Http404
    rows = list(selectors.escalation_queue_for_user(user=request.user))
    today = selectors.today()
    return render(request, "arrangements/queue.html", {"rows": rows, "today": today})


@require_POST
def escalation_pick(request: AuthenticatedHttpRequest, escalation: UUID) -> HttpResponse:
    """An expert picks up a question from the queue; then they may read the case."""
    try:
        obj = selectors.escalation_for_expert(user=request.user, uuid=escalation)
        services.escalation_assign(actor=request.user, escalation=obj, expert=request.user)
    except (Escalation.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("arrangements:escalations")
    return redirect("arrangements:escalation_detail", uuid=obj.case.uuid, escalation=obj.uuid)


def reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Due reviews of running arrangements per team (kernteam): "volstaat niet meer" on top."""
    if not request.user.roles & {Role.REGISSEUR, Role.TEAMLEIDER}:
        raise Http404
    rows = list(selectors.reviews_for_team(user=request.user))
    return render(request, "arrangements/reviews.html", {"rows": rows})


# --- the team leader's approval beyond the team's budget ceiling ---------------------------


def _ceiling_years(case: Case, approval: CeilingApproval) -> tuple[list[dict[str, Any]], list[str]]:
    """Per budget year the arrangement touches: its cost and the team's ceiling, committed
    total and room (money only, from the budget's room provider)."""
    arrangement = approval.arrangement
    try:
        estimate = services.arrangement_estimate(
            case=case,
            item=arrangement.item,
            member=arrangement.member,
            provider=arrangement.provider,
            volume=arrangement.volume,
            start_date=arrangement.start_date,
            end_date=arrangement.end_date,
            delivery_form=arrangement.delivery_form,
        )
    except ValidationError as exc:
        return [], exc.messages
    rows = []
    for year, amount in sorted(cost.year_totals(estimate.months).items()):
        room = hooks.budget_room(team_id=case.team_id, municipality_id=case.team.municipality_id, year=year)
        ceiling = getattr(room, "ceiling", None)
        left = getattr(room, "room", None)
        rows.append(
            {
                "year": year,
                "cost": amount,
                "ceiling": ceiling,
                "committed": getattr(room, "committed", None),
                "room": left,
                "over": max(amount - left, Decimal("0.00")) if left is not None else None,
            }
        )
    return rows, []


def _approval_page(
    request: AuthenticatedHttpRequest, case: Case, approval: CeilingApproval, form: Any, status: int = 200
) -> HttpResponse:
    years, problems = _ceiling_years(case, approval) if approval.is_pending else ([], [])
    context = {
        "case": case,
        "approval": approval,
        "arrangement": approval.arrangement,
        "years": years,
        "problems": problems,
        "form": form,
        "is_requester": approval.requested_by_id == request.user.pk,
    }
    return render(request, "arrangements/ceiling_approval.html", context, status=status)


@require_http_methods(["GET", "POST"])
@case_view(allow=case_permissions.is_teamleider_of)
def ceiling_approval(request: AuthenticatedHttpRequest, case: Case, approval: UUID) -> HttpResponse:
    """The team leader of the case's team decides on a grant beyond the team's ceiling.

    Shows money and the arrangement's summary only. A decided (or concurrently decided)
    request answers 409 with a Dutch message; the requester may not decide (four-eyes).
    """
    try:
        obj = selectors.ceiling_approval_get(case=case, uuid=approval)
    except CeilingApproval.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        return _approval_page(request, case, obj, forms.CeilingDecisionForm())
    form = forms.CeilingDecisionForm(request.POST)
    approve = "goedkeuren" in request.POST
    if not approve and "afwijzen" not in request.POST:
        form.add_error(None, _("Kies goedkeuren of afwijzen."))
    if not form.is_valid():
        return _approval_page(request, case, obj, form, status=400)
    try:
        with form_submitted_once(form=form, user=request.user) as once:
            services.ceiling_approval_decide(
                actor=request.user, approval=obj, approve=approve, reason=form.cleaned_data["reason"]
            )
            once.result_url = request.path
    except DuplicateSubmission as dup:
        messages.info(request, ALREADY_SAVED)
        return redirect(dup.result_url)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and any(e.code == "stale" for e in exc.error_list):
            obj.refresh_from_db()
            messages.error(request, exc.messages[0])
            return _approval_page(request, case, obj, forms.CeilingDecisionForm(), status=409)
        add_service_errors(form, exc)
        return _approval_page(request, case, obj, form, status=400)
    if approve:
        messages.success(request, _("Goedgekeurd: de voorziening is toegekend boven het budgetplafond."))
    else:
        messages.success(request, _("Afgewezen: de regisseur krijgt bericht."))
    return redirect(once.result_url)
