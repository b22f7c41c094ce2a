"""The one place that writes audit events: who, when, what, why.

`audit_write` for every change, `audit_read` for every read of case content. Only
identifiers and field names go in; callers pass `changes` as {field: [before, after]}
and mark sensitive fields so that their values are never copied (see SENSITIVE).
"""

from typing import Any
from uuid import UUID

from django.db import connection, models
from django.utils import timezone

from audit.models import AccessGround, AuditEvent, EventKind, event_uuid
from socialdomain.bulk import insert_rows, uuid_value

# Field names whose values are never written to the log, only the fact that they changed.
SENSITIVE = frozenset({"bsn", "bsn_encrypted", "bsn_index", "password", "text", "note", "question"})
REDACTED = "[gewijzigd]"
# The grounds a read may name (looked up per logged row, so computed once).
GROUNDS = frozenset(AccessGround.values)


def _target(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    public_id = getattr(obj, "uuid", None) or getattr(obj, "number", None) or obj.pk
    return obj._meta.label_lower, str(public_id)


def _clean_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in (changes or {}).items():
        if field in SENSITIVE:
            cleaned[field] = REDACTED
        else:
            cleaned[field] = (
                [None if v is None else str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )
    return cleaned


def _record(*, actor: Any, obj: models.Model | None, **fields: Any) -> AuditEvent:
    target_type, target_id = _target(obj)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target_type=target_type,
        target_id=target_id,
        **fields,
    )


def audit_write(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    changes: dict[str, Any] | None = None,
    case_uuid: UUID | None = None,
    purpose: str = "",
    flagged: bool = False,
    ground: str = "",
    organisation: Any = None,
    client: str = "",
) -> AuditEvent:
    return _record(
        actor=actor,
        obj=obj,
        kind=EventKind.WRITE,
        action=action,
        case_uuid=case_uuid,
        changes=_clean_changes(changes),
        purpose=purpose,
        flagged=flagged,
        ground=ground,
        organisation=organisation,
        client=client,
    )


def audit_read(
    *,
    actor: Any,
    obj: models.Model,
    case_uuid: UUID | None,
    view: str,
    ground: str,
    purpose: str = "",
    flagged: bool = False,
    organisation: Any = None,
    client: str = "",
) -> AuditEvent:
    """Write one read of case content.

    `ground` is required: the `audit.models.AccessGround` on which the record was reached
    (NEN 7513: every access says on what ground); anything else raises `ValueError`, so no
    read can be logged without one. API reads pass the partner `organisation` and the OAuth
    `client` id, with `actor` None.
    """
    if ground not in GROUNDS:
        raise ValueError(f"audit_read needs an AccessGround, got {ground!r}")
    return _record(
        actor=actor,
        obj=obj,
        kind=EventKind.READ,
        action="read",
        case_uuid=case_uuid,
        view=view,
        purpose=purpose,
        flagged=flagged,
        ground=ground,
        organisation=organisation,
        client=client,
    )


# Per row: what differs between the entries of one list answer; the rest is the same for all.
READ_MANY_COLUMNS = ("uuid", "target_type", "target_id", "case_uuid", "ground")


def audit_read_many(
    *,
    reads: list[tuple[models.Model, UUID | None, str]],
    view: str,
    organisation: Any = None,
    client: str = "",
    purpose: str = "",
) -> int:
    """One read entry per (obj, case_uuid, ground) in one INSERT: a list answer of the partner
    API logs every record it returned without a query per row. No actor (a system read).

    Rows go in without model instances (socialdomain/bulk.py): on a page of 50 allocations
    `bulk_create`'s per-field preparation cost more than the rest of the API layer
    (docs/performance.md). Returns the number of entries written.
    """
    if not reads:
        return 0
    rows = []
    for obj, case_uuid, ground in reads:
        if ground not in GROUNDS:
            raise ValueError(f"audit_read_many needs an AccessGround, got {ground!r}")
        target_type, target_id = _target(obj)
        case = None if case_uuid is None else uuid_value(case_uuid)
        rows.append((uuid_value(event_uuid()), target_type, target_id, case, ground))
    same = {
        "created_at": connection.ops.adapt_datetimefield_value(timezone.now()),
        "actor_id": None,
        "kind": EventKind.READ.value,
        "action": "read",
        "view": view,
        "purpose": purpose,
        "changes": "{}",
        "organisation_id": getattr(organisation, "pk", organisation),
        "client": client,
        "flagged": False,
    }
    insert_rows(AuditEvent, READ_MANY_COLUMNS, rows, same=same)
    return len(rows)


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
