"""Take controllers and functional administrators out of their teams' permission groups.

Until now every member of a team joined the team's group, so a case shared with a team
reached its controllers and staff too. Only casework roles belong in the group now
(accounts.services.user_sync_team_groups); this brings existing rows in line.
"""

from django.db import migrations

CASEWORK_ROLES = ["regisseur", "teamleider", "expert"]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Team = apps.get_model("accounts", "Team")
    Membership = apps.get_model("accounts", "Membership")
    User = apps.get_model("accounts", "User")
    through = User.groups.through
    for team in Team.objects.all().only("pk", "group_id"):
        casework = Membership.objects.filter(team=team, role__in=CASEWORK_ROLES).values("user_id")
        through.objects.filter(group_id=team.group_id).exclude(user_id__in=casework).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_notification")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
