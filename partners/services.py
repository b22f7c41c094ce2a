"""Writes of the partner app: API clients (created and revoked by municipality staff)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts.models import Municipality, Organisation, User
from audit.models import AccessGround
from socialdomain.audit import audit_write

from .models import ApiClient


@transaction.atomic
def api_client_create(
    *,
    actor: User | None,
    name: str,
    organisation: Organisation,
    municipality: Municipality,
    scopes: Iterable[str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[ApiClient, str]:
    """A new client-credentials client; returns it with its secret (shown once, stored hashed).

    `client_id`/`client_secret` are for the demo's known credentials only.
    """
    secret = client_secret or secrets.token_urlsafe(32)
    application = Application(
        name=name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=True,
    )
    if client_id:
        application.client_id = client_id
    application.save()
    client = ApiClient(
        name=name,
        application=application,
        organisation=organisation,
        municipality=municipality,
        scopes=" ".join(sorted(set(scopes))),
        created_by=actor,
    )
    client.full_clean(exclude=["application"])
    client.save()
    audit_write(
        actor=actor,
        action="api_client_create",
        obj=client,
        changes={"scopes": [None, client.scopes], "organisation": [None, organisation.pk]},
        ground=AccessGround.ADMINISTRATION,
        organisation=organisation,
        client=application.client_id,
    )
    return client, secret


@transaction.atomic
def api_client_revoke(*, actor: User | None, client: ApiClient) -> ApiClient:
    """Revoke at once: no new tokens, and the issued ones are deleted (401 from now on)."""
    client = ApiClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.revoked_by = actor
    client.save(update_fields=["revoked_at", "revoked_by"])
    RefreshToken.objects.filter(application=client.application).delete()
    AccessToken.objects.filter(application=client.application).delete()
    audit_write(
        actor=actor,
        action="api_client_revoke",
        obj=client,
        changes={"revoked_at": [None, client.revoked_at]},
        ground=AccessGround.ADMINISTRATION,
        organisation=client.organisation,
        client=client.application.client_id,
    )
    return client
