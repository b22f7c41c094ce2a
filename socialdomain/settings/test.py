"""Test settings: PostgreSQL and Redis by default (the machines run them), fast hashing."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env, reporting_database

DATABASES["default"] = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/socialdomain")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
DATABASES["reporting"] = reporting_database(DATABASES["default"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/5")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0="]
BLIND_INDEX_KEY = "test-blind-index-key"
AXES_FAILURE_LIMIT = 3
# Report files of tests (and of a test's worker subprocess) outside the checkout.
REPORTS_ROOT = Path(env("REPORTS_ROOT", default=str(Path(tempfile.gettempdir()) / "sd-test-reports")))
