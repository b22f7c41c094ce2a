"""The plan pages over HTTP: authorised like the case page (404 otherwise), every read
logged, 409 with both versions on a concurrent edit, constant query counts, the PDF."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.constants import Role
from audit.models import AuditEvent
from plan import services
from plan.constants import PlanStatus
from plan.models import Goal, Plan
from tests.cases.factories import CaseFactory
from tests.plan.conftest import BSN_PARENT, add_action, agree

pytestmark = pytest.mark.django_db


def same_page(a: bytes, b: bytes) -> bool:
    """Equal apart from the per-response CSRF token."""
    strip = re.compile(rb'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
    return strip.sub(b"", a) == strip.sub(b"", b)


def url(name, case, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"plan:{name}", kwargs={"uuid": case.uuid, **kwargs})


@pytest.fixture
def logged_in(client, regisseur):  # type: ignore[no-untyped-def]
    client.force_login(regisseur)
    return client


def test_plan_page_before_a_plan_offers_the_gesprek_proposals(logged_in, case, gesprek):
    response = logged_in.get(url("detail", case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Plan maken van het gesprek" in html and "Werk &amp; opleiding" in html


def test_regisseur_turns_the_gesprek_into_a_plan_over_http(logged_in, case, gesprek, members):
    response = logged_in.post(url("start", case), {f"rung_{members['Chantal'].pk}": "2"})
    assert response.status_code == 302
    plan = Plan.objects.get(case=case)
    assert plan.goals.count() == 2
    # A double submit lands on the existing plan, never a second one.
    assert logged_in.post(url("start", case), {}).status_code == 302
    assert Plan.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    "name,method",
    [("detail", "get"), ("start", "post"), ("edit", "get"), ("goal_add", "get"), ("agree", "get"), ("evaluate", "get")],
)
def test_outsider_gets_404_exactly_as_for_a_missing_case(client, make_user, team, draft, name, method):
    outsider = make_user(Role.REGISSEUR, team=team)
    client.force_login(outsider)
    response = getattr(client, method)(url(name, draft.case))
    missing = getattr(client, method)(reverse(f"plan:{name}", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"}))
    assert response.status_code == missing.status_code == 404
    assert same_page(response.content, missing.content)


def test_every_plan_read_is_in_the_access_log(logged_in, draft, regisseur):
    before = AuditEvent.objects.filter(case_uuid=draft.case.uuid, kind="read").count()
    logged_in.get(url("detail", draft.case))
    logged_in.get(url("version", draft.case, number=1))
    reads = AuditEvent.objects.filter(case_uuid=draft.case.uuid, kind="read").order_by("pk")
    assert reads.count() == before + 2
    assert list(reads.values_list("view", flat=True))[-2:] == ["plan:detail", "plan:version"]


def test_second_save_from_a_stale_form_answers_409_with_both_versions(logged_in, draft):
    form = {"version": draft.version, "household_words": "Rust in huis", "plan_date": draft.plan_date.isoformat()}
    first = logged_in.post(url("edit", draft.case), form)
    assert first.status_code == 302
    stale = logged_in.post(url("edit", draft.case), {**form, "household_words": "Werk voor mama"})
    html = stale.content.decode()
    assert stale.status_code == 409
    assert "Rust in huis" in html and "Werk voor mama" in html
    draft.refresh_from_db()
    assert draft.household_words == "Rust in huis"


def test_bad_goal_input_is_shown_in_dutch_and_nothing_saved(logged_in, draft, members):
    response = logged_in.post(
        url("goal_add", draft.case),
        {
            "version": draft.version,
            "member": members["Myra"].pk,
            "domain": "parenting",
            "start_score": "3",
            "target_score": "7",
            "target_date": (draft.plan_date - datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    response = logged_in.post(
        url("goal_add", draft.case),
        {
            "version": draft.version,
            "member": members["Myra"].pk,
            "domain": "parenting",
            "start_score": "3",
            "target_score": "4",
            "target_date": (draft.plan_date - datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert "De streefdatum ligt vóór de datum van het plan." in response.content.decode()
    assert draft.goals.count() == 2


def test_tampered_action_owner_is_refused(logged_in, draft):
    response = logged_in.post(
        url("action_add", draft.case),
        {"version": draft.version, "description": "x", "owner": "member:999999", "due_on": "2030-01-01"},
    )
    assert response.status_code == 200 and draft.actions.count() == 0


def test_agree_with_no_member_over_http(logged_in, draft):
    response = logged_in.post(
        url("agree", draft.case),
        {"version": draft.version, "agreed_on": timezone.localdate().isoformat(), "method": "paper"},
    )
    assert "Kies ten minste één gezinslid dat akkoord geeft." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def _add_goals(plan, regisseur, n):  # type: ignore[no-untyped-def]
    member = plan.case.household.members.first()
    domains = [
        "finances",
        "work",
        "daytime",
        "housing",
        "relations",
        "mental",
        "physical",
        "addiction",
        "adl",
        "network",
    ]
    existing = set(plan.goals.values_list("member_id", "domain"))
    todo = [(m, d) for m in plan.case.household.members.all() for d in domains if (m.pk, d) not in existing]
    Goal.objects.bulk_create(
        Goal(
            plan=plan,
            member=m,
            domain=d,
            start_score=2,
            target_score=4,
            target_date=plan.plan_date + datetime.timedelta(days=30),
        )
        for m, d in todo[: n - len(existing)]
    )
    for i in range(n):
        add_action(plan, regisseur, description=f"Actie {i}", kind="regisseur")
    assert member is not None


def _count(client, path):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def test_plan_page_query_count_is_constant_for_2_and_20_goals(client, team, regisseur, gesprek, draft, members):
    client.force_login(regisseur)
    # A second household with 20 goals and 20 actions.
    from tests.cases.factories import HouseholdFactory

    other = CaseFactory(team=team, household=HouseholdFactory(municipality=team.municipality), regisseur=regisseur)
    big = services.plan_start(actor=regisseur, case=other)
    from cases.constants import MemberRole
    from cases.models import HouseholdMember
    from tests.cases.factories import PersonFactory

    HouseholdMember.objects.create(household=other.household, person=PersonFactory(), role=MemberRole.PARENT)
    _add_goals(big, regisseur, 20)
    add_action(draft, regisseur, kind="regisseur")
    add_action(draft, regisseur, kind="regisseur", description="Nog een")
    assert big.goals.count() == 20
    many = _count(client, url("detail", other))
    few = _count(client, url("detail", draft.case))
    assert few == many


def test_pdf_of_the_agreed_plan_holds_goals_and_actions_and_no_bsn(logged_in, draft, regisseur, members):
    add_action(
        draft,
        regisseur,
        description="Oma Riet brengt Myra naar school",
        kind="network",
        owner_id=draft.case.household.network.get().pk,
    )
    services.plan_update(
        actor=regisseur,
        plan=Plan.objects.get(pk=draft.pk),
        expected_version=Plan.objects.get(pk=draft.pk).version,
        household_words="Wij willen rust in huis en geen schulden meer.",
        plan_date=draft.plan_date,
    )
    plan = agree(draft, regisseur, members)
    response = logged_in.get(url("pdf", plan.case, number=plan.number))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Wij willen rust in huis" in flat
    assert flat.index("Wij willen rust in huis") < flat.index("Werk & opleiding")
    assert "Financiën" in flat and "Oma Riet brengt Myra naar school" in flat
    assert plan.case.number in flat and "versie 1" in flat and "Pagina 1 van" in flat
    assert BSN_PARENT not in text.replace(" ", "") and "1112" not in flat
    read = AuditEvent.objects.filter(case_uuid=plan.case.uuid, kind="read").latest("pk")
    assert read.view == "plan:pdf"


def test_pdf_without_read_access_is_404_like_a_missing_case(client, make_user, team, agreed):
    outsider = make_user(Role.TEAMLEIDER, team=CaseFactory().team)
    client.force_login(outsider)
    response = client.get(url("pdf", agreed.case, number=1))
    missing = client.get(reverse("plan:pdf", kwargs={"uuid": "00000000-0000-0000-0000-000000000000", "number": 1}))
    assert response.status_code == missing.status_code == 404
    assert same_page(response.content, missing.content)


def test_no_pdf_of_a_draft(logged_in, draft):
    assert logged_in.get(url("pdf", draft.case, number=1)).status_code == 404


def test_anonymous_is_sent_to_login(draft):
    response = Client().get(url("detail", draft.case))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_every_plan_route_is_a_case_view():
    from django.urls import get_resolver

    from cases.access import is_case_view

    resolver = get_resolver()
    plan_patterns = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "plan"]
    assert plan_patterns
    callbacks = [p.callback for inc in plan_patterns for p in inc.url_patterns]
    assert callbacks and all(is_case_view(cb) for cb in callbacks)


def test_double_submit_of_a_goal_adds_it_once(logged_in, draft, members):
    form = {
        "version": draft.version,
        "member": members["Myra"].pk,
        "domain": "parenting",
        "start_score": "3",
        "target_score": "4",
        "target_date": (draft.plan_date + datetime.timedelta(days=60)).isoformat(),
    }
    assert logged_in.post(url("goal_add", draft.case), form).status_code == 302
    second = logged_in.post(url("goal_add", draft.case), form)
    assert second.status_code == 409  # the same (now stale) form: shown, not saved again
    assert draft.goals.filter(domain="parenting").count() == 1


def test_team_leader_reads_the_plan_but_cannot_edit_it(client, make_user, team, draft):
    leader = make_user(Role.TEAMLEIDER, team=team)
    client.force_login(leader)
    assert client.get(url("detail", draft.case)).status_code == 200
    assert client.get(url("edit", draft.case)).status_code == 404
    assert "Doel toevoegen" not in client.get(url("detail", draft.case)).content.decode()


def test_double_submit_of_a_goal_with_its_form_token_goes_to_the_first_result(logged_in, draft, members):
    target = url("goal_add", draft.case)
    token = logged_in.get(target).context["form"]["form_token"].value()
    assert token, "the goal form renders a one-time token"
    form = {
        "version": draft.version,
        "member": members["Myra"].pk,
        "domain": "parenting",
        "start_score": "3",
        "target_score": "4",
        "target_date": (draft.plan_date + datetime.timedelta(days=60)).isoformat(),
        "form_token": str(token),
    }
    first = logged_in.post(target, form)
    assert first.status_code == 302
    events = AuditEvent.objects.exclude(kind="read").count()
    second = logged_in.post(target, form, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Dit formulier was al verstuurd en is één keer opgeslagen." in second.content.decode()
    assert draft.goals.filter(domain="parenting").count() == 1
    assert AuditEvent.objects.exclude(kind="read").count() == events  # nothing new written


def test_plan_tab_nests_its_headings_under_the_tab_heading(logged_in, case, agreed):
    """In the case's Plan tab (heading level 2) the plan's own parts are level 3; the plan
    page of its own (heading level 1) keeps them at level 2."""
    tab = logged_in.get(reverse("cases:section", args=[case.uuid, "plan"])).content.decode()
    assert re.search(r'<h2 [^>]*id="case-panel-heading"', tab)
    assert re.search(r'<h3 class="utrecht-heading-3"[^>]*>Doelen</h3>', tab)
    assert re.search(r"<h3 [^>]*>Versies en evaluaties</h3>", tab)
    assert not re.search(r"<h2 [^>]*>(Doelen|Akkoord|Versies en evaluaties)</h2>", tab)
    version = logged_in.get(url("version", case, number=agreed.number)).content.decode()
    assert re.search(r'<h2 class="utrecht-heading-2"[^>]*>Doelen</h2>', version)
