"""The team leader's one button in a real browser: press it, watch the progress bar (htmx
polling a real Celery worker), download the PDF; axe-clean at every impact level."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from reports.constants import RunKind
from reports.models import ReportRun
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=["default", "reporting"])]


def test_the_team_leader_presses_the_button_watches_the_progress_and_downloads_the_pdf(
    page, live_server, console_log, celery_worker, settings, tmp_path
):
    settings.REPORTS_ROOT = tmp_path / "reports"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.REPORTS_STEP_PAUSE_SECONDS = 0.5  # slow enough to see the bar move
    login_as(page, User.objects.get(username="teamleider"), live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rapportages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportages")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Rapport maken").click()
    bar = page.get_by_role("progressbar", name="Voortgang van het rapport")
    expect(bar).to_be_visible()
    assert axe_violations(page) == []
    # The bar moves without a reload: htmx swaps the block while the worker reports progress.
    first = int(bar.get_attribute("value") or 0)
    page.wait_for_function(
        f"() => {{ const p = document.querySelector('progress'); return !p || Number(p.value) > {first}; }}",
        timeout=60_000,
    )
    download_link = page.get_by_role("link", name="Rapport downloaden (PDF)")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(page.get_by_role("status").filter(has_text="Het rapport is klaar.")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as info:
        download_link.click()
    pdf = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert pdf.startswith(b"%PDF-")
    assert info.value.suggested_filename.endswith(".pdf")
    run = ReportRun.objects.filter(kind=RunKind.ON_DEMAND, requested_by__username="teamleider").latest("created_at")
    assert run.status == "done"
    assert console_log.csp_violations() == []


def test_without_javascript_the_link_on_the_page_reaches_the_download(
    browser, live_server, celery_worker, settings, tmp_path
):
    settings.REPORTS_ROOT = tmp_path / "reports"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    login_as(page, User.objects.get(username="teamleider"), live_server.url)
    page.goto("/rapportages/")
    page.get_by_role("button", name="Rapport maken").click()
    for _ in range(60):
        if page.get_by_role("link", name="Rapport downloaden (PDF)").count():
            break
        page.wait_for_timeout(1000)
        link = page.get_by_role("link", name="Voortgang opnieuw bekijken")
        if link.count():
            link.click()
    expect(page.get_by_role("link", name="Rapport downloaden (PDF)")).to_be_visible()
    context.close()
