"""Municipality staff create and revoke their own municipality's API clients in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from partners.models import ApiClient
from tests.accounts.factories import OrganisationFactory, TeamFactory
from tests.arrangements.factories import world_create
from tests.partners.conftest import api_for, make_partner, token_for
from tests.partners.factories import allocation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, world):  # type: ignore[no-untyped-def]
    loket = TeamFactory(municipality=world.team.municipality)
    user = make_user(Role.STAFF, team=loket, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="partners"))
    return user


def test_staff_create_a_client_and_see_its_secret_once(client, staff, world):
    client.force_login(staff)
    response = client.post(
        reverse("admin:partners_apiclient_add"),
        {
            "name": "Koppeling De Berkel",
            "organisation": world.provider.pk,
            "municipality": world.team.municipality.pk,
            "scope_choices": ["allocations:read", "care:report"],
        },
        follow=True,
    )
    assert response.status_code == 200
    created = ApiClient.objects.get(name="Koppeling De Berkel")
    assert created.created_by == staff and created.scope_set == {"allocations:read", "care:report"}
    message = next(str(m) for m in response.context["messages"])
    secret = message.split("geheim: ")[1].split(" ")[0]
    assert created.application.client_secret != secret  # stored hashed
    assert token_for(Client(), created.client_id, secret)["status"] == 200


def test_staff_cannot_create_a_client_for_another_municipality(client, staff, world):
    elsewhere = world_create()
    client.force_login(staff)
    response = client.post(
        reverse("admin:partners_apiclient_add"),
        {
            "name": "Verkeerd",
            "organisation": elsewhere.provider.pk,
            "municipality": elsewhere.team.municipality.pk,
            "scope_choices": ["allocations:read"],
        },
    )
    assert response.status_code == 200  # the form again, with errors
    assert not ApiClient.objects.filter(name="Verkeerd").exists()


def test_staff_see_only_their_municipalitys_clients_with_last_use(client, staff, world):
    mine = make_partner(world)
    other_world = world_create()
    theirs = make_partner(other_world)
    allocation_create(world)
    api_for(mine).get("/api/v1/allocations")
    mine.client.refresh_from_db()
    assert mine.client.last_used_at is not None and mine.client.last_used_at <= timezone.now()
    client.force_login(staff)
    body = client.get(reverse("admin:partners_apiclient_changelist")).content.decode()
    assert mine.client.name in body and mine.client_id in body
    assert theirs.client.name not in body
    assert client.get(reverse("admin:partners_apiclient_change", args=[theirs.client.pk])).status_code == 404


def test_staff_revoke_a_client_and_its_token_gets_401(client, staff, world):
    partner = make_partner(world)
    api = api_for(partner)
    client.force_login(staff)
    response = client.post(
        reverse("admin:partners_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [partner.client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    partner.client.refresh_from_db()
    assert partner.client.revoked_at is not None and partner.client.revoked_by == staff
    assert api.get("/api/v1/allocations").status_code == 401


def test_a_client_is_never_deleted_in_the_admin(client, staff, world):
    partner = make_partner(world)
    client.force_login(staff)
    assert client.get(reverse("admin:partners_apiclient_delete", args=[partner.client.pk])).status_code in (403, 404)
    assert ApiClient.objects.filter(pk=partner.client.pk).exists()


def test_organisation_must_work_for_the_municipality(world):
    from django.core.exceptions import ValidationError

    from partners.services import api_client_create

    stranger = OrganisationFactory()
    with pytest.raises(ValidationError):
        api_client_create(
            actor=None, name="x", organisation=stranger, municipality=world.team.municipality, scopes=["care:report"]
        )
