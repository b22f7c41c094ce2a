import pytest

from tests.arrangements.factories import world_create


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return world_create(max_per_arrangement="50000.00", max_per_year="100000.00")
