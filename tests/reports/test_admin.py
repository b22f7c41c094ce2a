"""Municipality staff keep their own quarterly schedule in the admin; beat reads it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django_celery_beat.models import PeriodicTask

from accounts.demo import functional_admin_group
from audit.models import AuditEvent
from reports import services
from reports.models import QuarterlySchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(report_world):  # type: ignore[no-untyped-def]
    user = report_world.staff_l
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    group: Group = functional_admin_group()
    user.groups.add(group)
    services.quarterly_schedules_ensure()
    return user


def test_staff_edit_their_municipality_schedule_and_the_beat_entry_follows(client, report_world, staff):
    client.force_login(staff)
    listing = client.get("/beheer/reports/quarterlyschedule/")
    assert listing.status_code == 200
    lochem = QuarterlySchedule.objects.get(municipality=report_world.lochem)
    zutphen = QuarterlySchedule.objects.get(municipality=report_world.zutphen)
    assert list(listing.context["cl"].queryset) == [lochem]

    url = f"/beheer/reports/quarterlyschedule/{lochem.pk}/change/"
    response = client.post(url, {"day_of_month": "5", "hour": "7", "enabled": "on"})
    assert response.status_code == 302
    task = PeriodicTask.objects.select_related("crontab").get(pk=lochem.periodic_task_id)
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.month_of_year) == ("5", "7", "1,4,7,10")
    assert task.enabled and json.loads(task.kwargs) == {"municipality_id": report_world.lochem.pk}
    assert AuditEvent.objects.filter(action="report_schedule_change", actor=staff).count() == 1

    client.post(url, {"day_of_month": "5", "hour": "7"})  # switched off
    task.refresh_from_db()
    assert not task.enabled

    # Another municipality's schedule looks missing.
    other = f"/beheer/reports/quarterlyschedule/{zutphen.pk}/change/"
    assert client.get(other).status_code == 404
    assert client.post(other, {"day_of_month": "9", "hour": "1", "enabled": "on"}).status_code == 404
    zutphen.refresh_from_db()
    assert zutphen.day_of_month == 2


def test_a_day_outside_1_to_28_is_refused_with_a_dutch_message(client, report_world, staff):
    client.force_login(staff)
    lochem = QuarterlySchedule.objects.get(municipality=report_world.lochem)
    response = client.post(
        f"/beheer/reports/quarterlyschedule/{lochem.pk}/change/", {"day_of_month": "31", "hour": "6", "enabled": "on"}
    )
    assert response.status_code == 200
    assert "28" in str(response.context["adminform"].form.errors["day_of_month"])
    assert "waarde" in str(response.context["adminform"].form.errors["day_of_month"])
    lochem.refresh_from_db()
    assert lochem.day_of_month == 2


def test_staff_never_reach_celery_beats_own_periodic_tasks(client, staff):
    client.force_login(staff)
    task = PeriodicTask.objects.filter(task="reports.tasks.quarterly_report").first()
    assert task is not None
    assert client.get("/beheer/django_celery_beat/periodictask/").status_code == 404
    assert client.get(f"/beheer/django_celery_beat/periodictask/{task.pk}/change/").status_code == 404
    assert client.get("/beheer/django_celery_beat/crontabschedule/").status_code == 404


def test_ensuring_the_schedules_twice_changes_nothing(report_world):
    assert services.quarterly_schedules_ensure() == 2
    assert services.quarterly_schedules_ensure() == 0
    assert PeriodicTask.objects.filter(task="reports.tasks.quarterly_report").count() == 2
