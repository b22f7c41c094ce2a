from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Intake's tab on the case page, its date in the case header, its worklist items.
        from . import sections

        sections.register()
