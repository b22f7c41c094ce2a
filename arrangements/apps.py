from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrangementsConfig(AppConfig):
    name = "arrangements"
    verbose_name = _("Voorzieningen")

    def ready(self) -> None:
        from audit.models import AccessGround
        from cases import permissions as case_permissions
        from plan import hooks as plan_hooks

        from . import access, selectors, worklist

        # Expert access through an escalation ends at read time (docs/permissions.md).
        case_permissions.register_lapsed_grants(access.lapsed_case_ids)
        case_permissions.register_grant_notes(access.grant_notes)
        # The access log names the ground of a read through an escalation (NEN 7513).
        case_permissions.register_live_grant(AccessGround.ESCALATION, access.live_access)
        worklist.register()
        # The plan shows the provisions deployed on each of its goals.
        plan_hooks.register_goal_provisions(selectors.goal_provisions)
