from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapportages")

    def ready(self) -> None:
        from accounts.constants import Role
        from socialdomain.registry import register_worklist_item

        from . import worklist

        register_worklist_item(
            key="reports.recent",
            label=_("Rapportages"),
            order=320,
            roles=[Role.TEAMLEIDER, Role.CONTROLLER],
            rows=worklist.recent_rows,
            count=worklist.recent_count,
            link=worklist.reports_link,
            limit=5,
            description=_("Geanonimiseerde rapporten: de kwartaalrapportage en het rapport van uw team."),
            empty_text=_("Nog geen rapporten. Een teamleider maakt er een op de pagina Rapportages."),
        )
