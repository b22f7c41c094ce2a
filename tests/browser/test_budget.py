"""The controller in a real browser: Lochem's position, a team filter, the expensive
minority and the XLSX download, axe-clean at every impact level."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def test_controller_sees_the_jeugd_overrun_filters_by_team_and_downloads_the_xlsx(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login_as(page, User.objects.get(username="controller"), live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lochem")
    first_line = page.get_by_role("region", name="Prognose per budgetregel (risico's eerst)").locator("tbody tr").first
    expect(first_line).to_contain_text("Jeugdwet 6.72")
    expect(first_line).to_contain_text("dreigende overschrijding")
    expect(page.get_by_text("van de 120 huishoudens veroorzaakt 80 % van de uitgaven").first).to_be_visible()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert console_log.csp_violations() == [], "before filter"

    # htmx filter: one team; the figures change without a reload and the URL can be shared.
    total_before = page.locator(".kpis").inner_text()
    page.get_by_label("Team", exact=True).select_option(label="Sociaal wijkteam Lochem")  # the name already says Lochem
    page.wait_for_function(f"() => document.querySelector('.kpis').innerText !== {total_before!r}")
    assert "team=" in page.url
    teams = page.get_by_role("region", name="Kosten per team")
    expect(teams.locator("tbody tr")).to_have_count(1)
    assert axe_violations(page, impacts=ALL_IMPACTS) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Downloaden als Excel (XLSX)").click()
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    assert "Budgetregels" in workbook.sheetnames
    assert console_log.csp_violations() == []


def test_the_dashboard_on_a_phone_has_no_sideways_scroll(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, User.objects.get(username="controller.zutphen"), live_server.url)
    page.goto("/budget/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zutphen")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
