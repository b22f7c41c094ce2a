"""GET /api/v1/allocations(/id): only the client's own allocations, only what the provision needs."""

import datetime as dt
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement
from audit.models import AccessGround, AuditEvent, EventKind
from partners.services import api_client_revoke
from tests.arrangements.factories import world_create
from tests.partners.conftest import api_for, make_partner
from tests.partners.factories import allocation_create, consent, goal_create

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_only_own_organisations_allocations(world, api, other_partner):
    mine = allocation_create(world)
    theirs = allocation_create(world, provider=other_partner.organisation)
    allocation_create(world, allocated_at=None, status=ArrangementStatus.GRANTED)  # not allocated yet
    response = api.get("/api/v1/allocations")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert ids(response) == {str(mine.uuid)}
    assert str(theirs.uuid) not in response.content.decode()


def test_other_organisations_allocation_is_404_by_id_and_guessed_id(world, api, other_partner):
    theirs = allocation_create(world, provider=other_partner.organisation)
    for path in (f"/api/v1/allocations/{theirs.uuid}", f"/api/v1/allocations/{uuid.uuid4()}", "/api/v1/allocations/1"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
    assert api.post(f"/api/v1/allocations/{theirs.uuid}/acknowledge").status_code == 404
    assert (
        api.post(f"/api/v1/allocations/{theirs.uuid}/start", {"startDate": str(theirs.start_date)}).status_code == 404
    )
    assert not theirs.provider_messages.exists()


def test_filters_never_widen_to_other_organisations(world, api, other_partner):
    theirs = allocation_create(world, provider=other_partner.organisation)
    for params in (
        {"status": "allocated"},
        {"changedSince": "2000-01-01T00:00:00Z"},
        {"productCode": theirs.item.product_code or "X"},
        {"provider": str(other_partner.organisation.pk)},
        {"organisation": str(other_partner.organisation.uuid)},
    ):
        response = api.get("/api/v1/allocations", params)
        assert response.status_code == 200
        assert str(theirs.uuid) not in response.content.decode()


def test_cursor_of_another_client_shows_nothing_of_theirs(world, api, other_partner):
    for _ in range(3):
        allocation_create(world, provider=other_partner.organisation)
    mine = allocation_create(world)
    other_api = api_for(other_partner)
    first = other_api.get("/api/v1/allocations", {"pageSize": 1}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    response = api.get("/api/v1/allocations", {"pageSize": 1, "cursor": cursor})
    assert response.status_code == 200
    assert ids(response) <= {str(mine.uuid)}
    assert api.get("/api/v1/allocations", {"cursor": "not-a-cursor"}).status_code == 404
    # White space decodes (base64 skips it) to no position at all: the first page, never a 400.
    assert ids(api.get("/api/v1/allocations", {"cursor": "\t"})) == {str(mine.uuid)}


def test_cursor_pagination_walks_all_pages(world, api):
    made = {str(allocation_create(world).uuid) for _ in range(5)}
    seen: set[str] = set()
    url, params = "/api/v1/allocations", {"pageSize": 2}
    while url:
        body = api.get(url, params).json()
        seen |= {row["id"] for row in body["results"]}
        url, params = (body["next"].replace("http://testserver", ""), {}) if body["next"] else ("", {})
    assert seen == made


def test_changed_since_and_status_filter(world, api):
    old = allocation_create(world)
    Arrangement.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    started = allocation_create(world, status=ArrangementStatus.STARTED)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(api.get("/api/v1/allocations", {"changedSince": since})) == {str(started.uuid)}
    assert ids(api.get("/api/v1/allocations", {"status": "allocated"})) == {str(old.uuid)}


def test_bad_filter_is_400_problem_with_invalid_params(api):
    response = api.get("/api/v1/allocations", {"changedSince": "gisteren", "status": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"changedSince", "status"}


def test_client_of_another_municipality_sees_nothing(world, api):
    allocation_create(world)
    elsewhere = world_create()
    # The same organisation also works in the other municipality, with a client there.
    world.provider.municipalities.add(elsewhere.team.municipality)
    there = make_partner(elsewhere, world.provider)
    there_api = api_for(there)
    theirs = allocation_create(elsewhere, provider=world.provider)
    assert ids(there_api.get("/api/v1/allocations")) == {str(theirs.uuid)}
    assert str(theirs.uuid) not in api.get("/api/v1/allocations").content.decode()
    assert api.get(f"/api/v1/allocations/{theirs.uuid}").status_code == 404


def test_restricted_person_is_absent_and_404(world, api):
    allocation = allocation_create(world)
    person = world.member.person
    person.processing_restricted = True
    person.save(update_fields=["processing_restricted"])
    assert ids(api.get("/api/v1/allocations")) == set()
    assert api.get(f"/api/v1/allocations/{allocation.uuid}").status_code == 404


def test_no_bsn_unless_the_item_requires_it(world, api):
    person = world.member.person
    person.set_bsn("111222333")
    person.save()
    allocation = allocation_create(world)
    body = api.get(f"/api/v1/allocations/{allocation.uuid}").json()
    assert "bsn" not in body["client"] and "111222333" not in str(body)
    world.item.bsn_required = True
    world.item.save(update_fields=["bsn_required"])
    assert api.get(f"/api/v1/allocations/{allocation.uuid}").json()["client"]["bsn"] == "111222333"


def test_fields_of_an_allocation(world, api):
    allocation = allocation_create(world)
    body = api.get(f"/api/v1/allocations/{allocation.uuid}").json()
    assert body["executionVariant"] == "inspanningsgericht"
    assert body["volume"] == "2.00" and body["unit"] == "hour" and body["frequency"] == "week"
    assert body["period"] == {"start": str(allocation.start_date), "end": str(allocation.end_date)}
    assert body["tariff"]["amount"] == "60.00"
    assert body["acknowledged"] is None and body["started"] is None and body["stopped"] is None
    for private in ("case", "household", "firstName", "lastName", "birthDate", "notes"):
        assert private not in body


def test_plan_goal_only_with_consent_for_that_organisation_and_gone_on_withdrawal(world, api, other_partner):
    goal = goal_create(world)
    allocation = allocation_create(world, goal_lineage=goal.lineage)
    url = f"/api/v1/allocations/{allocation.uuid}"
    assert "planGoals" not in api.get(url).json()
    consent(world, other_partner.organisation, given=True)  # consent for another organisation only
    assert "planGoals" not in api.get(url).json()
    consent(world, world.provider, given=True)
    body = api.get(url).json()
    assert body["planGoals"] == [
        {
            "domain": "finances",
            "description": "Weer zelf de administratie doen",
            "targetScore": 4,
            "targetDate": str(goal.target_date),
        }
    ]
    assert "Weer zelf de administratie doen" in api.get("/api/v1/allocations").content.decode()
    consent(world, world.provider, given=False)  # withdrawn: a newer row
    assert "planGoals" not in api.get(url).json()
    assert "administratie" not in api.get("/api/v1/allocations").content.decode()


def test_every_read_is_in_the_cases_access_log_with_organisation_and_client(world, api, partner):
    goal = goal_create(world)
    allocation = allocation_create(world, goal_lineage=goal.lineage)
    api.get("/api/v1/allocations")
    consent(world, world.provider, given=True)
    api.get(f"/api/v1/allocations/{allocation.uuid}")
    reads = list(AuditEvent.objects.filter(case_uuid=world.case.uuid, kind=EventKind.READ, client=partner.client_id))
    assert [(r.view, r.ground) for r in sorted(reads, key=lambda r: r.pk)] == [
        ("partners_api:allocation_list", AccessGround.PARTNER_ALLOCATION),
        ("partners_api:allocation_detail", AccessGround.PARTNER_CONSENT),
    ]
    assert all(r.actor_id is None and r.organisation_id == world.provider.pk for r in reads)


def test_revoked_client_gets_401_at_once(world, api, partner):
    allocation_create(world)
    assert api.get("/api/v1/allocations").status_code == 200
    api_client_revoke(actor=None, client=partner.client)
    response = api.get("/api/v1/allocations")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response["WWW-Authenticate"]


def test_no_token_401_and_missing_scope_403(world):
    from django.test import Client

    assert Client().get("/api/v1/allocations").status_code == 401
    writer = make_partner(world, scopes=["declarations:write"])
    response = api_for(writer).get("/api/v1/allocations")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_method_not_allowed_is_405_problem(api):
    response = api.http.delete("/api/v1/allocations", HTTP_AUTHORIZATION=api.auth)
    assert response.status_code == 405 and response["Content-Type"] == "application/problem+json"


def test_list_runs_constant_queries_for_5_and_100_allocations(world, api):
    goal = goal_create(world)
    consent(world, world.provider, given=True)
    api.get("/api/v1/allocations")  # the client's last use is written at most once a minute

    def count(n: int) -> int:
        Arrangement.objects.filter(provider=world.provider).update(allocated_at=None)
        for _ in range(n):
            allocation_create(world, goal_lineage=goal.lineage)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/allocations", {"pageSize": 100})
        assert len(response.json()["results"]) == n
        return len(ctx.captured_queries)

    assert count(5) == count(100)


def test_case_access_log_page_names_the_organisation_and_client_in_dutch(world, api, partner, client):
    allocation_create(world)
    api.get("/api/v1/allocations")
    client.force_login(world.regisseur)
    response = client.get(f"/dossiers/{world.case.uuid}/logboek/")
    html = response.content.decode()
    assert response.status_code == 200
    assert world.provider.name in html and f"API-client {partner.client_id}" in html
    assert "Partner-API: toewijzingen" in html
    assert "Toewijzing aan de aanbieder" in html
