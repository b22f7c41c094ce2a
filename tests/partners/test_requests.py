"""Requests for an allocation (315): on the worklist of the case's regisseur only, on the
case's Voorzieningen tab for who may read the case, handled by the regisseur."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from arrangements import services as arrangement_services
from arrangements.constants import ArrangementStatus, StopReason
from audit.models import AuditEvent, EventKind
from partners.declaration_models import AllocationRequest, RequestStatus
from partners.sections import request_rows
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.partners.conftest import api_for
from tests.partners.declaration_factories import allocation_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/allocation-requests"


@pytest.fixture
def allocation(world):  # type: ignore[no-untyped-def]
    end = timezone.localdate() + dt.timedelta(days=60)
    return allocation_create(world, start=timezone.localdate() - dt.timedelta(days=30), end=end)


def ask(api, allocation, key="req-1", **overrides):  # type: ignore[no-untyped-def]
    body = {"allocationId": str(allocation.uuid), "kind": "volume", "volume": "4.00", "motivation": "Meer uren nodig."}
    return api.post(URL, body | overrides, key=key)


def test_a_request_lands_on_the_worklist_of_the_cases_regisseur_only(api, world, allocation, make_user):
    response = ask(api, allocation)
    assert response.status_code == 201, response.content
    request = AllocationRequest.objects.get(uuid=response.json()["id"])
    assert request.status == RequestStatus.OPEN and request.organisation == world.provider

    (row,) = request_rows(user=world.regisseur)
    assert world.case.number in str(row.label) and row.detail == world.provider.name
    other_regisseur = make_user(Role.REGISSEUR, team=world.team)
    teamleider = make_user(Role.TEAMLEIDER, team=world.team)
    assert list(request_rows(user=other_regisseur)) == [] and list(request_rows(user=teamleider)) == []


def test_the_home_page_shows_the_request_to_the_regisseur(client, api, world, allocation):
    ask(api, allocation)
    client.force_login(world.regisseur)
    page = client.get(reverse("home")).content.decode()
    assert "Verzoeken van aanbieders" in page and world.case.number in page


def test_the_request_is_on_the_voorzieningen_tab_and_the_regisseur_marks_it_handled(client, api, world, allocation):
    ask(api, allocation)
    request = AllocationRequest.objects.get()
    client.force_login(world.regisseur)
    tab = client.get(reverse("cases:section", args=[world.case.uuid, "voorzieningen"])).content.decode()
    assert "Meer uren nodig." in tab and "Markeer als afgehandeld" in tab
    url = reverse("partners:request_handle", args=[world.case.uuid, request.uuid])
    response = client.post(url)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.HANDLED and request.handled_by == world.regisseur
    assert client.post(url).status_code == 302  # twice: still handled once
    assert AuditEvent.objects.filter(action="partner_allocation_request_handle").count() == 1
    assert list(request_rows(user=world.regisseur)) == []


def test_a_colleague_without_access_gets_404_and_sees_nothing(client, api, world, allocation):
    ask(api, allocation)
    request = AllocationRequest.objects.get()
    stranger = UserFactory()
    MembershipFactory(user=stranger, team=world.team, role=Role.REGISSEUR)
    client.force_login(stranger)
    assert client.get(reverse("cases:section", args=[world.case.uuid, "voorzieningen"])).status_code == 404
    assert client.post(reverse("partners:request_handle", args=[world.case.uuid, request.uuid])).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_the_request_is_audited_on_the_case_with_organisation_and_client(api, world, allocation, partner):
    ask(api, allocation)
    event = AuditEvent.objects.get(action="partner_allocation_request")
    assert event.kind == EventKind.WRITE and event.case_uuid == world.case.uuid
    assert event.organisation_id == world.provider.pk and event.client == partner.client_id


@pytest.mark.parametrize(
    ("overrides", "drop", "status", "name"),
    [
        ({"kind": "volume"}, "volume", 422, "volume"),
        ({"volume": "-1"}, "", 422, "volume"),
        ({"kind": "nonsense"}, "", 422, "kind"),
        ({"motivation": "x" * 2001}, "", 422, "motivation"),
        ({"motivation": "Meer\u202euren"}, "", 422, "motivation"),
        ({"kind": "extension"}, "", 422, "endDate"),
        ({"kind": "extension", "endDate": "2020-01-01"}, "", 422, "endDate"),
        ({"kind": "other_product"}, "", 422, "productCode"),
        ({"allocationId": "not-a-uuid"}, "", 422, "allocationId"),
        ({}, "motivation", 422, "motivation"),
    ],
)
def test_bad_requests_are_problems_with_invalid_params_and_save_nothing(api, allocation, overrides, drop, status, name):
    body = {"allocationId": str(allocation.uuid), "kind": "volume", "volume": "4.00", "motivation": "M"} | overrides
    body.pop(drop, None)
    response = api.post(URL, body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert name in [p["name"] for p in response.json()["invalidParams"]]
    assert not AllocationRequest.objects.exists()


def test_an_extension_with_a_later_end_is_accepted(api, allocation):
    end = (allocation.end_date + dt.timedelta(days=90)).isoformat()
    response = ask(api, allocation, kind="extension", endDate=end)
    assert response.status_code == 201 and AllocationRequest.objects.get().end_date.isoformat() == end


def test_another_providers_or_a_missing_allocation_is_404(world, allocation, other_partner):
    api = api_for(other_partner)
    assert ask(api, allocation, key="x").status_code == 404
    assert ask(api, allocation, key="y", allocationId=str(uuid.uuid4())).status_code == 404
    assert not AllocationRequest.objects.exists()


def test_a_stopped_allocation_takes_no_requests(api, world, allocation):
    arrangement_services.arrangement_stop(
        actor=world.regisseur, arrangement=allocation, stop_date=timezone.localdate(), reason=StopReason.GOAL_REACHED
    )
    response = ask(api, allocation)
    assert response.status_code == 422 and response.json()["invalidParams"][0]["name"] == "allocationId"


def test_a_granted_but_not_allocated_arrangement_is_404(api, world):
    granted = allocation_create(
        world,
        status=ArrangementStatus.GRANTED,
        start=timezone.localdate(),
        end=timezone.localdate() + dt.timedelta(days=30),
    )
    assert ask(api, granted).status_code == 404


def test_the_same_key_twice_records_one_request(api, allocation):
    first = ask(api, allocation, key="same")
    second = ask(api, allocation, key="same")
    assert first.json() == second.json() and AllocationRequest.objects.count() == 1
