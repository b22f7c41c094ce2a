from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from socialdomain.authz import forget_permission_ids

        post_migrate.connect(forget_permission_ids, dispatch_uid="authz_forget_permission_ids")

        # The case page's sections and the home worklist's items that cases contributes.
        from . import sections, worklist

        sections.register()
        worklist.register()
