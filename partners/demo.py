"""Demo API clients: one per demo provider and municipality it works in, with a KNOWN secret.

Demo only (`make demo`), never in production: the walk-through in docs/api.md uses
these credentials, e.g. client id `demo-sensire-thuiszorg-lochem` with the secret below.
Idempotent: an existing demo client is left as it is.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Organisation

from .constants import Scope
from .models import ApiClient
from .services import api_client_create

DEMO_CLIENT_SECRET = "demo-partner-geheim-2026"  # noqa: S105 (demo only, documented in docs/api.md)


def demo_client_id(organisation: Organisation, municipality_name: str) -> str:
    return f"demo-{slugify(organisation.name)}-{slugify(municipality_name)}"


@transaction.atomic
def seed() -> None:
    from arrangements.demo import PROVIDERS

    names = [name for name, *_ in PROVIDERS]
    created = []
    for org in Organisation.objects.filter(name__in=names).prefetch_related("municipalities").order_by("name"):
        for municipality in org.municipalities.all():
            client_id = demo_client_id(org, municipality.name)
            if ApiClient.objects.filter(application__client_id=client_id).exists():
                continue
            api_client_create(
                actor=None,
                name=f"{org.name} ({municipality.name}) – demo",
                organisation=org,
                municipality=municipality,
                scopes=[s.value for s in Scope],
                client_id=client_id,
                client_secret=DEMO_CLIENT_SECRET,
            )
            created.append(client_id)
    if created:
        print(f"Demo API clients (secret {DEMO_CLIENT_SECRET!r}, demo only): " + ", ".join(created))
