import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.constants import Role

SCRIPT = "<script>alert('x')</script>"


@pytest.mark.django_db
def test_free_text_from_a_user_renders_escaped_on_the_home_page(client, make_user):
    client.force_login(make_user(Role.REGISSEUR, first_name=SCRIPT, last_name="<b>Jansen</b>"))
    content = client.get(reverse("home")).content.decode()
    assert SCRIPT not in content
    assert "<b>Jansen</b>" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content  # the heading and the header


def test_api_throttling_is_on_for_anonymous_clients_and_users(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert classes == ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"]
    # partner_client: the partner API's per-client rate (partners/api/auth.py, tests/partners/test_throttle.py).
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"anon", "user", "partner_client"}


def test_an_api_view_answers_429_once_the_anonymous_rate_is_spent():
    class Ping(APIView):
        permission_classes = ()  # the rate limit, not the login, is under test

        def get(self, request):  # type: ignore[no-untyped-def]
            return Response({"ok": True})

    cache.clear()
    limit, _period = api_settings.DEFAULT_THROTTLE_RATES["anon"].split("/")
    view = Ping.as_view()
    factory = APIRequestFactory()
    statuses = [view(factory.get("/api/ping")).status_code for _ in range(int(limit) + 1)]
    assert statuses[:-1] == [200] * int(limit)
    assert statuses[-1] == 429
    cache.clear()
