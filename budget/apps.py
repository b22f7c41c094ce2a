from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget")

    def ready(self) -> None:
        from arrangements.hooks import register_budget_room, register_commitment_listener

        from . import selectors, services

        # Granting, changing and ending an arrangement books its commitment here.
        register_commitment_listener(services.commitment_book)
        # The regisseur sees the team's room under its ceiling beside the cost estimate.
        register_budget_room(selectors.team_room)
