from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner-API (aanbieders)")

    def ready(self) -> None:
        # drf-spectacular finds the OAuth2 scheme extension once its module is imported.
        from . import registry, sections
        from .api import schema  # noqa: F401

        registry.register()
        # Requests and progress reports on the case page, requests on the regisseur's worklist.
        sections.register()
