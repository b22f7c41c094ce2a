"""Subject access in a real browser: municipality staff find a demo person by BSN, start the
export, watch it finish (a real Celery worker) and download the PDF; axe finds nothing on
any step."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from audit.models import AuditEvent
from subjectaccess.models import ExportStatus, SubjectAccessExport
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_BSN = "999990019"  # Chantal Bakker, Lochem (cases/demo.py)


def test_staff_run_a_subject_access_export_for_a_demo_person_and_download_the_pdf(
    page, live_server, console_log, celery_worker
):
    call_command("seed_demo", stdout=StringIO())
    login_as(page, User.objects.get(username="beheerder"), live_server.url)

    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inzageverzoeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inzageverzoeken (AVG)")
    assert_accessible(page)

    # An unknown BSN: the same Dutch answer as one of the other municipality.
    page.get_by_label("BSN").fill("100000009")
    page.get_by_role("button", name="Persoon zoeken").click()
    expect(page.get_by_text("Geen persoon gevonden met dit BSN in uw gemeente.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("BSN").fill(DEMO_BSN)
    page.get_by_role("button", name="Persoon zoeken").click()
    page.wait_for_url(re.compile(r"/beheer-inzage/persoon/[0-9a-f-]{36}/$"))
    assert DEMO_BSN not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Inzageverzoek: Chantal Bakker")
    assert_accessible(page)

    page.get_by_role("button", name="Export maken").click()
    page.wait_for_url(re.compile(r"/beheer-inzage/export/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Export inzageverzoek: Chantal Bakker")
    link = page.get_by_role("link", name="PDF downloaden")
    expect(link).to_be_visible(timeout=60_000)  # htmx polls until the worker is done
    assert_accessible(page)

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert re.fullmatch(r"inzage-[0-9a-f]{8}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    export = SubjectAccessExport.objects.filter(person__first_name="Chantal").get()
    assert export.status == ExportStatus.DONE
    assert AuditEvent.objects.filter(view="subjectaccess:export_pdf", target_id=str(export.person.uuid)).exists()
    assert console_log.csp_violations() == []
