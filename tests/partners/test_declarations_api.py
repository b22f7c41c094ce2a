"""POST /api/v1/declarations: the 304 answer per line, idempotency, problem+json for bad
input, no oracle for another provider's allocation, constant queries per batch."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from budget.models import LedgerEntry
from partners.constants import Scope
from partners.declarations import SOURCE_KIND
from tests.partners.conftest import api_for, make_partner
from tests.partners.declaration_factories import allocation_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations"


def body_line(allocation, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "allocationId": str(allocation.uuid),
        "reference": f"R-{uuid.uuid4().hex[:12]}",
        "periodStart": "2026-02-01",
        "periodEnd": "2026-02-28",
        "productCode": "",
        "volume": "2.50",
        "amount": "150.00",
    }
    return data | overrides


def booked() -> list[Decimal]:
    return sorted(LedgerEntry.objects.filter(source_kind=SOURCE_KIND).values_list("amount", flat=True))


@pytest.fixture
def allocation(world):  # type: ignore[no-untyped-def]
    return allocation_create(world)


def test_lines_are_answered_per_line_and_accepted_ones_booked(api, allocation, partner):
    response = api.post(URL, {"lines": [body_line(allocation), body_line(allocation, amount="149.99")]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["linesTotal"] == 2 and body["linesAccepted"] == 1
    first, second = body["lines"]
    assert first["status"] == "accepted" and first["reasonCode"] == "0000" and first["reason"] == ""
    assert second["status"] == "refused" and second["reasonCode"] == "8010"
    assert second["reason"] == "Het bedrag is niet gelijk aan omvang maal het geldende tarief."
    assert booked() == [Decimal("150.00")]
    event = AuditEvent.objects.get(action="partner_declaration_receive")
    assert event.organisation_id == partner.organisation.pk and event.client == partner.client_id


def test_numbers_are_accepted_as_json_numbers_with_two_decimals(api, allocation):
    response = api.post(URL, {"lines": [body_line(allocation, volume=2.5, amount=150)]})
    assert response.json()["lines"][0]["status"] == "accepted"


def test_the_same_key_and_body_twice_books_once(api, allocation):
    payload = {"lines": [body_line(allocation)]}
    first = api.post(URL, payload, key="decl-1")
    second = api.post(URL, payload, key="decl-1")
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert booked() == [Decimal("150.00")]


def test_the_same_key_with_another_body_is_422(api, allocation):
    api.post(URL, {"lines": [body_line(allocation)]}, key="decl-2")
    response = api.post(URL, {"lines": [body_line(allocation, volume="1.00", amount="60.00")]}, key="decl-2")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "Idempotency-Key"
    assert booked() == [Decimal("150.00")]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ({"volume": "abc"}, "lines.0.volume"),
        ({"volume": "1.234"}, "lines.0.volume"),
        ({"amount": None}, "lines.0.amount"),
        ({"amount": True}, "lines.0.amount"),
        ({"periodStart": "2026-02-30"}, "lines.0.periodStart"),
        ({"periodStart": "01-02-2026"}, "lines.0.periodStart"),
        ({"reference": ""}, "lines.0.reference"),
        ({"reference": "R\u202e1"}, "lines.0.reference"),
        ({"reference": "x" * 41}, "lines.0.reference"),
        ({"productCode": "abc"}, "lines.0.productCode"),
        ({"allocationId": 12}, "lines.0.allocationId"),
    ],
)
def test_malformed_lines_are_422_with_invalid_params_and_book_nothing(api, allocation, line, name):
    response = api.post(URL, {"lines": [body_line(allocation), body_line(allocation, **line)]})
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == [name.replace("0", "1", 1)]
    assert booked() == []


@pytest.mark.parametrize(("payload", "status"), [({}, 400), ({"lines": "x"}, 400), ([], 400), ({"lines": []}, 422)])
def test_a_body_without_lines_is_a_problem(api, payload, status):
    response = api.post(URL, payload)
    assert response.status_code == status and response.json()["invalidParams"]


def test_a_period_ending_before_it_starts_is_422(api, allocation):
    response = api.post(URL, {"lines": [body_line(allocation, periodStart="2026-02-10", periodEnd="2026-02-01")]})
    assert response.status_code == 422
    assert response.json()["invalidParams"][0]["name"] == "lines.0.periodEnd"
    assert booked() == []


def test_another_providers_allocation_is_refused_without_an_oracle(world, allocation, other_partner):
    api = api_for(other_partner)
    theirs = api.post(URL, {"lines": [body_line(allocation)]}, key="a").json()["lines"][0]
    missing = api.post(URL, {"lines": [body_line(allocation, allocationId=str(uuid.uuid4()))]}, key="b").json()[
        "lines"
    ][0]
    assert theirs["reasonCode"] == missing["reasonCode"] == "8001" and theirs["reason"] == missing["reason"]
    assert booked() == []


def test_declaring_needs_the_declarations_scope(world, allocation):
    api = api_for(make_partner(world, scopes=[Scope.ALLOCATIONS_READ, Scope.CARE_REPORT]))
    response = api.post(URL, {"lines": [body_line(allocation)]})
    assert response.status_code == 403 and booked() == []


def test_without_a_token_it_is_401(client, allocation):
    response = client.post(URL, {"lines": [body_line(allocation)]}, content_type="application/json")
    assert response.status_code == 401 and booked() == []


def test_the_endpoint_runs_the_same_queries_for_5_and_100_lines(api, world):
    from tests.partners.test_declarations import _allocations

    allocations = _allocations(world, 100)
    api.post(URL, {"lines": [body_line(allocations[0])]}, key="warm-up")

    def count(n: int, key: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.post(URL, {"lines": [body_line(a) for a in allocations[:n]]}, key=key)
        assert response.json()["linesAccepted"] == n
        return len(ctx.captured_queries)

    assert count(5, "five") == count(100, "hundred")
