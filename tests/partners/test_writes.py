"""POST acknowledge (301), start (305), stop (307): date rules, idempotency, audit, budget release."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement, CommitmentMonth
from audit.models import AuditEvent, EventKind
from partners.constants import MessageKind
from partners.models import IdempotencyRecord, ProviderMessage
from tests.partners.conftest import api_for
from tests.partners.factories import allocation_create, allocation_through_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def problem_fields(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "application/problem+json", response.content
    return {p["name"] for p in response.json()["invalidParams"]}


def test_acknowledge_records_301_once_and_shows_it(world, api, partner):
    allocation = allocation_create(world)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key="ack-1")
    assert response.status_code == 200
    assert response.json()["acknowledged"]["receivedAt"]
    again = api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key="ack-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert ProviderMessage.objects.filter(arrangement=allocation, kind=MessageKind.ACKNOWLEDGED).count() == 1
    other_key = api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key="ack-2")
    assert other_key.status_code == 409
    write = AuditEvent.objects.get(action="partner_acknowledge")
    assert write.case_uuid == world.case.uuid and write.client == partner.client_id and write.actor is None


def test_start_through_the_arrangement_service(world, api):
    allocation = allocation_through_services(world)
    day = allocation.start_date + dt.timedelta(days=1)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(day)})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "started"
    assert response.json()["started"]["date"] == str(day)
    allocation.refresh_from_db()
    assert allocation.status == ArrangementStatus.STARTED
    event = AuditEvent.objects.get(action="arrangement_start", case_uuid=world.case.uuid)
    assert event.organisation_id == world.provider.pk and event.actor is None


@pytest.mark.parametrize(
    "offset, reason",
    [(-1, "before the allocation's start"), ("future", "in the future"), ("after_end", "after the end")],
)
def test_bad_start_date_is_422_with_invalid_params_and_books_nothing(world, api, offset, reason):
    allocation = allocation_create(world, end_date=TODAY() + dt.timedelta(days=30))
    if offset == "future":
        day = TODAY() + dt.timedelta(days=1)
    elif offset == "after_end":
        allocation.end_date = TODAY() - dt.timedelta(days=1)
        allocation.save(update_fields=["end_date"])
        day = TODAY()
    else:
        day = allocation.start_date - dt.timedelta(days=1)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(day)}, key="s-1")
    assert response.status_code == 422, reason
    assert problem_fields(response) == {"startDate"}
    allocation.refresh_from_db()
    assert allocation.status == ArrangementStatus.ALLOCATED
    assert not ProviderMessage.objects.filter(arrangement=allocation).exists()
    assert not IdempotencyRecord.objects.exists()  # the key is free for the corrected retry
    ok = api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(allocation.start_date)}, key="s-1")
    assert ok.status_code == 200


def test_malformed_body_is_400_with_invalid_params(world, api):
    allocation = allocation_create(world)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": "morgen"})
    assert response.status_code == 400 and problem_fields(response) == {"startDate"}
    response = api.http.post(
        f"/api/v1/allocations/{allocation.uuid}/start",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=api.auth,
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    response = api.http.post(
        f"/api/v1/allocations/{allocation.uuid}/start", "a=b", content_type="text/plain", HTTP_AUTHORIZATION=api.auth
    )
    assert response.status_code == 415


def test_missing_idempotency_key_is_400(world, api):
    allocation = allocation_create(world)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key=None)
    assert response.status_code == 400 and problem_fields(response) == {"Idempotency-Key"}


def test_same_start_twice_with_same_key_is_booked_once(world, api):
    allocation = allocation_through_services(world)
    body = {"startDate": str(allocation.start_date)}
    first = api.post(f"/api/v1/allocations/{allocation.uuid}/start", body, key="start-1")
    second = api.post(f"/api/v1/allocations/{allocation.uuid}/start", body, key="start-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert ProviderMessage.objects.filter(arrangement=allocation).count() == 1
    assert AuditEvent.objects.filter(action="arrangement_start", kind=EventKind.WRITE).count() == 1


def test_same_key_with_another_body_is_422(world, api):
    allocation = allocation_through_services(world)
    api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(allocation.start_date)}, key="k")
    other = {"startDate": str(allocation.start_date + dt.timedelta(days=1))}
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/start", other, key="k")
    assert response.status_code == 422 and problem_fields(response) == {"Idempotency-Key"}
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key="k")  # another path
    assert response.status_code == 422


def test_keys_are_per_client(world, api, other_partner):
    mine = allocation_create(world)
    theirs = allocation_create(world, provider=other_partner.organisation)
    assert api.post(f"/api/v1/allocations/{mine.uuid}/acknowledge", {}, key="same").status_code == 200
    other_api = api_for(other_partner)
    assert other_api.post(f"/api/v1/allocations/{theirs.uuid}/acknowledge", {}, key="same").status_code == 200


def test_stop_releases_the_rest_of_the_commitment(world, api):
    allocation = allocation_through_services(world, start=TODAY() - dt.timedelta(days=40))
    before = sum(m.amount for m in CommitmentMonth.objects.filter(arrangement=allocation))
    api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(allocation.start_date)}, key="a")
    stop = {"stopDate": str(TODAY() - dt.timedelta(days=1)), "reason": "goal_reached"}
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/stop", stop, key="b")
    assert response.status_code == 200, response.content
    assert response.json()["stopped"]["reason"] == "goal_reached"
    allocation.refresh_from_db()
    assert allocation.status == ArrangementStatus.STOPPED and allocation.stopped_on == TODAY() - dt.timedelta(days=1)
    after = sum(m.amount for m in CommitmentMonth.objects.filter(arrangement=allocation))
    assert after < before
    again = api.post(f"/api/v1/allocations/{allocation.uuid}/stop", stop, key="b")
    assert again.status_code == 200 and again.json() == response.json()
    assert AuditEvent.objects.filter(action="arrangement_stop").count() == 1


def test_bad_stop_dates_and_reason(world, api):
    allocation = allocation_create(world, status=ArrangementStatus.STARTED, end_date=TODAY() - dt.timedelta(days=2))
    url = f"/api/v1/allocations/{allocation.uuid}/stop"
    future = api.post(url, {"stopDate": str(TODAY() + dt.timedelta(days=1)), "reason": "moved"}, key="1")
    assert future.status_code == 422 and problem_fields(future) == {"stopDate"}
    after_end = api.post(url, {"stopDate": str(TODAY()), "reason": "moved"}, key="2")
    assert after_end.status_code == 422 and problem_fields(after_end) == {"stopDate"}
    reason = api.post(url, {"stopDate": str(TODAY()), "reason": "bored"}, key="3")
    assert reason.status_code == 400 and problem_fields(reason) == {"reason"}
    allocation.refresh_from_db()
    assert allocation.status == ArrangementStatus.STARTED


def test_stop_before_start_is_409(world, api):
    allocation = allocation_create(world)
    response = api.post(f"/api/v1/allocations/{allocation.uuid}/stop", {"stopDate": str(TODAY()), "reason": "moved"})
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_book_once(world, partner):
    allocation = allocation_through_services(world)
    api = api_for(partner)
    body = {"startDate": str(allocation.start_date)}
    results: list[int] = []

    def send() -> None:
        try:
            results.append(api.post(f"/api/v1/allocations/{allocation.uuid}/start", body, key="race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200, 200]
    assert ProviderMessage.objects.filter(arrangement=allocation).count() == 1
    assert Arrangement.objects.get(pk=allocation.pk).status == ArrangementStatus.STARTED
