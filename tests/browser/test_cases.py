"""Cases in a real browser: list and case page axe-clean, sharing read-only with a colleague."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLD = "Gezin Chantal en Myra"
CASE_URL = re.compile(r"/dossiers/[0-9a-f-]{36}/$")


def test_regisseur_shares_case_read_only_and_colleague_can_read_but_not_edit(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    regisseur = User.objects.get(username="regisseur")
    collega = User.objects.get(username="collega")

    login_as(page, regisseur, live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn dossiers").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn dossiers"
    assert page.get_by_text(HOUSEHOLD).is_visible()
    assert_accessible(page)
    assert console_log.csp_violations() == []

    # htmx filter: typing in the search box updates the table without a reload.
    page.get_by_role("textbox", name="Zoeken").fill("Jasper")
    page.wait_for_function("() => !document.querySelector('#case-results').innerText.includes('Chantal')")
    expect(page.get_by_text("Huishouden Jasper")).to_be_visible()
    assert "Jasper" not in page.url  # the filter is POSTed: no name in the address bar or history
    page.get_by_role("textbox", name="Zoeken").fill("")
    page.wait_for_function("() => document.querySelector('#case-results').innerText.includes('Chantal')")

    # The filter is kept in the session: a reload still shows it; "Filters wissen" clears it.
    page.get_by_role("textbox", name="Zoeken").fill("Jasper")
    page.wait_for_function("() => !document.querySelector('#case-results').innerText.includes('Chantal')")
    page.reload()
    assert page.get_by_role("textbox", name="Zoeken").input_value() == "Jasper"
    expect(page.get_by_text("Huishouden Jasper")).to_be_visible()
    assert "Jasper" not in page.url
    page.get_by_role("button", name="Filters wissen").click()
    expect(page.get_by_text(HOUSEHOLD)).to_be_visible()
    assert page.get_by_role("textbox", name="Zoeken").input_value() == ""
    assert page.url == f"{live_server.url}/dossiers/"
    assert_accessible(page)
    assert console_log.csp_violations() == []

    page.get_by_role("row", name=HOUSEHOLD).get_by_role("link").click()
    page.wait_for_url(CASE_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
    assert_accessible(page)
    assert console_log.csp_violations() == []
    detail_url = page.url

    page.get_by_role("link", name="Delen").click()
    page.wait_for_url(re.compile(r"/delen/$"))
    assert_accessible(page)
    page.get_by_label("Collega").select_option(label=str(collega))
    page.get_by_label("Toegang").select_option(label="Meelezen")
    page.get_by_role("button", name="Delen").click()
    expect(page.get_by_text("Het dossier is gedeeld.")).to_be_visible()
    expect(page.get_by_role("row", name=str(collega)).get_by_text("Meelezen")).to_be_visible()

    page.context.clear_cookies()
    login_as(page, collega, live_server.url)
    page.goto("/dossiers/")
    page.get_by_role("row", name=HOUSEHOLD).get_by_role("link").click()
    page.wait_for_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
    assert page.get_by_role("link", name="Bewerken").count() == 0
    assert "999990019" not in page.content()  # BSN masked for a read-only colleague
    response = page.goto(detail_url + "bewerken/")
    assert response is not None and response.status == 404
    assert console_log.csp_violations() == []
