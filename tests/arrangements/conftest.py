import pytest

from arrangements import hooks
from tests.arrangements.factories import world_create


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return world_create()


@pytest.fixture
def commitments():  # type: ignore[no-untyped-def]
    """A test listener on the budget hook: records every change (the budget app comes later)."""
    seen: list[hooks.CommitmentChange] = []
    hooks.register_commitment_listener(seen.append)
    yield seen
    hooks.unregister_commitment_listener(seen.append)
