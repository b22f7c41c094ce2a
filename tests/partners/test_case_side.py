"""The regisseur's side: the case's "Aanbieders" tab and the "start overdue" worklist item."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrangements.services import working_days_after
from partners import selectors
from tests.partners.factories import allocation_create

pytestmark = pytest.mark.django_db


def test_case_tab_shows_acknowledgement_start_and_stop_reported_by_the_provider(world, api, client):
    allocation = allocation_create(world, start_date=timezone.localdate() - dt.timedelta(days=3))
    api.post(f"/api/v1/allocations/{allocation.uuid}/acknowledge", {}, key="a")
    api.post(f"/api/v1/allocations/{allocation.uuid}/start", {"startDate": str(allocation.start_date)}, key="b")
    client.force_login(world.regisseur)
    response = client.get(f"/dossiers/{world.case.uuid}/aanbieders/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.provider.name in html
    assert f"per {allocation.start_date:%d-%m-%Y}" in html or "per " in html
    assert "nog niet" not in html.split("<tbody>")[1].split("</td>")[3]  # acknowledged


def test_case_tab_queries_do_not_grow_with_allocations(world, client):
    client.force_login(world.regisseur)

    def count(n: int) -> int:
        for _ in range(n):
            allocation_create(world)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/dossiers/{world.case.uuid}/aanbieders/").status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(10)


def test_start_overdue_after_five_working_days(world):
    today = timezone.localdate()
    base = selectors.latest_overdue_base(today)
    assert working_days_after(base, 5) < today <= working_days_after(base + dt.timedelta(days=1), 5)
    late = allocation_create(world, start_date=base, allocated_at=timezone.now() - dt.timedelta(days=30))
    allocation_create(
        world, start_date=base + dt.timedelta(days=1), allocated_at=timezone.now() - dt.timedelta(days=30)
    )
    assert [a.pk for a in selectors.starts_overdue(user=world.regisseur)] == [late.pk]


def test_worklist_shows_overdue_start_on_home_page(world, client):
    long_ago = timezone.now() - dt.timedelta(days=20)
    allocation_create(world, start_date=timezone.localdate() - dt.timedelta(days=20), allocated_at=long_ago)
    allocation_create(world, start_date=timezone.localdate() - dt.timedelta(days=20))  # allocated today: in time
    client.force_login(world.regisseur)
    html = client.get("/").content.decode()
    assert "Start van zorg niet gemeld" in html
    assert html.count(f"Dossier {world.case.number}: geen startbericht") == 1
