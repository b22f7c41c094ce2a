from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget")

    def ready(self) -> None:
        from arrangements.hooks import register_commitment_listener

        from . import services

        # Granting, changing and ending an arrangement books its commitment here.
        register_commitment_listener(services.commitment_book)
