"""Django's admin log kept `str(obj)` of case records edited in the admin (a person's name, a
household's name, "Chantal Bakker (Ouder) Delen met school"). Case content is no longer in
the admin and `__str__` carries no personal data (docs/permissions.md, "Admin"); this
rewrites what was stored before to "<model> #<id>". Irreversible on purpose: the names
are not put back.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat

CASE_CONTENT = {
    "cases": [
        "person",
        "household",
        "householdmember",
        "networkcontact",
        "casenote",
        "consent",
        "breakglassaccess",
        "regisseurchange",
    ],
    "intake": ["signal", "gesprek", "domainscore", "meldcodestep"],
    "accounts": ["notification"],
}


def forget_names(apps, schema_editor):  # type: ignore[no-untyped-def]
    LogEntry = apps.get_model("admin", "LogEntry")
    for app_label, models in CASE_CONTENT.items():
        for model in models:
            LogEntry.objects.filter(content_type__app_label=app_label, content_type__model=model).update(
                object_repr=Concat(Value(f"{model} #"), "object_id")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_names, migrations.RunPython.noop)]
