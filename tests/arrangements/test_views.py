"""The arrangement screens over HTTP: live estimate, grant, refusal with escalation, PDF, queue."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.constants import Role
from arrangements import services
from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement, Escalation
from arrangements.views import section_context
from audit.models import AuditEvent, EventKind
from tests.arrangements.test_services import _escalate, grant, next_month
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

D = Decimal


def form_data(world, **overrides):  # type: ignore[no-untyped-def]
    start = next_month()
    data = {
        "item": world.item.pk,
        "member": world.member.pk,
        "provider": world.provider.pk,
        "volume": "2",
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=27)).isoformat(),
        "delivery_form": "zin",
        "expert_team": world.expert_team.pk,
        "urgency": "normal",
        "question": "",
    }
    return data | overrides


def test_live_estimate_shows_cost_and_mandate_before_saving(client, world):
    client.force_login(world.regisseur)
    response = client.post(
        reverse("arrangements:estimate", args=[world.case.uuid]), form_data(world), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Geraamde kosten: € 480,00" in body and "Binnen uw mandaat" in body
    world.mandate.max_per_arrangement = D("100")
    world.mandate.save()
    body = client.post(reverse("arrangements:estimate", args=[world.case.uuid]), form_data(world)).content.decode()
    assert "hoger dan uw mandaat" in body
    assert not Arrangement.objects.exists()


def test_grant_within_mandate_over_http(client, world):
    client.force_login(world.regisseur)
    response = client.post(reverse("arrangements:new", args=[world.case.uuid]), form_data(world, toekennen="1"))
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("arrangements:detail", args=[world.case.uuid, arrangement.uuid])
    assert arrangement.status == ArrangementStatus.GRANTED


def test_beyond_mandate_shows_why_saves_nothing_then_escalates_in_one_step(client, world):
    world.mandate.max_per_arrangement = D("100")
    world.mandate.save()
    client.force_login(world.regisseur)
    url = reverse("arrangements:new", args=[world.case.uuid])
    response = client.post(url, form_data(world, toekennen="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "U kunt deze voorziening niet zelf toekennen. Er is niets opgeslagen." in body
    assert "zijn hoger dan uw mandaat van € 100,00 per voorziening" in body
    assert not Arrangement.objects.exists()

    response = client.post(url, form_data(world, voorleggen="1", question="Graag uw besluit."))
    escalation = Escalation.objects.get()
    assert response.status_code == 302
    assert escalation.arrangement.status == ArrangementStatus.REQUESTED
    assert escalation.reason == "beyond_mandate"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"volume": "0"}, "groter zijn dan nul"),
        ({"volume": "NaN"}, "Voer een getal in"),
        ({"volume": "1" * 200}, ""),
        ({"end_date": "1999-01-01"}, "ligt voor de startdatum"),
        ({"start_date": "2999-01-01", "end_date": "2999-02-01"}, "meer dan een jaar in de toekomst"),
        ({"contribution": "a\u202eb"}, "stuurtekens"),
        ({"contribution": "x" * 100_000}, "niet meer dan 300 tekens"),
    ],
)
def test_bad_input_over_http_is_a_dutch_error_and_nothing_saved(client, world, overrides, message):
    client.force_login(world.regisseur)
    response = client.post(
        reverse("arrangements:new", args=[world.case.uuid]), form_data(world, toekennen="1", **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Arrangement.objects.exists()


def test_item_and_member_of_another_household_or_municipality_are_refused_over_http(client, world):
    other_case = CaseFactory()
    from tests.arrangements.factories import item_create

    foreign_item = item_create(other_case.team.municipality, name="Vreemd")
    client.force_login(world.regisseur)
    url = reverse("arrangements:new", args=[world.case.uuid])
    for overrides in ({"item": foreign_item.pk}, {"member": other_case.household.members.first().pk}):
        response = client.post(url, form_data(world, toekennen="1", **overrides))
        assert response.status_code == 200 and "geldige keuze" in response.content.decode()
    assert not Arrangement.objects.exists()


def test_decision_pdf_contains_legal_basis_period_and_objection_clause(client, world):
    escalation = _escalate(world)
    decision = services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="De cliënt heeft begeleiding nodig om zelfstandig te blijven wonen.",
    )
    client.force_login(world.regisseur)
    response = client.get(reverse("arrangements:decision_pdf", args=[world.case.uuid, decision.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "artikel 2.3.5 Wmo 2015" in text
    from socialdomain.templatetags.sd_format import datum

    assert f"{datum(decision.period_start)} tot en met {datum(decision.period_end)}" in text
    assert "bezwaar maken binnen zes weken" in text
    reads = AuditEvent.objects.filter(kind=EventKind.READ, case_uuid=world.case.uuid, view="arrangements:decision_pdf")
    assert reads.count() == 1


def _count_queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_page_runs_constant_queries_for_3_and_30_rows(client, world):
    client.force_login(world.expert)
    url = reverse("arrangements:escalations")

    def fill(n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            case = CaseFactory(team=world.team)
            services.escalation_open(
                actor=case.regisseur,
                case=case,
                expert_team=world.expert_team,
                reason="advice",
                urgency="normal",
                question="Vraag",
                assigned_expert=world.expert if _ % 2 else None,
            )

    fill(3)
    few = _count_queries(client, url)
    fill(27)
    many = _count_queries(client, url)
    assert Escalation.objects.count() == 30
    assert few == many


def test_arrangement_list_page_runs_constant_queries_for_3_and_30_rows(client, world):
    client.force_login(world.regisseur)
    url = reverse("arrangements:case_list", args=[world.case.uuid])
    for _ in range(3):
        grant(world)
    few = _count_queries(client, url)
    world.mandate.max_per_household_year = D("1000000")
    world.mandate.save()
    for _ in range(27):
        grant(world)
    _escalate(world)
    many = _count_queries(client, url)
    assert few == many


def test_reviews_page_constant_queries_and_insufficient_on_top(client, world):
    client.force_login(world.regisseur)
    url = reverse("arrangements:reviews")
    world.mandate.max_per_household_year = D("1000000")
    world.mandate.save()
    rows = [grant(world) for _ in range(3)]
    Arrangement.objects.update(review_due_since=timezone.localdate())
    few = _count_queries(client, url)
    rows += [grant(world) for _ in range(27)]
    Arrangement.objects.update(review_due_since=timezone.localdate())
    services.arrangement_mark_insufficient(
        actor=world.regisseur, arrangement=rows[-1], note="Meer uren nodig volgens aanbieder."
    )
    many = _count_queries(client, url)
    assert few == many
    response = client.get(url)
    assert response.context["rows"][0].pk == rows[-1].pk


def test_section_template_and_context(rf, world):
    grant(world)
    _escalate(world)
    request = rf.get("/")
    request.user = world.regisseur
    context = section_context(request=request, case=world.case)
    assert len(context["arrangements"]) == 2 and len(context["escalations"]) == 1 and context["can_write"]
    html = render_to_string("arrangements/_section.html", context | {"case": world.case}, request=request)
    assert "Begeleiding individueel" in html and "Besluit buiten mandaat" in html


def test_registry_has_the_section_and_worklist_items(world):
    from socialdomain.registry import case_sections, worklist_items

    assert "voorzieningen" in [s.key for s in case_sections()]
    keys = [i.key for i in worklist_items(roles=[Role.REGISSEUR])]
    assert "arrangements-escalations" in keys and "arrangements-reviews" in keys
    _escalate(world)
    item = next(i for i in worklist_items(roles=[Role.REGISSEUR]) if i.key == "arrangements-escalations")
    rows = list(item.rows(user=world.regisseur))
    assert rows and rows[0].label.startswith(f"Dossier {world.case.number}")
    expert_item = next(i for i in worklist_items(roles=[Role.EXPERT]) if i.key == "arrangements-queue")
    assert len(list(expert_item.rows(user=world.expert))) == 1


def test_overdue_escalations_are_marked_in_the_queue(client, world):
    escalation = _escalate(world)
    Escalation.objects.filter(pk=escalation.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(world.expert)
    assert "te laat" in client.get(reverse("arrangements:escalations")).content.decode()


def test_the_queue_is_404_for_non_experts(client, world):
    client.force_login(world.regisseur)
    assert client.get(reverse("arrangements:escalations")).status_code == 404


def test_expert_decides_over_http_then_loses_access(client, world):
    escalation = _escalate(world)
    client.force_login(world.expert)
    url = reverse("arrangements:escalation_besluit", args=[world.case.uuid, escalation.uuid])
    bad = client.post(url, {"granted": "1", "legal_basis": "", "motivation": ""})
    assert bad.status_code == 200 and "Dit veld is vereist." in bad.content.decode()
    escalation.arrangement.refresh_from_db()
    assert escalation.arrangement.status == ArrangementStatus.REQUESTED
    response = client.post(
        url,
        {
            "granted": "1",
            "legal_basis": "artikel 2.3.5 Wmo 2015",
            "motivation": "Begeleiding is noodzakelijk.",
            "period_start": escalation.arrangement.start_date.isoformat(),
            "period_end": escalation.arrangement.end_date.isoformat(),
            "volume": "2",
        },
    )
    assert response.status_code == 302 and response.url == reverse("arrangements:escalations")
    escalation.arrangement.refresh_from_db()
    assert escalation.arrangement.status == ArrangementStatus.GRANTED
    assert client.post(url, {"granted": "1"}).status_code == 404
