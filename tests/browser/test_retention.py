"""Retention in a real browser (issue 16): the functioneel beheerder sees the demo's dry run
(counts per type, no names) and approves it, after which a real Celery worker removes the
expired case; the regisseur places a legal hold on the case page. axe-clean at every impact."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Case, Household
from retention.constants import RunStatus
from retention.models import LegalHold, RetentionRun
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_see_the_dry_run_and_approve_it(page, live_server, console_log, celery_worker):
    call_command("seed_demo", stdout=StringIO())
    run = RetentionRun.objects.get(municipality__name="Lochem", status=RunStatus.DRY_RUN)
    expired = Household.objects.get(name="Huishouden Oude Kamp")
    held = Case.objects.get(household__name="Huishouden Ten Brinke")
    login_as(page, User.objects.get(username="beheerder"), live_server.url)

    page.goto("/beheer/")
    assert_accessible(page)
    page.get_by_role("link", name="Bewaartermijnruns").click()
    assert_accessible(page)
    page.get_by_role("link", name=run.created_at.strftime("%Y"), exact=False).first.click()
    counts = page.get_by_role("table", name="Verlopen volgens de proefrun")
    expect(counts.get_by_role("row", name="Dossier Wmo 2015 1")).to_be_visible()
    body = page.inner_text("body")
    assert "Oude Kamp" not in body and "Ten Brinke" not in body  # counts only, no names
    # The pages themselves load under the CSP; checked before axe runs on this page, since
    # some of axe's own checks apply inline styles (which the CSP then reports).
    page.wait_for_load_state("networkidle")
    assert console_log.csp_violations() == []
    assert_accessible(page)

    page.get_by_role("button", name="Goedkeuren en verwijderen").click()
    expect(page.get_by_text("De run is goedgekeurd; het verwijderen is gestart.")).to_be_visible()
    assert_accessible(page)

    deadline = time.monotonic() + 30
    while RetentionRun.objects.get(pk=run.pk).status != RunStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
    page.reload()
    expect(page.get_by_text("Klaar", exact=True)).to_be_visible()
    assert_accessible(page)
    assert not Household.objects.filter(pk=expired.pk).exists()
    assert Case.objects.filter(pk=held.pk).exists()  # under a legal hold
    assert RetentionRun.objects.get(pk=run.pk).approved_by.username == "beheerder"


def test_the_regisseur_places_a_legal_hold_on_the_case_page(page, live_server, console_log):
    call_command("seed_demo", stdout=StringIO())
    regisseur = User.objects.get(username="regisseur")
    case = Case.objects.filter(regisseur=regisseur, status="open").order_by("number").first()
    login_as(page, regisseur, live_server.url)

    page.goto(f"/dossiers/{case.uuid}/")
    page.get_by_role("link", name="Bewaartermijn").click()
    expect(page.get_by_role("heading", name="Hoe lang dit dossier bewaard wordt")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reden van de bewaarplicht").select_option(label="Onderzoek Veilig Thuis")
    page.get_by_role("button", name="Bewaarplicht plaatsen").click()
    expect(page.get_by_text("De bewaarplicht is geplaatst")).to_be_visible()
    expect(page.get_by_role("button", name="Opheffen Onderzoek Veilig Thuis")).to_be_visible()
    assert_accessible(page)
    assert LegalHold.objects.filter(case=case, reason="veilig_thuis", lifted_at__isnull=True).exists()
    assert console_log.csp_violations() == []
