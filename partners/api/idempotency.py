"""`Idempotency-Key` on every write (draft-ietf-httpapi-idempotency-key-header).

The same key with the same request (method, path, body) returns the first answer again
and books nothing; the same key with another request is refused with 422. Keys are per
client. The record is inserted *first*, in the same transaction as the write: a
concurrent request with the same key waits on the unique index until the first commits,
then replays its answer; if the first fails (its transaction rolls back, record and all),
the key is free again, so a corrected retry may reuse it. Only successful answers are kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from partners.models import IDEMPOTENCY_KEY_MAX, ApiClient, IdempotencyRecord

from .problems import UnprocessableEntity

HEADER = "Idempotency-Key"
KEY_PATTERN = rf"^[A-Za-z0-9._~:\-]{{1,{IDEMPOTENCY_KEY_MAX}}}$"
REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX},
    location=OpenApiParameter.HEADER,
    required=True,
    description="A key unique for this write (e.g. a UUID). Retried with the same body: the first answer again.",
)


def _key(request: Any) -> str:
    key = request.headers.get(HEADER, "")
    if not re.match(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {HEADER: [_("Geef een Idempotency-Key van 1 tot 255 tekens (letters, cijfers, . _ ~ : -).")]}
        )
    return key


def fingerprint(request: Any) -> str:
    data = request.data
    body = json.dumps(data if not hasattr(data, "dict") else data.dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request: Any, client: ApiClient, handler: Callable[[], Response]) -> Response:
    """Run `handler` (the write) once per (client, key); replay its answer afterwards."""
    key = _key(request)
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(client=client, key=key, fingerprint=print_)
        except IntegrityError:
            record = IdempotencyRecord.objects.select_for_update().get(client=client, key=key)
            if record.fingerprint != print_ or record.status_code is None:
                raise UnprocessableEntity(
                    {HEADER: [_("Deze Idempotency-Key is al gebruikt voor een ander verzoek.")]}
                ) from None
            return Response(record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
        response = handler()
        record.status_code = response.status_code
        record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
        record.save(update_fields=["status_code", "response_body"])
        return response
