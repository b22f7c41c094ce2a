"""OAuth2 client credentials: short-lived tokens with the client's scopes; revoked clients refused."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from partners.services import api_client_revoke
from tests.partners.conftest import token_for

pytestmark = pytest.mark.django_db


def test_client_credentials_token_is_short_lived_with_the_clients_scopes(partner):
    token = token_for(Client(), partner.client_id, partner.secret)
    assert token["status"] == 200
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] <= 900
    assert set(token["scope"].split()) == {"allocations:read", "care:report", "declarations:write"}


def test_a_scope_the_client_does_not_hold_is_refused(world):
    from tests.partners.conftest import make_partner

    reader = make_partner(world, scopes=["allocations:read"])
    token = token_for(Client(), reader.client_id, reader.secret, scope="declarations:write")
    assert token["status"] == 400 and token["error"] == "invalid_scope"


def test_wrong_secret_gets_no_token(partner):
    token = token_for(Client(), partner.client_id, "not-the-secret")
    assert token["status"] == 401


def test_revoked_client_gets_no_token_and_is_audited(partner):
    api_client_revoke(actor=None, client=partner.client)
    token = token_for(Client(), partner.client_id, partner.secret)
    assert token["status"] == 401 and token["error"] == "invalid_client"
    assert AuditEvent.objects.filter(action="api_client_revoke", client=partner.client_id).exists()
