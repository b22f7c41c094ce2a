"""Unread notifications in the site header (one COUNT per page) and the notifications page."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from accounts.context_processors import notification_count
from accounts.models import Notification
from accounts.services import notification_send

pytestmark = pytest.mark.django_db


def _header_link(body: str) -> str:
    start = body.index(f'href="{reverse("notifications")}"')
    return body[start : body.index("</a>", start)]


def test_header_shows_the_number_of_unread_notifications(client, make_user):
    user = make_user(Role.REGISSEUR)
    other = make_user(Role.REGISSEUR)
    for i in range(3):
        notification_send(recipient=user, text=f"Nieuwe aanmelding {i}")
    notification_send(recipient=other, text="Niet voor u")
    Notification.objects.create(recipient=user, text="Al gelezen", is_read=True)
    client.force_login(user)
    link = _header_link(client.get(reverse("home")).content.decode())
    assert 'Meldingen (3<span class="visually-hidden"> ongelezen</span>)' in link


def test_header_count_costs_one_query_whatever_the_number_of_notifications(client, make_user):
    user = make_user(Role.REGISSEUR)
    client.force_login(user)
    # Not the home page: its worklist lists the notifications itself (its own test).
    client.get(reverse("cases:list"))  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("cases:list"))
    for i in range(25):
        notification_send(recipient=user, text=f"Melding {i}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("cases:list")).content.decode()
    assert "Meldingen (25" in body
    assert len(many.captured_queries) == len(none.captured_queries)
    counts = [q["sql"] for q in many.captured_queries if "accounts_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]


def test_notification_count_is_lazy_and_skipped_for_anonymous_users(make_user):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as ctx:
        assert notification_count(request) == {}
    assert ctx.captured_queries == []

    request.user = make_user(Role.CONTROLLER)
    notification_send(recipient=request.user, text="Budgetoverschrijding")
    with CaptureQueriesContext(connection) as ctx:
        context = notification_count(request)
    assert ctx.captured_queries == []  # nothing until a template reads it
    with CaptureQueriesContext(connection) as ctx:
        assert context["unread_notification_count"] == 1
    assert len(ctx.captured_queries) == 1


def test_notifications_page_lists_them_and_marks_all_read(client, make_user):
    user = make_user(Role.TEAMLEIDER)
    notification_send(recipient=user, text="Noodtoegang tot dossier 2026-00001", link="/dossiers/")
    notification_send(recipient=user, text="Nieuwe aanmelding")
    client.force_login(user)
    response = client.get(reverse("notifications"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Noodtoegang tot dossier 2026-00001" in body and "Nieuwe aanmelding" in body
    assert "Alles als gelezen markeren" in body

    response = client.post(reverse("notifications"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    assert not Notification.objects.filter(recipient=user, is_read=False).exists()
    body = client.get(reverse("notifications")).content.decode()
    assert 'Meldingen (0<span class="visually-hidden"> ongelezen</span>)' in _header_link(body)
    assert "Alles als gelezen markeren" not in body
    assert "Nieuwe aanmelding" in body  # read notifications stay listed


def test_marking_read_leaves_other_users_notifications_alone(client, make_user):
    user = make_user(Role.REGISSEUR)
    other = make_user(Role.REGISSEUR)
    notification_send(recipient=other, text="Voor een collega")
    client.force_login(user)
    client.post(reverse("notifications"))
    assert Notification.objects.get(recipient=other).is_read is False
