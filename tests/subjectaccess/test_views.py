"""The staff screens: BSN lookup without an oracle, 404 for everyone else, downloads,
progress, and the 30-day expiry of the files."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.constants import Role
from audit.models import AccessGround, AuditEvent, EventKind
from subjectaccess import services
from subjectaccess.models import ExportStatus, SubjectAccessExport
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.cases.factories import PersonFactory
from tests.subjectaccess.conftest import BSN_CHANTAL

INDEX = "/beheer-inzage/"
UNKNOWN_BSN = "100000009"


def other_municipality_staff():  # type: ignore[no-untyped-def]
    user = UserFactory(first_name="Zeno", last_name="Zutphen")
    MembershipFactory(user=user, team=TeamFactory(), role=Role.STAFF)
    return user


def without_tokens(html: str) -> str:
    html = re.sub(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def done_export(world) -> SubjectAccessExport:  # type: ignore[no-untyped-def]
    export = services.export_start(actor=world.staff, person=world.chantal)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def test_staff_find_a_person_by_posted_bsn_and_land_on_a_uuid_url(client, world):
    client.force_login(world.staff)

    response = client.post(INDEX, {"bsn": "111 222 333"})

    assert response.status_code == 302
    assert response["Location"] == f"/beheer-inzage/persoon/{world.chantal.uuid}/"
    assert BSN_CHANTAL not in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Chantal Testhuis" in page.content.decode()
    assert BSN_CHANTAL not in page.content.decode()  # masked on screen
    read = AuditEvent.objects.get(view="subjectaccess:person", actor=world.staff)
    assert read.kind == EventKind.READ and read.ground == AccessGround.SUBJECT_ACCESS


def test_a_bsn_of_another_municipality_answers_exactly_like_an_unknown_one(client, world):
    stranger = other_municipality_staff()
    # The other municipality has its own person with an unrelated BSN (not this one).
    PersonFactory(municipality=stranger.memberships.first().team.municipality)
    client.force_login(stranger)

    foreign = client.post(INDEX, {"bsn": BSN_CHANTAL})
    missing = client.post(INDEX, {"bsn": UNKNOWN_BSN})

    assert foreign.status_code == missing.status_code == 200
    assert "Geen persoon gevonden met dit BSN in uw gemeente." in foreign.content.decode()
    assert without_tokens(foreign.content.decode()).replace(BSN_CHANTAL, "X") == without_tokens(
        missing.content.decode()
    ).replace(UNKNOWN_BSN, "X")
    assert not AuditEvent.objects.filter(actor=stranger, target_id=str(world.chantal.uuid)).exists()


def test_an_invalid_bsn_gets_a_dutch_error_and_nothing_is_looked_up(client, world):
    client.force_login(world.staff)
    response = client.post(INDEX, {"bsn": "123"})
    assert response.status_code == 200
    assert "elfproef" in response.content.decode()


@pytest.mark.parametrize("who", ["regisseur", "colleague", "stranger", "superuser"])
def test_everyone_but_staff_of_the_municipality_gets_404_everywhere(client, world, who):
    export = done_export(world)
    if who == "stranger":
        user = other_municipality_staff()
    elif who == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = getattr(world, who)
    client.force_login(user)
    person = f"/beheer-inzage/persoon/{world.chantal.uuid}/"
    urls = [
        person,
        f"{person}corrigeren/",
        f"/beheer-inzage/export/{export.uuid}/",
        f"/beheer-inzage/export/{export.uuid}/pdf/",
        f"/beheer-inzage/export/{export.uuid}/json/",
    ]
    if who != "stranger":
        urls.append(INDEX)  # staff of another municipality may use the page for their own persons
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (f"{person}inzage/", f"{person}beperking/", f"{person}corrigeren/"):
        assert client.post(url, {"reason": "accuracy"}).status_code == 404, url
    assert SubjectAccessExport.objects.count() == 1
    world.chantal.refresh_from_db()
    assert world.chantal.processing_restricted is False


def test_staff_download_the_pdf_and_the_json_and_each_download_is_logged(client, world):
    export = done_export(world)
    client.force_login(world.staff)

    pdf = client.get(f"/beheer-inzage/export/{export.uuid}/pdf/")
    data = client.get(f"/beheer-inzage/export/{export.uuid}/json/")

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Chantal" not in pdf["Content-Disposition"] and BSN_CHANTAL not in pdf["Content-Disposition"]
    assert data.status_code == 200 and data.json()["person"]["first_name"] == "Chantal"
    views = set(AuditEvent.objects.filter(actor=world.staff, kind=EventKind.READ).values_list("view", flat=True))
    assert {"subjectaccess:export_pdf", "subjectaccess:export_json"} <= views


def test_starting_an_export_twice_with_one_form_token_makes_one_export(client, world):
    client.force_login(world.staff)
    url = f"/beheer-inzage/persoon/{world.chantal.uuid}/inzage/"
    token = "0b8f5a4e-2f0e-4c1e-9c55-0d3c1f4a2b11"

    first = client.post(url, {"form_token": token})
    second = client.post(url, {"form_token": token})

    assert SubjectAccessExport.objects.count() == 1
    export = SubjectAccessExport.objects.get()
    assert first["Location"] == second["Location"] == f"/beheer-inzage/export/{export.uuid}/"
    assert AuditEvent.objects.filter(action="subject_access_export").count() == 1


def test_the_progress_page_polls_while_running_and_offers_downloads_when_done(client, world):
    client.force_login(world.staff)
    export = services.export_start(actor=world.staff, person=world.chantal)
    url = f"/beheer-inzage/export/{export.uuid}/"

    pending = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in pending and "<progress" in pending and 'role="status"' in pending
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="export-status"' in partial

    services.export_build(export_id=export.pk)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "PDF downloaden" in done and "JSON-bestand downloaden" in done


def test_exports_expire_after_30_days_files_deleted_and_downloads_404(client, world):
    export = done_export(world)
    fresh = done_export(world)
    SubjectAccessExport.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() + dt.timedelta(days=40))
    assert abs(export.expires_at - export.created_at - dt.timedelta(days=30)) < dt.timedelta(seconds=1)

    assert services.exports_expire(now=export.expires_at - dt.timedelta(days=1)) == 0
    expired = services.exports_expire(now=export.expires_at + dt.timedelta(seconds=1))

    assert expired == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and export.expired_at is not None
    assert export.pdf is None and export.data is None
    assert AuditEvent.objects.filter(action="subject_access_expire", target_id=str(export.uuid)).count() == 1
    assert services.exports_expire(now=export.expires_at + dt.timedelta(days=1)) == 0  # idempotent
    client.force_login(world.staff)
    assert client.get(f"/beheer-inzage/export/{export.uuid}/pdf/").status_code == 404
    assert client.get(f"/beheer-inzage/export/{export.uuid}/json/").status_code == 404
    assert "verwijderd" in client.get(f"/beheer-inzage/export/{export.uuid}/").content.decode()
    assert client.get(f"/beheer-inzage/export/{fresh.uuid}/pdf/").status_code == 200
    schedule = settings.CELERY_BEAT_SCHEDULE["expire-subject-access-exports"]
    assert schedule["task"] == "subjectaccess.tasks.expire_subject_access_exports"


def test_staff_of_two_municipalities_choose_where_to_look(client, world):
    other_team = TeamFactory()
    MembershipFactory(user=world.staff, team=other_team, role=Role.STAFF)
    twin = PersonFactory(municipality=other_team.municipality, first_name="Tweeling", bsn=BSN_CHANTAL)
    client.force_login(world.staff)

    form = client.get(INDEX).content.decode()
    assert 'name="municipality"' in form
    here = client.post(INDEX, {"bsn": BSN_CHANTAL, "municipality": str(world.team.municipality_id)})
    there = client.post(INDEX, {"bsn": BSN_CHANTAL, "municipality": str(other_team.municipality_id)})
    foreign = client.post(INDEX, {"bsn": BSN_CHANTAL, "municipality": str(TeamFactory().municipality_id)})

    assert here["Location"] == f"/beheer-inzage/persoon/{world.chantal.uuid}/"
    assert there["Location"] == f"/beheer-inzage/persoon/{twin.uuid}/"
    assert foreign.status_code == 200  # not one of theirs: refused by the form, nothing found


def test_the_export_list_costs_the_same_queries_for_few_and_many_exports(client, world, django_assert_max_num_queries):
    client.force_login(world.staff)
    services.export_start(actor=world.staff, person=world.chantal)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    for _ in range(15):
        services.export_start(actor=world.staff, person=world.chantal)
    with django_assert_max_num_queries(len(few)):
        assert client.get(INDEX).status_code == 200
    with django_assert_max_num_queries(len(few) + 2):  # the person page adds the person and its restrictions
        assert client.get(f"/beheer-inzage/persoon/{world.chantal.uuid}/").status_code == 200
