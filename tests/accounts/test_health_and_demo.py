import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, USERS
from accounts.models import Membership, Municipality, Team, User
from audit.models import AuditEvent


@pytest.mark.django_db
def test_health_reports_database_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_stays_up_when_redis_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "unavailable", "celery": "unknown"}


@pytest.mark.integration
def test_health_sees_the_real_celery_worker(client, celery_worker):
    body = client.get("/health").json()
    assert body["redis"] == "ok"
    assert body["celery"].endswith("worker(s)")


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Municipality.objects.count(), Team.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (
        Municipality.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert set(Municipality.objects.values_list("name", flat=True)) >= {"Lochem", "Zutphen"}
    assert set(Team.objects.values_list("kind", flat=True)) == {"wijkteam", "cjg", "loket", "expertiseteam"}
    out = capsys.readouterr().out
    for username, *_ in USERS:
        assert username in out
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_audit_log_is_append_only(make_user):
    from socialdomain.audit import audit_write

    event = audit_write(actor=make_user("regisseur"), action="test", obj=None)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.filter(pk=event.pk, action="test").exists()
