"""Who sees and downloads which report: 404 for everyone else, every download audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, EventKind
from reports import services
from reports.constants import RunStatus
from reports.models import ReportRun
from reports.periods import previous_quarter_start

pytestmark = pytest.mark.django_db(databases=["default", "reporting"])

FORMATS = ("pdf", "csv", "json")


@pytest.fixture
def done_runs(report_world):  # type: ignore[no-untyped-def]
    """A done team run of team A and a done quarterly run of Lochem and of Zutphen."""
    team_run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    services.report_run_execute(run_id=team_run.pk)
    start = previous_quarter_start(timezone.localdate())
    quarterly = {}
    for m in (report_world.lochem, report_world.zutphen):
        run = services.quarterly_run_ensure(municipality_id=m.pk, period_start=start)
        services.report_run_execute(run_id=run.pk)
        quarterly[m.name] = run
    return {"team": ReportRun.objects.get(pk=team_run.pk), **quarterly}


def _urls(run: ReportRun) -> list[str]:
    return [
        reverse("reports:detail", args=[run.uuid]),
        reverse("reports:progress", args=[run.uuid]),
        *(reverse("reports:download", args=[run.uuid, fmt]) for fmt in FORMATS),
    ]


@pytest.mark.parametrize("who", ["leader_b", "regisseur_a", "expert", "partner", "controller_z", "leader_z"])
def test_a_team_report_answers_404_to_everyone_but_its_leaders_and_the_municipality(
    client, report_world, done_runs, who
):
    client.force_login(getattr(report_world, who))
    for url in _urls(done_runs["team"]):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(view="reports:download").exists()


@pytest.mark.parametrize("who", ["leader_a", "leader_b", "regisseur_a", "partner", "controller_z", "leader_z"])
def test_a_quarterly_report_answers_404_to_everyone_outside_the_municipality_office(
    client, report_world, done_runs, who
):
    client.force_login(getattr(report_world, who))
    for url in _urls(done_runs["Lochem"]):
        assert client.get(url).status_code == 404, url


def test_a_missing_run_answers_the_same_404(client, report_world, done_runs):
    import uuid

    client.force_login(report_world.controller_l)
    for fmt in FORMATS:
        assert client.get(reverse("reports:download", args=[uuid.uuid4(), fmt])).status_code == 404
    # A format that does not exist is not a route at all: the same 404.
    assert client.get(f"/rapportages/{done_runs['Lochem'].uuid}/download/xlsx/").status_code == 404


@pytest.mark.parametrize(
    ("who", "runs"),
    [("leader_a", ["team"]), ("controller_l", ["team", "Lochem"]), ("staff_l", ["team", "Lochem"]),
     ("controller_z", ["Zutphen"])],
)  # fmt: skip
def test_leaders_staff_and_controllers_download_and_each_download_is_audited(
    client, report_world, done_runs, who, runs
):
    user = getattr(report_world, who)
    client.force_login(user)
    for key in runs:
        run = done_runs[key]
        assert client.get(reverse("reports:detail", args=[run.uuid])).status_code == 200
        for fmt in FORMATS:
            response = client.get(reverse("reports:download", args=[run.uuid, fmt]))
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Cache-Control"] == "no-store"
            body = b"".join(response.streaming_content)
            assert body
        events = AuditEvent.objects.filter(actor=user, view="reports:download", target_id=str(run.uuid))
        assert events.count() == 3
        assert set(events.values_list("purpose", flat=True)) == set(FORMATS)
        assert set(events.values_list("kind", flat=True)) == {EventKind.READ}


def test_a_run_that_is_not_done_has_no_download(client, report_world):
    run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    client.force_login(report_world.leader_a)
    assert run.status == RunStatus.QUEUED
    assert client.get(reverse("reports:download", args=[run.uuid, "pdf"])).status_code == 404
    page = client.get(reverse("reports:detail", args=[run.uuid])).content.decode()
    assert "<progress" in page and 'aria-labelledby="report-progress-label-' in page and "0 %" in page


@pytest.mark.parametrize("who", ["regisseur_a", "expert", "partner"])
def test_the_reports_page_is_404_for_those_without_reports(client, report_world, who):
    client.force_login(getattr(report_world, who))
    assert client.get(reverse("reports:list")).status_code == 404
    response = client.post(reverse("reports:request"), {"team": str(report_world.team_a.uuid)})
    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_a_leader_cannot_press_the_button_for_another_team(client, report_world):
    client.force_login(report_world.leader_b)
    response = client.post(reverse("reports:request"), {"team": str(report_world.team_a.uuid)}, follow=True)
    assert "Kies een team dat u leidt" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_double_submit_of_the_button_makes_one_run(client, report_world):
    client.force_login(report_world.leader_a)
    page = client.get(reverse("reports:list"))
    token = page.context["forms"][0][1]["form_token"].value()
    data = {"team": str(report_world.team_a.uuid), "form_token": str(token)}
    first = client.post(reverse("reports:request"), data)
    second = client.post(reverse("reports:request"), data)
    run = ReportRun.objects.get()
    assert first["Location"] == second["Location"] == reverse("reports:detail", args=[run.uuid])


def test_the_list_shows_only_the_runs_one_may_see(client, report_world, done_runs):
    client.force_login(report_world.controller_z)
    page = client.get(reverse("reports:list"))
    assert [r.pk for r in page.context["runs"]] == [done_runs["Zutphen"].pk]
    assert page.context["forms"] == []  # a controller has no button
    client.force_login(report_world.leader_a)
    page = client.get(reverse("reports:list"))
    assert [r.pk for r in page.context["runs"]] == [done_runs["team"].pk]
    assert "Rapport maken" in page.content.decode()


def _list_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("reports:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_a_constant_number_of_queries(client, report_world):
    from reports.constants import RunKind, RunScope

    client.force_login(report_world.controller_l)
    start = previous_quarter_start(timezone.localdate())
    ReportRun.objects.create(
        kind=RunKind.QUARTERLY, scope=RunScope.MUNICIPALITY, municipality=report_world.lochem,
        period_start=start, period_end=start,
    )  # fmt: skip
    few = _list_queries(client)
    for year in range(2016, 2026):
        for month in (1, 4, 7, 10):
            import datetime as dt

            ReportRun.objects.create(
                kind=RunKind.QUARTERLY, scope=RunScope.MUNICIPALITY, municipality=report_world.lochem,
                period_start=dt.date(year, month, 1), period_end=dt.date(year, month, 2), requested_by=None,
            )  # fmt: skip
    assert _list_queries(client) == few
