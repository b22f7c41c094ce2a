"""The `reporting` alias configuration and the router, without a replica."""

from django.conf import settings

from accounts.models import Team
from socialdomain.dbrouters import PRIMARY_DB, REPORTING_DB, PrimaryReplicaRouter
from socialdomain.settings.base import reporting_database


def test_reporting_defaults_to_the_primary_read_only(monkeypatch):
    monkeypatch.delenv("REPORTING_DATABASE_URL", raising=False)
    default = {**settings.DATABASES["default"], "CONN_MAX_AGE": 60}
    db = reporting_database(default)
    assert (db["NAME"], db["HOST"], db["PORT"]) == (default["NAME"], default["HOST"], default["PORT"])
    assert "default_transaction_read_only=on" in db["OPTIONS"]["options"]
    assert db["CONN_MAX_AGE"] == 60


def test_reporting_database_url_points_the_alias_elsewhere(monkeypatch):
    monkeypatch.setenv("REPORTING_DATABASE_URL", "postgres://reader@replica.example.invalid:5433/socialdomain")
    db = reporting_database(settings.DATABASES["default"])
    assert (db["HOST"], db["PORT"], db["USER"]) == ("replica.example.invalid", 5433, "reader")
    assert "default_transaction_read_only=on" in db["OPTIONS"]["options"]


def test_router_writes_to_the_primary_and_never_migrates_the_replica():
    router = PrimaryReplicaRouter()
    from_replica = Team(pk=1)
    from_replica._state.db = REPORTING_DB
    assert router.db_for_write(Team, instance=from_replica) == PRIMARY_DB
    assert router.db_for_read(Team) is None  # the primary unless a report says .using(REPORTING_DB)
    assert router.allow_migrate(REPORTING_DB, "cases") is False
    assert router.allow_migrate(PRIMARY_DB, "cases") is None
    from_primary = Team(pk=2)
    from_primary._state.db = PRIMARY_DB
    assert router.allow_relation(from_replica, from_primary) is True
