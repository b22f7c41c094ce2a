"""A provider with an API client in one municipality, a second provider, and a second municipality."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Organisation
from arrangements.models import Arrangement
from partners.constants import Scope
from partners.models import ApiClient
from partners.services import api_client_create
from tests.accounts.factories import OrganisationFactory
from tests.arrangements.factories import World, world_create

ALL_SCOPES = [s.value for s in Scope]


def token_for(http: Client, client_id: str, secret: str, scope: str | None = None) -> dict:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = http.post("/api/v1/oauth/token", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    return {"status": response.status_code, **response.json()}


@dataclass
class Partner:
    client: ApiClient
    secret: str
    organisation: Organisation

    @property
    def client_id(self) -> str:
        return self.client.application.client_id


def make_partner(world: World, organisation: Organisation | None = None, scopes=ALL_SCOPES) -> Partner:  # type: ignore[no-untyped-def]
    org = organisation or world.provider
    client, secret = api_client_create(
        actor=None, name=f"{org.name} API", organisation=org, municipality=world.team.municipality, scopes=scopes
    )
    return Partner(client, secret, org)


class Api:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, http: Client, token: str) -> None:
        self.http = http
        self.auth = f"Bearer {token}"

    def get(self, path: str, params: dict | None = None):  # type: ignore[no-untyped-def]
        return self.http.get(path, params or {}, HTTP_AUTHORIZATION=self.auth)

    def post(self, path: str, body: dict | None = None, key: str | None = "k-1"):  # type: ignore[no-untyped-def]
        headers = {"HTTP_AUTHORIZATION": self.auth}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.http.post(path, body or {}, content_type="application/json", **headers)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return world_create()


@pytest.fixture
def partner(world):  # type: ignore[no-untyped-def]
    return make_partner(world)


@pytest.fixture
def other_partner(world):  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    org.municipalities.add(world.team.municipality)
    return make_partner(world, org)


def api_for(partner: Partner) -> Api:
    http = Client()
    token = token_for(http, partner.client_id, partner.secret)
    assert token["status"] == 200, token
    return Api(http, token["access_token"])


@pytest.fixture
def api(partner):  # type: ignore[no-untyped-def]
    return api_for(partner)


def arrangement_count() -> int:
    return Arrangement.objects.count()
