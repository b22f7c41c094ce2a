"""Agreed plan versions are immutable in the database too (PostgreSQL only).

A trigger refuses UPDATE and DELETE of a plan version once it is agreed, active or
evaluated, except for the columns its life cycle moves (status forward, is_current,
activated_on, evaluated_on, version, updated_at). Triggers on goals, actions, safety
agreements, risks and the agreed-members table refuse INSERT, UPDATE and DELETE of
rows of such a version; an action's `done_on` may still be set (progress, not a change
of the agreement). The error is SQLSTATE 23000, so Django raises IntegrityError.

SQLite (the demo) has no such trigger: there the services and the read-only admin
guard agreed versions (docs/plan.md).
"""

from django.db import migrations

FROZEN = "('agreed', 'active', 'evaluated')"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION plan_refuse_frozen_plan() RETURNS trigger AS $$
DECLARE
  movable text[] := ARRAY['status', 'is_current', 'activated_on', 'evaluated_on', 'version', 'updated_at'];
BEGIN
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

CREATE TRIGGER plan_plan_frozen BEFORE UPDATE OR DELETE ON plan_plan
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_plan();
CREATE TRIGGER plan_goal_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_goal
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_child('plan_id');
CREATE TRIGGER plan_action_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_action
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_child('plan_id', 'done_on');
CREATE TRIGGER plan_safetyagreement_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_safetyagreement
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_child('plan_id');
CREATE TRIGGER plan_risk_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_risk
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_child('plan_id');
CREATE TRIGGER plan_agreed_members_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_plan_agreed_members
  FOR EACH ROW EXECUTE FUNCTION plan_refuse_frozen_child('plan_id');
"""

DROP = """
DROP TRIGGER IF EXISTS plan_agreed_members_frozen ON plan_plan_agreed_members;
DROP TRIGGER IF EXISTS plan_risk_frozen ON plan_risk;
DROP TRIGGER IF EXISTS plan_safetyagreement_frozen ON plan_safetyagreement;
DROP TRIGGER IF EXISTS plan_action_frozen ON plan_action;
DROP TRIGGER IF EXISTS plan_goal_frozen ON plan_goal;
DROP TRIGGER IF EXISTS plan_plan_frozen ON plan_plan;
DROP FUNCTION IF EXISTS plan_refuse_frozen_child();
DROP FUNCTION IF EXISTS plan_refuse_frozen_plan();
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
