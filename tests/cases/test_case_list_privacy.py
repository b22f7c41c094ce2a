""" "Mijn dossiers" filters without personal data in any URL: POST, session, Post/Redirect/Get."""

import re

import pytest
from django.urls import reverse

from accounts.constants import Role
from cases.views import LIST_FILTERS_SESSION_KEY
from tests.cases.factories import CaseFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

NAME = "Gezin Vermeulen-Abdi"


@pytest.fixture
def regisseur(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.REGISSEUR, team=team)


@pytest.fixture
def searched(client, regisseur, team):  # type: ignore[no-untyped-def]
    """One case of household NAME among 30 others (two pages of 25), logged in as its regisseur."""
    case = CaseFactory(team=team, regisseur=regisseur, household=HouseholdFactory(name=NAME))
    for _ in range(30):
        CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    return case


def _hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|action|hx-post|hx-get|hx-replace-url|hx-push-url)="([^"]*)"', html)


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [c.pk for c in response.context["page"].object_list]


def test_searching_a_household_name_redirects_to_the_plain_list_url_without_the_name(client, searched):
    response = client.post(reverse("cases:list"), {"q": NAME})

    assert response.status_code == 303
    assert response["Location"] == reverse("cases:list")
    assert "Vermeulen" not in response["Location"]


def test_search_result_is_filtered_and_no_link_on_the_page_carries_the_name(client, searched):
    client.post(reverse("cases:list"), {"q": NAME})
    response = client.get(reverse("cases:list"))

    assert _ids(response) == [searched.pk]
    html = response.content.decode()
    assert NAME in html  # shown in the table and kept in the search box …
    hrefs = _hrefs(html)
    assert reverse("cases:list") in hrefs
    assert not [h for h in hrefs if "Vermeulen" in h]  # … but in no URL
    assert 'method="get"' not in html.lower()


def test_htmx_search_returns_only_the_table_partial_and_no_url_with_the_name(client, searched):
    response = client.post(reverse("cases:list"), {"q": "Vermeulen"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-results"' in html and "<html" not in html and "<form" not in html
    assert _ids(response) == [searched.pk]
    assert "HX-Push-Url" not in response and "HX-Redirect" not in response
    assert not [h for h in _hrefs(html) if "Vermeulen" in h]


def test_filters_survive_pagination_and_page_links_hold_only_the_page_number(client, searched, regisseur, team):
    for i in range(26):
        CaseFactory(team=team, regisseur=regisseur, household=HouseholdFactory(name=f"{NAME} {i}"))
    client.post(reverse("cases:list"), {"q": "Vermeulen", "sort": "number"})

    first = client.get(reverse("cases:list"))
    assert first.context["page"].paginator.count == 27
    page_links = re.findall(r'href="(\?[^"]*)"', first.content.decode())
    assert page_links == ["?pagina=2"]

    second = client.get(reverse("cases:list"), {"pagina": "2"})
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 2
    assert all("Vermeulen" in c.household.name for c in second.context["page"].object_list)
    assert re.findall(r'href="(\?[^"]*)"', second.content.decode()) == ["?pagina=1"]


def test_clearing_filters_shows_all_cases_again_and_empties_the_form(client, searched):
    client.post(reverse("cases:list"), {"q": NAME, "status": "open"})
    assert LIST_FILTERS_SESSION_KEY in client.session

    response = client.post(reverse("cases:list"), {"wissen": "1"})

    assert response.status_code == 303 and response["Location"] == reverse("cases:list")
    assert LIST_FILTERS_SESSION_KEY not in client.session
    page = client.get(reverse("cases:list"))
    assert page.context["page"].paginator.count == 31
    assert not page.context["form"].is_bound
    assert "Filters wissen" in page.content.decode()


def test_a_name_in_the_query_string_does_not_filter_the_list(client, searched):
    response = client.get(reverse("cases:list"), {"q": NAME, "status": "closed"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 31
    assert not response.context["form"].is_bound  # the search box does not echo the URL parameter
    assert LIST_FILTERS_SESSION_KEY not in client.session


def test_filters_are_kept_per_session_not_per_user_url(client, searched, regisseur):
    client.post(reverse("cases:list"), {"q": NAME})
    assert client.session[LIST_FILTERS_SESSION_KEY]["q"] == NAME
    client.logout()
    client.force_login(regisseur)
    assert client.get(reverse("cases:list")).context["page"].paginator.count == 31


def test_filter_post_without_csrf_token_is_refused(searched, regisseur):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(regisseur)
    assert strict.post(reverse("cases:list"), {"q": NAME}).status_code == 403


def test_an_invalid_filter_is_not_stored_and_the_page_shows_the_error(client, searched):
    response = client.post(reverse("cases:list"), {"status": "no-such-status"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert LIST_FILTERS_SESSION_KEY not in client.session
