"""Object permissions: the only module that imports django-guardian.

Every grant, revocation and permission lookup goes through here, so the policy is
declared once (each app's permissions.py, documented in docs/permissions.md) and
guardian could be replaced without touching the apps. ruff's banned-api rule (TID251)
forbids `guardian` imports anywhere else.

Grants use guardian's direct-foreign-key tables (one per protected model), which keep
the permission-filtered lists index-friendly (see ../shared/PERFORMANCE.md).
"""

from functools import cache

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm

__all__ = [
    "GroupObjectPermissionBase",
    "UserObjectPermissionBase",
    "grant",
    "permission_id",
    "revoke",
]


@cache
def permission_id(model: type[models.Model], codename: str) -> int:
    """The id of a model permission, looked up once per process."""
    ct = ContentType.objects.get_for_model(model)
    return Permission.objects.only("id").get(content_type=ct, codename=codename).id


def forget_permission_ids(**kwargs: object) -> None:
    """post_migrate receiver: permissions may have been recreated with new ids.

    In production ids never change, but a database flush (transactional tests) recreates
    the permission rows; a stale cached id would silently hide every grant.
    """
    permission_id.cache_clear()


def grant(*, codename: str, to: models.Model, obj: models.Model) -> None:
    """Grant `codename` on `obj` to a user or a group; idempotent."""
    assign_perm(codename, to, obj)


def revoke(*, codename: str, frm: models.Model, obj: models.Model) -> None:
    """Take `codename` on `obj` away from a user or a group; idempotent."""
    remove_perm(codename, frm, obj)


def is_group(principal: models.Model) -> bool:
    return isinstance(principal, Group)
