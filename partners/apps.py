from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner-API (aanbieders)")

    def ready(self) -> None:
        # drf-spectacular finds the OAuth2 scheme extension once its module is imported.
        from .api import schema  # noqa: F401
