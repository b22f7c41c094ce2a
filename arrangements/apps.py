from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrangementsConfig(AppConfig):
    name = "arrangements"
    verbose_name = _("Voorzieningen")

    def ready(self) -> None:
        from cases import permissions as case_permissions

        from . import access, worklist

        # Expert access through an escalation ends at read time (docs/permissions.md).
        case_permissions.register_lapsed_grants(access.lapsed_case_ids)
        case_permissions.register_grant_notes(access.grant_notes)
        worklist.register()
