from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisatie en gebruikers")

    def ready(self) -> None:
        # Notifications on the home worklist, and the places of what is still to come.
        from . import worklist

        worklist.register()
