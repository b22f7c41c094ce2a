"""Throttling per client: one client's burst does not limit another; 429 is a problem answer."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.partners.conftest import api_for

pytestmark = pytest.mark.django_db


def test_throttle_is_per_client(settings, world, partner, other_partner):
    cache.clear()
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "partner_client": "3/minute"}
    with override_settings(REST_FRAMEWORK=rest):
        first, second = api_for(partner), api_for(other_partner)
        statuses = [first.get("/api/v1/allocations").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = first.get("/api/v1/allocations")
        assert limited["Content-Type"] == "application/problem+json" and "Retry-After" in limited
        assert second.get("/api/v1/allocations").status_code == 200
    cache.clear()
