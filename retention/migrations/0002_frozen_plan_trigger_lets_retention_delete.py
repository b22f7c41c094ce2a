"""Retention may delete agreed plan versions past their period (PostgreSQL only).

Plan migration 0002 guards agreed, active and evaluated plan versions with triggers that
refuse UPDATE and DELETE. A retention run must remove them with the rest of an expired
case. This replaces the two trigger functions with the same bodies plus one narrow door:
when the current transaction has set `sd.retention_purge` to 'on' (`SET LOCAL`, only in
`retention.services._batch`), a DELETE passes, and so does an UPDATE that a cascade makes
while deleting (SET NULL of a foreign key). Nothing else changes: outside that transaction
the setting is empty and the guards work exactly as before.
"""

from django.db import migrations

FROZEN = "('agreed', 'active', 'evaluated')"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION plan_refuse_frozen_plan() RETURNS trigger AS $$
DECLARE
  movable text[] := ARRAY['status', 'is_current', 'activated_on', 'evaluated_on', 'version', 'updated_at'];
BEGIN
  IF COALESCE(current_setting('sd.retention_purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status IN {FROZEN} THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION 'plan_frozen: an agreed plan version cannot be deleted' USING ERRCODE = '23000';
    END IF;
    IF (to_jsonb(NEW) - movable) IS DISTINCT FROM (to_jsonb(OLD) - movable)
       OR NEW.status = 'draft'
       OR (OLD.status = 'active' AND NEW.status = 'agreed')
       OR (OLD.status = 'evaluated' AND NEW.status <> 'evaluated') THEN
      RAISE EXCEPTION 'plan_frozen: an agreed plan version cannot be changed' USING ERRCODE = '23000';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION plan_refuse_frozen_child() RETURNS trigger AS $$
DECLARE
  plan_column text := TG_ARGV[0];
  movable text[] := COALESCE(TG_ARGV[1:TG_NARGS - 1], ARRAY[]::text[]);
  old_row jsonb;
  new_row jsonb;
BEGIN
  IF TG_OP <> 'INSERT' AND COALESCE(current_setting('sd.retention_purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    old_row := to_jsonb(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_row := to_jsonb(NEW);
  END IF;
  IF old_row IS NOT NULL AND EXISTS (
      SELECT 1 FROM plan_plan WHERE id = (old_row ->> plan_column)::bigint AND status IN {FROZEN}) THEN
    IF TG_OP = 'DELETE' OR (new_row - movable) IS DISTINCT FROM (old_row - movable) THEN
      RAISE EXCEPTION 'plan_frozen: part of an agreed plan version cannot be changed' USING ERRCODE = '23000';
    END IF;
  END IF;
  IF new_row IS NOT NULL AND EXISTS (
      SELECT 1 FROM plan_plan WHERE id = (new_row ->> plan_column)::bigint AND status IN {FROZEN})
      AND (old_row IS NULL OR (old_row ->> plan_column) IS DISTINCT FROM (new_row ->> plan_column)) THEN
    RAISE EXCEPTION 'plan_frozen: nothing can be added to an agreed plan version' USING ERRCODE = '23000';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        original = import_module("plan.migrations.0002_frozen_plan_trigger")
        schema_editor.execute(original.FUNCTIONS.split("CREATE TRIGGER")[0], params=None)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_retention_policies_runs_holds"), ("plan", "0004_text_limits")]

    operations = [migrations.RunPython(forwards, backwards)]
