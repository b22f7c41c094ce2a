"""The base of every partner API view: OAuth client auth, scopes, per-client throttle, JSON only."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .auth import ClientRateThrottle, HasClientScopes, PartnerPrincipal, PartnerTokenAuthentication, principal
from .idempotency import idempotent
from .pagination import PartnerCursorPagination


class PartnerAPIView(GenericAPIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasClientScopes]
    throttle_classes = [ClientRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = PartnerCursorPagination
    required_scopes: ClassVar[tuple[str, ...]] = ()

    def principal(self) -> PartnerPrincipal:
        return principal(self.request)


class PartnerWriteView(PartnerAPIView):
    """A write: runs once per `Idempotency-Key` of the client (partners/api/idempotency.py)."""

    def once(self, handler: Callable[[], Response]) -> Response:
        return idempotent(self.request, self.principal().client, handler)
