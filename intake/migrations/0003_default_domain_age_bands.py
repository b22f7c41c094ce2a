"""Every existing municipality starts with the default life-domain age bands.

A frozen copy of intake.constants.DEFAULT_DOMAIN_AGE_BANDS at the time of writing, so that
a later change of the defaults does not rewrite history.
"""

from django.db import migrations

ADULT = 18
BANDS = [
    ("finances", ADULT, None),
    ("work", ADULT, None),
    ("daytime", 0, None),
    ("housing", ADULT, None),
    ("relations", 0, None),
    ("mental", 0, None),
    ("physical", 0, None),
    ("addiction", ADULT, None),
    ("adl", ADULT, None),
    ("network", 0, None),
    ("participation", ADULT, None),
    ("justice", ADULT, None),
    ("parenting", 0, None),
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    Municipality = apps.get_model("accounts", "Municipality")
    DomainAgeBand = apps.get_model("intake", "DomainAgeBand")
    for municipality in Municipality.objects.all():
        if DomainAgeBand.objects.filter(municipality=municipality).exists():
            continue
        DomainAgeBand.objects.bulk_create(
            DomainAgeBand(municipality=municipality, domain=d, min_age=lo, max_age=hi) for d, lo, hi in BANDS
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_domain_age_bands")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
