"""Progress reports: input rules, the allocation's goal only, on the case timeline and the
Voorzieningen tab (read through case_view), never for someone else's allocation."""

import uuid

import pytest
from django.urls import reverse

from arrangements.models import Arrangement
from audit.models import AuditEvent, EventKind
from partners.declaration_models import ProgressGoalStatus, ProgressReport
from tests.partners.conftest import api_for
from tests.partners.declaration_factories import allocation_create

pytestmark = pytest.mark.django_db


def url(allocation) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/allocations/{allocation.uuid}/progress-reports"


@pytest.fixture
def allocation(world):  # type: ignore[no-untyped-def]
    allocation = allocation_create(world)
    Arrangement.objects.filter(pk=allocation.pk).update(goal_lineage=uuid.uuid4())
    allocation.refresh_from_db()
    return allocation


def test_a_report_is_stored_with_the_status_of_its_goal(api, allocation):
    body = {
        "text": "Gaat goed.\nMoeder doet de boodschappen weer zelf.",
        "goals": [{"goal": str(allocation.goal_lineage), "status": "on_track"}],
    }
    response = api.post(url(allocation), body)
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(uuid=response.json()["id"])
    assert report.text == body["text"] and report.arrangement == allocation
    assert ProgressGoalStatus.objects.get(report=report).status == "on_track"


def test_the_report_is_on_the_timeline_and_the_voorzieningen_tab(client, api, world, allocation):
    api.post(url(allocation), {"text": "Eerste rapportage: start verliep goed."})
    event = AuditEvent.objects.get(action="partner_progress_report")
    assert event.kind == EventKind.WRITE and event.case_uuid == world.case.uuid
    assert event.organisation_id == world.provider.pk and "Eerste" not in str(event.changes)
    client.force_login(world.regisseur)
    timeline = client.get(reverse("cases:section", args=[world.case.uuid, "tijdlijn"])).content.decode()
    assert "Voortgangsrapportage ontvangen van de aanbieder" in timeline and world.provider.name in timeline
    reads = AuditEvent.objects.filter(kind=EventKind.READ, case_uuid=world.case.uuid).count()
    tab = client.get(reverse("cases:section", args=[world.case.uuid, "voorzieningen"])).content.decode()
    assert "Eerste rapportage: start verliep goed." in tab
    assert AuditEvent.objects.filter(kind=EventKind.READ, case_uuid=world.case.uuid).count() == reads + 1


@pytest.mark.parametrize(
    ("body", "status", "name"),
    [
        ({"text": ""}, 422, "text"),
        ({"text": "x" * 5001}, 422, "text"),
        ({"text": "Goed\u202egegaan"}, 422, "text"),
        ({"text": "Goed\x00"}, 422, "text"),
        ({"text": "Goed", "goals": [{"goal": "nope", "status": "on_track"}]}, 422, "goals.0.goal"),
        ({"text": "Goed", "goals": [{"goal": str(uuid.uuid4()), "status": "on_track"}]}, 422, "goals.0.goal"),
        ({"text": "Goed", "goals": [{"goal": "GOAL", "status": "great"}]}, 422, "goals.0.status"),
    ],
)
def test_bad_reports_are_problems_and_save_nothing(api, allocation, body, status, name):
    if body.get("goals") and body["goals"][0]["goal"] == "GOAL":
        body = {"text": "Goed", "goals": [{"goal": str(allocation.goal_lineage), "status": "great"}]}
    response = api.post(url(allocation), body)
    assert response.status_code == status, response.content
    assert name in [p["name"] for p in response.json()["invalidParams"]]
    assert not ProgressReport.objects.exists()


def test_another_providers_allocation_is_404(world, allocation, other_partner):
    api = api_for(other_partner)
    assert api.post(url(allocation), {"text": "Hallo"}).status_code == 404
    assert (
        api.post(f"/api/v1/allocations/{uuid.uuid4()}/progress-reports", {"text": "Hallo"}, key="k2").status_code == 404
    )
    assert not ProgressReport.objects.exists()


def test_a_restricted_person_is_left_out(api, world, allocation):
    person = allocation.member.person
    person.processing_restricted = True
    person.save(update_fields=["processing_restricted"])
    assert api.post(url(allocation), {"text": "Hallo"}).status_code == 404
