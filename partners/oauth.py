"""django-oauth-toolkit plug-ins: per-client scopes, and no token for a revoked client.

Settings: OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"] and ["OAUTH2_VALIDATOR_CLASS"].
"""

from __future__ import annotations

import hashlib
from typing import Any

from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from .constants import Scope


def _client_of(application: Any):  # type: ignore[no-untyped-def]
    from .models import ApiClient

    if application is None or getattr(application, "pk", None) is None:
        return None
    return ApiClient.objects.filter(application_id=application.pk).first()


class ClientScopes(BaseScopes):
    """A client may ask for (and by default gets) exactly the scopes its ApiClient lists."""

    def get_all_scopes(self) -> dict[str, str]:
        return {s.value: str(s.label) for s in Scope}

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        client = _client_of(application)
        if client is None or not client.is_active:
            return []
        return sorted(client.scope_set)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list:
        return self.get_available_scopes(application, request)


class PartnerOAuth2Validator(OAuth2Validator):
    def _load_access_token(self, token: str) -> Any:
        """The token with its application's partner client and organisation in one query, where
        django-oauth-toolkit's own loads the token, its application and its user: every API
        request needs the client (partners/api/auth.py), and a second round trip for it was a
        tenth of the allocation list's time (bench/api.py). A client-credentials token has no
        user (its `user` is None without a query). The token is found, as in the toolkit, by
        the SHA-256 checksum it stores."""
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        # [:1], not .first(): the checksum is unique, an ORDER BY only costs its compilation.
        found = list(
            get_access_token_model()
            .objects.select_related("application__api_client__organisation")
            .filter(token_checksum=checksum)[:1]
        )
        return found[0] if found else None

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """Only an active partner client authenticates (a revoked one: `invalid_client`, 401)."""
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = _client_of(request.client)
        return client is not None and client.is_active
