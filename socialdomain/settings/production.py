"""Production: every secret from the environment, HTTPS only, two-factor required."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, TEMPLATES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# Persistent database connections: opening a PostgreSQL connection per request cost ~40 %
# of the throughput (docs/performance.md). A connection lives CONN_MAX_AGE seconds and is
# checked before reuse, so a restarted database or a pooler that dropped it costs one error-free
# reconnect. With PgBouncer in transaction mode in front, keep this and set
# DISABLE_SERVER_SIDE_CURSORS (docs/deployment.md).
for _alias in DATABASES:
    DATABASES[_alias]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = True
    DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)

# Shared cache in Redis: the API rate limits (DRF throttling) count across all web
# processes, and the sessions live there (below).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Sessions in the cache, not in PostgreSQL: SESSION_SAVE_EVERY_REQUEST (the sliding idle
# timeout) would otherwise write a row on every request. The cost of this choice: a Redis
# restart without persistence logs everyone out (they log in again, with their second
# factor); no case data is lost. `cached_db` would survive that but put the write back.
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "default"

# Templates are parsed once per process, not on every render (DEBUG is off, but say it).
TEMPLATES[0]["APP_DIRS"] = False
TEMPLATES[0]["OPTIONS"] = {
    **TEMPLATES[0]["OPTIONS"],  # type: ignore[dict-item]
    "loaders": [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ],
}
