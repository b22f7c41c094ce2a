"""Celery application. Tasks take ids and primitives only (see docs/architecture.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings.dev")

app = Celery("socialdomain")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
