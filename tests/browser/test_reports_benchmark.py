"""The team benchmark in a real browser: the demo controller opens it from the menu and sees
Lochem's teams by name beside the municipality; the team leader sees the others anonymised.
axe-core finds nothing at any impact level; no CSP violation (the chart is drawn by our
own script from a json_script element)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=["default", "reporting"])]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def test_the_demo_controller_opens_the_team_benchmark(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login_as(page, User.objects.get(username="controller"), live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Teamvergelijking").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamvergelijking Lochem")
    table = page.locator("section[aria-labelledby=benchmark-heading] table")
    expect(table.get_by_role("rowheader", name="Sociaal wijkteam Lochem")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Gemeente Lochem (alle teams)")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Kosten per huishouden (€)")).to_be_visible()
    assert "Zutphen" not in table.inner_text()
    assert page.locator("canvas.benchmark-chart").count() == 1
    assert axe_violations(page, impacts=ALL_IMPACTS) == []

    # Another quarter through the form.
    page.get_by_label("Kwartaal", exact=True).select_option(index=1)
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamvergelijking Lochem")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert console_log.csp_violations() == []


def test_the_demo_team_leader_sees_the_other_teams_without_names(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, User.objects.get(username="teamleider"), live_server.url)
    page.goto("/rapportages/teams/")
    table = page.locator("section[aria-labelledby=benchmark-heading] table")
    expect(table.get_by_role("rowheader", name="Sociaal wijkteam Lochem (uw team)")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Team A")).to_be_visible()
    assert "Zorgloket" not in table.inner_text() and "CJG" not in table.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
