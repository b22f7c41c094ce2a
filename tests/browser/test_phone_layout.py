"""At phone width (390 px) the main pages do not scroll sideways; wide tables scroll inside their region."""

import pytest
from django.core.management import call_command

from accounts.models import User
from cases.models import Case
from tests.browser.fixtures import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_pages_fit_a_phone_screen(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    case = Case.objects.get(household__name="Gezin Chantal en Myra")
    for path in ["/", "/dossiers/", f"/dossiers/{case.uuid}/", f"/dossiers/{case.uuid}/logboek/", "/aanmeldingen/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
