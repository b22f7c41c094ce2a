"""Who is calling: the partner client behind a bearer token, its scopes and its rate limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from partners.models import ApiClient

# `last_used_at` is written at most this often per client (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class PartnerPrincipal:
    """DRF's `request.user` for a partner call: no person, the client and its organisation."""

    client: ApiClient

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> int:
        return self.client.pk

    @property
    def organisation_id(self) -> int:
        return self.client.organisation_id

    @property
    def municipality_id(self) -> int:
        return self.client.municipality_id

    def __str__(self) -> str:
        return self.client.client_id


class PartnerTokenAuthentication(OAuth2Authentication):
    """A valid bearer token of an active ApiClient; a revoked client's token is refused (401)."""

    www_authenticate_realm = "partner-api"

    def authenticate(self, request: Any) -> tuple[PartnerPrincipal, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        _user, token = result
        # Loaded with the token (partners/oauth.py PartnerOAuth2Validator._load_access_token).
        client: ApiClient | None = getattr(token.application, "api_client", None)
        if client is None or not client.is_active:
            raise exceptions.AuthenticationFailed(_("Deze client is ingetrokken of onbekend."))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return PartnerPrincipal(client), token


def principal(request: Any) -> PartnerPrincipal:
    user = request.user
    if not isinstance(user, PartnerPrincipal):  # the permission class already refused
        raise exceptions.NotAuthenticated()
    return user


class HasClientScopes(BasePermission):
    """The token and the client (as it is now) both hold the view's `required_scopes`."""

    message = _("Deze client heeft niet de benodigde scope.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not isinstance(user, PartnerPrincipal):
            return False
        needed = set(getattr(view, "required_scopes", ()))
        token_scopes = set((request.auth.scope or "").split()) if request.auth is not None else set()
        return needed <= token_scopes and needed <= user.client.scope_set


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per OAuth client (rate: REST_FRAMEWORK DEFAULT_THROTTLE_RATES["partner_client"])."""

    scope = "partner_client"

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate is not None else None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = request.user
        if not isinstance(user, PartnerPrincipal):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.client.pk}
