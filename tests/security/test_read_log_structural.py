"""Hole 11 (issue 9): no read of case content escapes the access log, by structure.

The test walks EVERY URL pattern of the project. A route is *case-bound* when it has a
UUID keyword and its view lives in one of our own apps (found from the view's module, so
an app added next month is covered without editing this file); only the routes in
`NOT_CASE_BOUND`, each with a reason, are exempt. Every case-bound route must be wrapped
by `cases.access.case_view` (or, for one signal, `intake.access.signal_view`), and a real
request to it by an authorised user writes exactly one read entry in the access log,
while a stranger and a missing id get 404 and write none.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts.constants import Role
from arrangements import services as arrangement_services
from arrangements.constants import DeliveryForm, EscalationReason, StopReason, Urgency
from arrangements.models import Arrangement, Escalation, Mandate
from audit.models import AuditEvent, EventKind
from budget.models import Budget, TeamCeiling
from cases import breakglass
from cases import services as case_services
from cases.access import is_case_view
from cases.models import Case
from intake import services as intake_services
from intake.access import is_signal_view
from intake.constants import SignalSource, TriageRoute
from plan import services as plan_services
from plan.constants import AgreementMethod
from tests.accounts.factories import OrganisationFactory, TeamFactory
from tests.arrangements.factories import item_create

_PARTNER_API = (
    "Partner REST API: a provider's system with an OAuth bearer token, no session user (a session gets 401). "
    "Only the client's own allocations are found (404 otherwise), and every answer that shows one writes a read "
    "entry per allocation with organisation, client and ground (tests/partners/test_allocations.py, "
    "test_every_read_is_in_the_cases_access_log_with_organisation_and_client)."
)

# Routes with a UUID keyword in our apps that show no case content. Each needs a reason.
NOT_CASE_BOUND: dict[str, str] = {
    "cases:access_review": (
        "The UUID is a weekly overview of unusual access (one per team and week): staff names, "
        "break-glass case numbers, counts and times, no case content; the team leaders of its team "
        "only, 404 for everyone else (tests/cases/test_access_review.py)."
    ),
    "budget:detail": (
        "The UUID is a budget's (one per municipality and year): amounts per law, team and provider, "
        "no case content; controllers of that municipality only, 404 for everyone else (tests/budget/test_views.py)."
    ),
    "budget:export_xlsx": "The budget's figures as a spreadsheet: the same rows and guard as budget:detail.",
    "budget:export_csv": "The budget's figures as CSV: the same rows and guard as budget:detail.",
    "budget:export_unit_costs_csv": "The unit cost per provision as CSV: the same rows and guard as budget:detail.",
    "questionnaire_link": (
        "Public, single-use token of a client questionnaire invite: it opens the questionnaire (five "
        "questions and a remarks box) and shows nothing of the case or plan; an unknown or used token "
        "answers the same page (tests/plan/test_questionnaire.py)."
    ),
    "reports:detail": (
        "The UUID is a report run's: anonymised, disclosure-controlled figures of a team or a "
        "municipality, no case content; its team's leaders and the municipality's controllers and "
        "staff only, 404 for everyone else (tests/reports/test_access.py)."
    ),
    "reports:progress": "The run's progress block (htmx): the same rows and guard as reports:detail.",
    "reports:download": (
        "The run's PDF, CSV or JSON: the same guard as reports:detail; each download is audited "
        "(view reports:download), but it holds no case content, so it is not a case read."
    ),
    "arrangements:escalation_pick": (
        "POST only, keyed by an escalation: an expert of its expert team takes the question from the "
        "queue (404 for anyone else) and is redirected to arrangements:escalation_detail, the case view "
        "that logs the read; it renders no case content itself (tests/arrangements/test_access.py)."
    ),
    # Subject access (AVG art. 15/16/18): person- and export-bound, for municipality staff of the
    # person's municipality only (404 for everyone else, tests/subjectaccess/test_views.py). Not
    # a case view: staff hold no case rights. Each person page, form and download writes its own
    # read entry (ground subject_access) on the person; the export writes one on every case it reads.
    **{
        f"subjectaccess:{name}": "Person- or export-bound subject-access screen of municipality staff (see above)."
        for name in ("person", "export_start", "rectify", "restriction", "export", "export_pdf", "export_json")
    },
}
NOT_CASE_BOUND.update(
    dict.fromkeys(
        (
            "partners_api:allocation_detail",
            "partners_api:allocation_acknowledge",
            "partners_api:allocation_start",
            "partners_api:allocation_stop",
            # A write of the provider's report (never read back through the API); the report is
            # read on the case through case_view (Voorzieningen tab, tests/partners/test_progress.py).
            "partners_api:progress_report_create",
        ),
        _PARTNER_API,
    )
)

PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


@dataclass(frozen=True)
class Route:
    name: str  # "app:name" (or the pattern when unnamed)
    pattern: str
    callback: Callable[..., Any]
    uuid_kwargs: tuple[str, ...]


def _uuid_kwargs(entry: URLPattern | URLResolver) -> list[str]:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return [k for k, conv in pattern.converters.items() if isinstance(conv, UUIDConverter)]
    # re_path: a named group called *uuid* is treated as one, to be safe.
    return [name for name in pattern.regex.groupindex if "uuid" in name]


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", inherited: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        kwargs = (*inherited, *_uuid_kwargs(entry))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns, kwargs)
        else:
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield Route(name, prefix + str(entry.pattern), entry.callback, kwargs)


def _is_project_app_view(callback: Callable[..., Any]) -> bool:
    """The view's module belongs to one of our apps (not Django's, not a dependency's)."""
    config = apps.get_containing_app_config(callback.__module__)
    if config is None:
        return False
    app_path = Path(config.path).resolve()
    return app_path.is_relative_to(PROJECT_ROOT) and ".venv" not in app_path.parts


def case_bound_routes(resolver: URLResolver | None = None) -> list[Route]:
    return [
        r
        for r in _walk(resolver or get_resolver())
        if r.uuid_kwargs and _is_project_app_view(r.callback) and r.name not in NOT_CASE_BOUND
    ]


def _guarded(callback: Callable[..., Any]) -> bool:
    return is_case_view(callback) or is_signal_view(callback)


ROUTES = case_bound_routes()


def test_hole11_the_walk_finds_the_case_and_intake_routes():
    names = {r.name for r in ROUTES}
    expected = {
        "cases:detail",
        "cases:edit",
        "cases:member_edit",
        "cases:notes",
        "cases:access_log",
        "intake:signal_detail",
        "intake:gesprek_start",
        "intake:gesprek_detail",
        "intake:gesprek_edit",
        "intake:gesprek_draft",
        "intake:meldcode_steps",
    }
    assert expected <= names, expected - names
    for name in NOT_CASE_BOUND:
        assert NOT_CASE_BOUND[name].strip(), f"{name}: give the reason it shows no case content"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_every_case_bound_route_is_guarded_by_case_view(route):
    assert _guarded(route.callback), (
        f"{route.name} ({route.pattern}) takes a UUID but is not wrapped by cases.access.case_view "
        "(or intake.access.signal_view): its reads would escape the access log. Decorate it, or add it to "
        "NOT_CASE_BOUND with the reason it shows no case content."
    )


def test_hole11_the_walk_catches_a_new_undecorated_route_in_any_of_our_apps():
    """The classifier is not a hard-coded list: a new view in one of our apps with a UUID is caught."""

    def new_partial(request, uuid):  # type: ignore[no-untyped-def]
        raise AssertionError("never called")

    new_partial.__module__ = "budget.views"  # an app that has no views yet

    class FakeConf:
        urlpatterns = [path("budget/<uuid:uuid>/regels/", new_partial, name="lines")]

    resolver = URLResolver(RoutePattern(""), FakeConf)
    found = case_bound_routes(resolver)
    assert [r.name for r in found] == ["lines"]
    assert not _guarded(found[0].callback)


# --- Requests: one read per request, none for a 404 ----------------------------------


@dataclass
class World:
    regisseur: Any
    teamleider: Any
    colleague: Any
    stranger: Any
    case: Case
    linked_signal: Any
    unlinked_signal: Any
    gesprek: Any
    member_person_uuid: uuid.UUID
    expert: Any = None  # an expert of the municipality's expert team (arrangements' escalations)
    expert_team: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(make_user) -> World:  # type: ignore[no-untyped-def]
    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    teamleider = make_user(Role.TEAMLEIDER, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    stranger = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    mother = intake_services.PersonInput(
        first_name="Chantal", last_name="Jansen", birth_date=datetime.date(1991, 3, 14), bsn="111222333"
    )
    signal = intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Kind komt vaak te laat.",
        persons=[mother],
        received_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    # A safety triage: a case with the flag, the Meldcode steps and a linked signal.
    signal = intake_services.signal_triage(
        actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur
    )
    case = signal.case
    unlinked = intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.NEIGHBOUR,
        question="Buren maken zich zorgen.",
        persons=[
            intake_services.PersonInput(first_name="Piet", last_name="Smit", birth_date=datetime.date(1950, 1, 2))
        ],
    )
    gesprek = intake_services.gesprek_start(actor=regisseur, case=case)
    case_services.case_share(actor=regisseur, case=case, access="read", user=colleague)
    member = case.household.members.select_related("person").first()
    expert_team = TeamFactory(municipality=team.municipality, expertise=True)
    expert = make_user(Role.EXPERT, team=expert_team)
    return World(
        regisseur=regisseur,
        teamleider=teamleider,
        colleague=colleague,
        stranger=stranger,
        case=case,
        linked_signal=signal,
        unlinked_signal=unlinked,
        gesprek=gesprek,
        member_person_uuid=member.person.uuid,
        expert=expert,
        expert_team=expert_team,
    )


@dataclass(frozen=True)
class Sample:
    """How to request a case-bound route for real: who, which objects, which POST data."""

    kwargs: Callable[[World], dict[str, Any]]
    user: str = "regisseur"
    data: Callable[[World], dict[str, Any]] | None = None


def _case(w: World) -> dict[str, Any]:
    return {"uuid": w.case.uuid}


def _consent(w: World) -> dict[str, Any]:
    """A consent in force of the case's first member (the sample withdraws it)."""
    if "consent" not in w.extra:
        w.extra["consent"] = case_services.consent_record(
            actor=w.regisseur, case=w.case, member=_member(w), purpose="gp", given=True, method="verbal"
        )
    return {"uuid": w.case.uuid, "consent_uuid": w.extra["consent"].uuid}


def _member(w: World) -> Any:
    return w.case.household.members.select_related("person").first()


# --- plan: the objects through plan's own services (as tests/plan/conftest.py) ---------


def _plan(w: World) -> Any:
    """The case's current plan (a draft, started on first use)."""
    if "plan" not in w.extra:
        w.extra["plan"] = plan_services.plan_start(actor=w.regisseur, case=w.case)
    w.extra["plan"].refresh_from_db()
    return w.extra["plan"]


def _goal(w: World) -> Any:
    if "goal" not in w.extra:
        plan = _plan(w)
        w.extra["goal"] = plan_services.goal_add(
            actor=w.regisseur,
            plan=plan,
            expected_version=plan.version,
            member_id=_member(w).pk,
            domain="finances",
            start_score=2,
            target_score=4,
            target_date=timezone.localdate() + datetime.timedelta(days=90),
        )
    return w.extra["goal"]


def _action(w: World) -> Any:
    if "action" not in w.extra:
        _goal(w)
        plan = _plan(w)
        w.extra["action"] = plan_services.action_add(
            actor=w.regisseur,
            plan=plan,
            expected_version=plan.version,
            description="Schuldhulp bellen",
            owner_kind="member",
            owner_id=_member(w).pk,
            due_on=timezone.localdate() + datetime.timedelta(days=14),
        )
    return w.extra["action"]


def _agreed(w: World) -> Any:
    """A plan agreed with the household (version 1): a goal, an action and the agreement."""
    if "agreed" not in w.extra:
        _action(w)
        plan = _plan(w)
        w.extra["agreed"] = plan_services.plan_agree(
            actor=w.regisseur,
            plan=plan,
            expected_version=plan.version,
            member_ids=[_member(w).pk],
            agreed_on=timezone.localdate(),
            method=AgreementMethod.PAPER,
            remarks="",
        )
    return w.extra["agreed"]


def _draft_case(w: World) -> dict[str, Any]:
    _plan(w)
    return _case(w)


def _agreed_case(w: World) -> dict[str, Any]:
    _agreed(w)
    return _case(w)


def _version(w: World) -> dict[str, Any]:
    return {"uuid": w.case.uuid, "number": _agreed(w).number}


def _pdf_run(w: World) -> dict[str, Any]:
    run = plan_services.pdf_run_create(actor=w.regisseur, plan=_agreed(w))
    return {"uuid": w.case.uuid, "run_uuid": run.uuid}


# --- arrangements: through its services (as tests/arrangements/test_services.py) -------


def _start(w: World) -> datetime.date:
    today = timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)  # next month


def _catalogue(w: World) -> dict[str, Any]:
    """A provision with a tariff and a provider, within the regisseur's mandate."""
    if "item" not in w.extra:
        municipality = w.case.team.municipality
        provider = OrganisationFactory()
        provider.municipalities.add(municipality)
        item = item_create(municipality, providers=[provider])
        mandate = Mandate.objects.create(
            team=w.case.team,
            role=Role.REGISSEUR,
            max_per_arrangement=Decimal("5000.00"),
            max_per_household_year=Decimal("10000.00"),
        )
        mandate.items.add(item)
        w.extra |= {"item": item, "provider": provider}
    return {"item": w.extra["item"], "provider": w.extra["provider"], "member": _member(w)}


def _arrangement_data(w: World) -> dict[str, Any]:
    start = _start(w)
    return _catalogue(w) | {
        "volume": Decimal("2"),
        "start_date": start,
        "end_date": start + datetime.timedelta(days=27),
        "delivery_form": DeliveryForm.ZIN,
    }


def _arrangement(w: World) -> dict[str, Any]:
    if "arrangement" not in w.extra:
        w.extra["arrangement"] = arrangement_services.arrangement_grant(
            actor=w.regisseur, case=w.case, **_arrangement_data(w)
        )
    return {"uuid": w.case.uuid, "arrangement": w.extra["arrangement"].uuid}


def _arrangement_version(w: World) -> int:
    return Arrangement.objects.get(uuid=_arrangement(w)["arrangement"]).version


def _escalations(w: World) -> None:
    """Two open questions of the case, both assigned to the expert: an arrangement beyond
    the mandate put to the expert team (a decision is due) and a plain question for advice.

    Overlapping escalations share the expert's access (the last one to close ends it), so
    after an outcome on one the expert can repeat the request and is let in (and logged)
    once more.
    """
    if "escalation" in w.extra:
        return
    w.extra["escalation"] = arrangement_services.arrangement_request_and_escalate(
        actor=w.regisseur,
        case=w.case,
        expert_team=w.expert_team,
        question="Graag een besluit over de omvang.",
        assigned_expert=w.expert,
        **_arrangement_data(w),
    )
    w.extra["question"] = arrangement_services.escalation_open(
        actor=w.regisseur,
        case=w.case,
        expert_team=w.expert_team,
        reason=EscalationReason.ADVICE,
        urgency=Urgency.NORMAL,
        question="Hoe pakken we de schulden aan?",
        assigned_expert=w.expert,
    )


def _escalation(w: World) -> dict[str, Any]:
    """The escalation with a requested arrangement (decide, take over, detail)."""
    _escalations(w)
    return {"uuid": w.case.uuid, "escalation": w.extra["escalation"].uuid}


def _question(w: World) -> dict[str, Any]:
    """The escalation without an arrangement (advice, hand back)."""
    _escalations(w)
    return {"uuid": w.case.uuid, "escalation": w.extra["question"].uuid}


def _decision(w: World) -> dict[str, Any]:
    escalation = Escalation.objects.get(uuid=_escalation(w)["escalation"])
    decision = arrangement_services.escalation_decide(
        actor=w.expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="De cliënt heeft begeleiding nodig om zelfstandig te blijven wonen.",
    )
    return {"uuid": w.case.uuid, "decision": decision.uuid}


def _ceiling_approval(w: World) -> dict[str, Any]:
    """A grant beyond the team's budget ceiling, put to the team leader."""
    if "ceiling_approval" not in w.extra:
        data = _arrangement_data(w)
        budget, _created = Budget.objects.get_or_create(
            municipality=w.case.team.municipality, year=data["start_date"].year
        )
        TeamCeiling.objects.get_or_create(budget=budget, team=w.case.team, defaults={"amount": Decimal("1.00")})
        w.extra["ceiling_approval"] = arrangement_services.arrangement_request_ceiling_approval(
            actor=w.regisseur, case=w.case, motivation="Nodig boven het plafond.", **data
        )
    return {"uuid": w.case.uuid, "approval": w.extra["ceiling_approval"].uuid}


def _arrangement_form(w: World) -> dict[str, Any]:
    data = _arrangement_data(w)
    return {
        "item": data["item"].pk,
        "member": data["member"].pk,
        "provider": data["provider"].pk,
        "volume": "2",
        "start_date": data["start_date"].isoformat(),
        "end_date": data["end_date"].isoformat(),
        "delivery_form": "zin",
    }


def _hold(w: World) -> dict[str, Any]:
    from retention import services as retention_services

    if "hold" not in w.extra:
        w.extra["hold"] = retention_services.legal_hold_place(actor=w.regisseur, case=w.case, reason="court")
    return {"uuid": w.case.uuid, "hold_uuid": w.extra["hold"].uuid}


def _partner_request(w: World) -> dict[str, Any]:
    """A provider's request (315) on the case's arrangement, as the partner API stores it."""
    from partners.declaration_models import AllocationRequest

    arrangement = Arrangement.objects.get(uuid=_arrangement(w)["arrangement"])
    request = AllocationRequest.objects.create(
        arrangement=arrangement,
        organisation=arrangement.provider,
        client_id="sample",
        kind="volume",
        volume=Decimal("3"),
        motivation="Meer uren nodig.",
    )
    return {"uuid": w.case.uuid, "request_uuid": request.uuid}


SAMPLES: dict[str, Sample] = {
    "cases:detail": Sample(_case),
    "cases:edit": Sample(_case),
    "cases:member_add": Sample(_case),
    "cases:member_edit": Sample(lambda w: {"uuid": w.case.uuid, "person_uuid": w.member_person_uuid}),
    "cases:network_add": Sample(_case),
    "cases:consent_add": Sample(_case),
    "cases:consent_change": Sample(_consent),
    "cases:share": Sample(_case),
    "cases:unshare": Sample(_case, data=lambda w: {"kind": "user", "principal": str(w.colleague.pk)}),
    "cases:reassign": Sample(_case, user="teamleider"),
    "cases:close": Sample(_case),
    "cases:notes": Sample(_case, data=lambda w: {"text": "Gebeld met moeder."}),
    "cases:access_log": Sample(_case),
    "intake:signal_detail": Sample(lambda w: {"uuid": w.linked_signal.uuid}),
    "intake:gesprek_start": Sample(lambda w: {"case_uuid": w.case.uuid}),
    "intake:meldcode_steps": Sample(lambda w: {"case_uuid": w.case.uuid}),
    "intake:gesprek_detail": Sample(lambda w: {"uuid": w.gesprek.uuid}),
    "intake:gesprek_edit": Sample(lambda w: {"uuid": w.gesprek.uuid}),
    "intake:gesprek_draft": Sample(lambda w: {"uuid": w.gesprek.uuid}),
    # The workspace's tabs.
    "cases:section": Sample(lambda w: {"uuid": w.case.uuid, "section": "gezin"}),
    # plan
    "plan:detail": Sample(_draft_case),
    "plan:start": Sample(_case),
    "plan:edit": Sample(_draft_case),
    "plan:goal_add": Sample(_draft_case),
    "plan:goal_edit": Sample(lambda w: {"uuid": w.case.uuid, "goal_uuid": _goal(w).uuid}),
    "plan:goal_remove": Sample(
        lambda w: {"uuid": w.case.uuid, "goal_uuid": _goal(w).uuid}, data=lambda w: {"version": _plan(w).version}
    ),
    "plan:action_add": Sample(_draft_case),
    "plan:action_done": Sample(lambda w: {"uuid": w.case.uuid, "action_uuid": _action(w).uuid}),
    "plan:safety_add": Sample(_draft_case),  # the world's case has the safety flag
    "plan:risk_add": Sample(_draft_case),
    "plan:agree": Sample(_draft_case),
    "plan:activate": Sample(_agreed_case),
    "plan:evaluate": Sample(_agreed_case),
    "plan:version": Sample(_version),
    "plan:pdf": Sample(_version),
    "plan:pdf_run": Sample(_pdf_run),
    "plan:questionnaire_invite": Sample(_agreed_case),
    # arrangements
    "arrangements:case_list": Sample(_case),
    "arrangements:new": Sample(_case),
    "arrangements:estimate": Sample(_case, data=_arrangement_form),
    "arrangements:case_escalations": Sample(_case),
    "arrangements:escalation_new": Sample(_case),
    "arrangements:escalation_detail": Sample(_escalation),
    "arrangements:escalation_advies": Sample(
        _question, user="expert", data=lambda w: {"advice": "Begeleiding twee uur per week volstaat."}
    ),
    "arrangements:escalation_besluit": Sample(
        _escalation,
        user="expert",
        data=lambda w: {
            "granted": "1",
            "legal_basis": "artikel 2.3.5 Wmo 2015",
            "motivation": "De cliënt heeft begeleiding nodig om zelfstandig te blijven wonen.",
            "period_start": _start(w).isoformat(),
            "period_end": (_start(w) + datetime.timedelta(days=27)).isoformat(),
            "volume": "2",
        },
    ),
    "arrangements:escalation_overnemen": Sample(_escalation, user="expert"),
    "arrangements:escalation_teruggeven": Sample(
        _question, user="expert", data=lambda w: {"advice": "Het wijkteam kan dit zelf."}
    ),
    "arrangements:decision_pdf": Sample(_decision),
    "arrangements:ceiling_approval": Sample(_ceiling_approval, user="teamleider"),
    "arrangements:detail": Sample(_arrangement),
    "arrangements:step": Sample(
        _arrangement, data=lambda w: {"step": "allocate", "version": str(_arrangement_version(w))}
    ),
    "arrangements:change": Sample(
        _arrangement,
        data=lambda w: {
            "volume": "3",
            "end_date": (_start(w) + datetime.timedelta(days=27)).isoformat(),
            "version": str(_arrangement_version(w)),
        },
    ),
    "arrangements:stop": Sample(
        _arrangement,
        data=lambda w: {
            "stop_date": (_start(w) + datetime.timedelta(days=13)).isoformat(),
            "reason": StopReason.GOAL_REACHED,
            "version": str(_arrangement_version(w)),
        },
    ),
    "arrangements:insufficient": Sample(_arrangement, data=lambda w: {"note": "Moeder redt het niet meer."}),
    "arrangements:review": Sample(
        _arrangement, data=lambda w: {"next_review": (timezone.localdate() + datetime.timedelta(days=90)).isoformat()}
    ),
    # retention: a legal hold, placed by the regisseur (team leaders may too)
    "retention:hold_place": Sample(_case, data=lambda w: {"reason": "objection"}),
    "retention:hold_lift": Sample(_hold),
    # partners (the regisseur's side of the partner API)
    "partners:request_handle": Sample(_partner_request),
}


def _reads() -> int:
    return AuditEvent.objects.filter(kind=EventKind.READ).count()


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    url = "/" + route.pattern
    for key, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url)
    assert "<" not in url, f"{route.name}: the sample misses a URL keyword ({url})"
    return url


def _request(client, route: Route, url: str, sample: Sample, world: World):  # type: ignore[no-untyped-def]
    """GET; for a POST-only route (GET → 405, which must log nothing) a POST with the sample data."""
    before = _reads()
    response = client.get(url)
    if response.status_code != 405:
        return response, _reads() - before
    assert _reads() == before, f"{route.name}: a refused GET wrote a read entry"
    response = client.post(url, sample.data(world) if sample.data else {})
    return response, _reads() - before


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_each_case_bound_route_writes_exactly_one_read_entry_per_request(client, world, route):
    sample = SAMPLES.get(route.name)
    assert sample is not None, f"{route.name} is case-bound: add a sample request to SAMPLES in this test"
    user = getattr(world, sample.user)
    client.force_login(user)
    url = _url(route, sample.kwargs(world))
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response, new_reads = _request(client, route, url, sample, world)

    assert response.status_code < 500 and response.status_code not in (403, 404, 405), (
        route.name,
        response.status_code,
    )
    assert new_reads == 1, f"{route.name}: {new_reads} read entries for one request"
    read = AuditEvent.objects.get(kind=EventKind.READ, pk__gt=latest)
    assert read.actor == user and read.case_uuid == world.case.uuid and not read.flagged
    assert read.view == route.name

    # The same request again: one more, never zero (no "already logged this session").
    _response, again = _request(client, route, url, sample, world)
    assert again == 1, route.name


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_a_stranger_and_a_missing_id_get_404_and_write_no_read(client, world, route):
    sample = SAMPLES.get(route.name)
    assert sample is not None, f"{route.name} is case-bound: add a sample request to SAMPLES in this test"
    real = sample.kwargs(world)
    missing = {k: uuid.uuid4() for k in real}
    for user, kwargs in ((world.stranger, real), (getattr(world, sample.user), missing)):
        client.force_login(user)
        before = _reads()
        url = _url(route, kwargs)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, sample.data(world) if sample.data else {})
        assert response.status_code == 404, (route.name, user, response.status_code)
        assert _reads() == before, f"{route.name}: a 404 wrote a read entry"


@pytest.mark.django_db
def test_hole11_an_unlinked_signal_is_logged_as_a_read_of_the_signal(client, world):
    client.force_login(world.regisseur)
    before = _reads()
    response = client.get(f"/aanmeldingen/{world.unlinked_signal.uuid}/")
    assert response.status_code == 200
    assert _reads() == before + 1
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert (read.target_type, read.target_id, read.case_uuid) == (
        "intake.signal",
        str(world.unlinked_signal.uuid),
        None,
    )
    assert read.actor == world.regisseur and read.view == "intake:signal_detail"


@pytest.mark.django_db
def test_hole11_a_linked_signal_is_logged_in_its_case_access_log(client, world):
    client.force_login(world.regisseur)
    client.get(f"/aanmeldingen/{world.linked_signal.uuid}/")
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert read.case_uuid == world.case.uuid and read.view == "intake:signal_detail"


@pytest.mark.django_db
def test_hole11_htmx_partials_are_logged_too(client, world):
    """The htmx fragments (journal note, gesprek autosave) carry case content: one read each."""
    client.force_login(world.regisseur)
    for url, data in (
        (f"/dossiers/{world.case.uuid}/notities/", {"text": "Via htmx."}),
        (f"/aanmeldingen/gesprek/{world.gesprek.uuid}/concept/", {"version": "1"}),
    ):
        before = _reads()
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code < 500
        assert _reads() == before + 1, url


@pytest.mark.django_db
def test_hole11_a_read_through_break_glass_is_flagged_on_every_case_bound_page(client, world, make_user):
    night = make_user(Role.REGISSEUR, team=TeamFactory(municipality=world.case.team.municipality))
    access = breakglass.break_glass_open(actor=night, case=world.case, reason="Politie belt, regisseur onbereikbaar")
    client.force_login(night)
    before = _reads()
    assert client.get(f"/aanmeldingen/gesprek/{world.gesprek.uuid}/").status_code == 200
    assert _reads() == before + 1
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert read.flagged and read.purpose == f"noodtoegang #{access.pk}" and read.actor == night
