"""Local development and the demo: SQLite by default, tasks in-process without a broker."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_AUTOREFRESH = DEBUG
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040: SQLite has no covering indexes, so Django creates the two case indexes
    # with `include=[...]` (cases/models.py) without their non-key columns, which is
    # exactly right for the demo database: INCLUDE is a PostgreSQL index-only-scan
    # optimisation (docs/performance.md), not a constraint. Only here, only on SQLite;
    # test and production settings silence nothing (make test runs check --deploy).
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
