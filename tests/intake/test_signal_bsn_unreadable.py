"""A BSN that no key decrypts reads "BSN niet leesbaar" on the signal page, once."""

import base64

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
OTHER_KEY = base64.urlsafe_b64encode(b"another-key-another-key-another!!").decode()


def test_signal_page_names_an_unreadable_bsn_once(client, make_signal, regisseur, settings):
    signal = make_signal()
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    client.force_login(regisseur)
    body = client.get(reverse("intake:signal_detail", args=[signal.uuid])).content.decode()
    assert "BSN niet leesbaar" in body
    assert "BSN BSN" not in body


def test_signal_page_shows_a_readable_bsn_masked(client, make_signal, regisseur):
    signal = make_signal()
    client.force_login(regisseur)
    body = client.get(reverse("intake:signal_detail", args=[signal.uuid])).content.decode()
    assert "BSN *****2333" in body and "niet leesbaar" not in body
