"""Object permissions: the only module that imports django-guardian.

Every grant, revocation and permission-filtered query goes through here, so the
policy is declared once (see docs/permissions.md) and guardian can be replaced
without touching the apps. ruff's banned-api rule (TID251) forbids `guardian`
imports anywhere else.
"""

from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

__all__ = ["GroupObjectPermissionBase", "UserObjectPermissionBase"]
