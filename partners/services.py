"""Writes of the partner app: API clients (created and revoked by municipality staff)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts.models import Municipality, Organisation, User
from arrangements import services as arrangement_services
from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement
from audit.models import AccessGround
from socialdomain.audit import audit_write

from .constants import MessageKind
from .models import ApiClient, ProviderMessage


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


# --- The provider's messages about an allocation (301, 305, 307) -------------------------


def _message(*, client: ApiClient, arrangement: Arrangement, kind: str, date=None, reason: str = "") -> ProviderMessage:  # type: ignore[no-untyped-def]
    """At most one of each kind per allocation: a second (with another key) is a conflict."""
    if ProviderMessage.objects.filter(arrangement=arrangement, kind=kind).exists():
        raise ValidationError(_("Dit bericht is voor deze toewijzing al ontvangen."), code="status")
    return ProviderMessage.objects.create(
        arrangement=arrangement,
        kind=kind,
        organisation_id=client.organisation_id,
        client=client,
        date=date,
        reason=reason,
    )


@transaction.atomic
def allocation_acknowledge(*, client: ApiClient, arrangement: Arrangement) -> ProviderMessage:
    """The provider confirms it received the allocation (301 acknowledged)."""
    arrangement = Arrangement.objects.select_for_update(of=("self",)).select_related("case").get(pk=arrangement.pk)
    if arrangement.status not in (ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED):
        raise ValidationError(_("Dit kan niet in de huidige status van de toewijzing."), code="status")
    message = _message(client=client, arrangement=arrangement, kind=MessageKind.ACKNOWLEDGED)
    audit_write(
        actor=None,
        action="partner_acknowledge",
        obj=arrangement,
        case_uuid=arrangement.case.uuid,
        ground=AccessGround.PARTNER_ALLOCATION,
        organisation=client.organisation,
        client=client.application.client_id,
    )
    return message


@transaction.atomic
def allocation_start(*, client: ApiClient, arrangement: Arrangement, start_date: dt.date) -> ProviderMessage:
    """305: the care started on `start_date` (the arrangement goes to "started")."""
    arrangement_services.arrangement_start_by_provider(
        organisation=client.organisation, arrangement=arrangement, start_date=start_date, client=client.client_id
    )
    return _message(client=client, arrangement=arrangement, kind=MessageKind.STARTED, date=start_date)


@transaction.atomic
def allocation_stop(*, client: ApiClient, arrangement: Arrangement, stop_date: dt.date, reason: str) -> ProviderMessage:
    """307: the care stopped on `stop_date`; the rest of the commitment is released."""
    arrangement_services.arrangement_stop_by_provider(
        organisation=client.organisation,
        arrangement=arrangement,
        stop_date=stop_date,
        reason=reason,
        client=client.client_id,
    )
    return _message(client=client, arrangement=arrangement, kind=MessageKind.STOPPED, date=stop_date, reason=reason)
