"""Tariff periods of one item never overlap: an exclusion constraint on PostgreSQL.

Not in the model's Meta because the demo runs on SQLite, where `Tariff.clean` (and the
services) keep the rule; on PostgreSQL this makes it hold even for concurrent writers.
"""

from django.db import migrations

SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE arrangements_tariff ADD CONSTRAINT tariff_no_overlap EXCLUDE USING gist (
    item_id WITH =,
    daterange(valid_from, valid_until, '[]') WITH &&
);
"""
REVERSE = "ALTER TABLE arrangements_tariff DROP CONSTRAINT IF EXISTS tariff_no_overlap;"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("arrangements", "0001_catalogue_mandates_arrangements_escalations")]

    operations = [migrations.RunPython(forwards, backwards)]
