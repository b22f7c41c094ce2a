"""Settings shared by every environment.

Every value that differs between machines comes from the environment through
django-environ; docs/configuration.md lists the variables.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # Django's admin on our site class: 404 for forbidden and missing alike (socialdomain/admin_site.py).
    "socialdomain.admin_site.BeheerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "guardian",
    "axes",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "import_export",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # ours
    "accounts",
    "audit",
    "cases",
    "intake",
    "plan",
    "arrangements",
    "budget",
    "partners",  # the partner REST API (issue 14)
    "reports",  # anonymised quarterly and on-demand reports (issue 15)
    "retention",  # retention periods, legal hold, deletion runs (issue 16)
    "subjectaccess",  # AVG subject access exports, restriction (issue 16)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The partner API's `API-Version` header on every /api/v1/ answer (NLGov API design rules).
    "partners.api.middleware.ApiVersionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that redirects to the login page: `?next=` keeps only the path.
    "socialdomain.redirects.NextPathOnlyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After OTPMiddleware (needs user.is_verified) and the login check: staff verify 2FA first.
    "accounts.middleware.OTPRequiredMiddleware",
    # axes must be last: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialdomain.urls"
# A form without (or with a stale) CSRF token: a Dutch page, not Django's English one.
CSRF_FAILURE_VIEW = "socialdomain.errors.csrf_failure"
WSGI_APPLICATION = "socialdomain.wsgi.application"
ASGI_APPLICATION = "socialdomain.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # socialdomain is not an installed app, so its template tags are named here.
            "libraries": {"sd_format": "socialdomain.templatetags.sd_format"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
                "accounts.context_processors.notification_count",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the permission-filtered count query on every request
    # (~120 ms of a 143 ms list, see ../shared/PERFORMANCE.md); our queries are short
    # OLTP queries that never profit from JIT, so it is off for the app's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"


def reporting_database(default: dict) -> dict:
    """The read-only `reporting` alias: REPORTING_DATABASE_URL (a streaming replica), or
    the primary itself when unset. Reports opt in with .using("reporting");
    socialdomain/dbrouters.py sends every write to the primary."""
    url = env("REPORTING_DATABASE_URL", default="")
    db = env.db_url_config(url) if url else {k: v for k, v in default.items() if k != "OPTIONS"}
    db["CONN_MAX_AGE"] = default.get("CONN_MAX_AGE", 0)
    if db["ENGINE"] == "django.db.backends.postgresql":
        db["OPTIONS"] = {"options": "-c jit=off -c default_transaction_read_only=on"}
    # Tests: the alias reads the test database through the default connection's settings.
    db["TEST"] = {"MIRROR": "default"}
    return db


DATABASES["reporting"] = reporting_database(DATABASES["default"])
DATABASE_ROUTERS = ["socialdomain.dbrouters.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: the interface is Dutch.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sessions: expire after inactivity (sliding window).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Django's own CSRF page is English and written for developers.
CSRF_FAILURE_VIEW = "socialdomain.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Uploads are small documents at most.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest accepted document (socialdomain/uploads.py checks size and type by content).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# django-axes: lock on the combination of username and IP address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp 4): no inline scripts or event handlers;
# scripts only from our own origin or with the per-request nonce. The nonce must be the
# csp.constants.NONCE sentinel: the string "'nonce'" would be sent literally (browsers
# ignore it). django-csp only adds 'nonce-…' when a template reads request.csp_nonce;
# our templates have no inline scripts, so most pages get plain script-src 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Two-factor authentication (django-otp). Off in the demo, on in production.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Sociaal Domein"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Rate limits per client IP (anonymous) and per user; counted in the default cache,
    # which production.py points at Redis so that all web processes share the counts.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
        # The partner API: per OAuth client (partners/api/auth.py ClientRateThrottle).
        "partner_client": env("API_THROTTLE_CLIENT", default="600/minute"),
    },
    # Partner API errors are RFC 9457 problem details (partners/api/problems.py); the handler
    # falls back to DRF's own for other DRF views.
    "EXCEPTION_HANDLER": "partners.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "partners.api.schema.PartnerAutoSchema",
}

# OpenAPI 3 of the partner API (drf-spectacular); Swagger UI from the sidecar package (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "Sociaal Domein – partner-API",
    "DESCRIPTION": (
        "Allocations (toewijzingen), start and stop of care, progress reports and declarations "
        "for care providers, after the iWmo/iJw messages. JSON fields are camelCase; errors are "
        "RFC 9457 problem details with `invalidParams`. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partners.api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {},
}

# Celery: tasks take ids only. Without a broker (demo), tasks run in-process.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Workers keep the LOGGING of the settings (its formatter masks BSNs) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The schedule lives in the database (django-celery-beat): the entries below are copied into
# it at beat's start, and the quarterly reports add one entry per municipality
# (reports.services.quarterly_schedule_sync, edited by municipality staff in the admin).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis redelivers a task whose worker died before acknowledging it (acks_late) after this
# many seconds; it must exceed the longest task (a quarterly report: well under a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "revoke-expired-break-glass": {"task": "cases.tasks.revoke_expired_break_glass", "schedule": 300.0},
    # Each morning: overdue plan evaluations and actions (once per item per day).
    "plan-reminders": {"task": "plan.tasks.send_plan_reminders", "schedule": crontab(hour=7, minute=0)},
    # arrangements (docs/arrangements.md)
    "warn-overdue-escalations": {"task": "arrangements.tasks.warn_overdue_escalations", "schedule": 3600.0},
    "mark-due-reviews": {"task": "arrangements.tasks.mark_due_reviews", "schedule": 3600.0},
    "revoke-lapsed-expert-access": {"task": "arrangements.tasks.revoke_lapsed_expert_access", "schedule": 900.0},
    "budget-recompute-nightly": {
        "task": "budget.tasks.budget_recompute_open",
        "schedule": crontab(hour=2, minute=15),
    },
    "purge-form-submissions": {"task": "accounts.tasks.purge_form_submissions", "schedule": 6 * 3600.0},
    # Retention (docs/retention.md): the dry-run list per municipality, restart of broken-off runs.
    "retention-runs": {"task": "retention.tasks.plan_retention_runs", "schedule": crontab(hour=2, minute=45)},
    # Subject-access exports: files deleted 30 days after the request (docs/subject-access.md).
    "expire-subject-access-exports": {
        "task": "subjectaccess.tasks.expire_subject_access_exports",
        "schedule": crontab(hour=3, minute=30),
    },
    # Monday morning: last week's overview of unusual access for every team leader (NEN 7513).
    "unusual-access-weekly": {
        "task": "cases.tasks.unusual_access_weekly",
        "schedule": crontab(day_of_week="mon", hour=6, minute=30),
    },
}

# Retention: records removed per batch (each batch is one transaction; docs/retention.md).
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=50)

# Arrangements: the expert team's response deadline (working days; safety: the same day)
# and the longest an expert's access through one escalation lasts (checked at read time).
ESCALATION_DEADLINE_WORKING_DAYS = env.int("ESCALATION_DEADLINE_WORKING_DAYS", default=5)
EXPERT_ACCESS_MAX_DAYS = env.int("EXPERT_ACCESS_MAX_DAYS", default=90)

# Reports (docs/reports.md): the private directory of finished report files (never served
# as static or media files; downloads go through reports.views, authorised and audited).
REPORTS_ROOT = Path(env("REPORTS_ROOT", default=str(BASE_DIR / "var" / "reports")))
# Tests only: seconds a report run sleeps between its steps, so a test can watch its
# progress and kill the worker mid-run. Always 0 in production.
REPORTS_STEP_PAUSE_SECONDS = env.float("REPORTS_STEP_PAUSE_SECONDS", default=0.0)
# PostgreSQL's work_mem for a report's own session (reports.figures): its aggregates over
# hundreds of thousands of rows stay in memory instead of spilling to disk (about twice as
# fast at 100 000 cases, docs/performance.md). One report runs at a time per worker.
REPORT_WORK_MEM = env("REPORT_WORK_MEM", default="64MB")

# Disclosure control: no dashboard or report cell stands for fewer households than this.
DISCLOSURE_MINIMUM = env.int("DISCLOSURE_MINIMUM", default=10)

# Break-glass: emergency access to a case without a share, for this many hours.
BREAK_GLASS_HOURS = env.int("BREAK_GLASS_HOURS", default=8)
# The weekly overview of unusual access (cases/access_review.py) calls it a burst when one
# user read at least ACCESS_BURST_CASES distinct cases within ACCESS_BURST_MINUTES minutes.
ACCESS_BURST_CASES = env.int("ACCESS_BURST_CASES", default=20)
ACCESS_BURST_MINUTES = env.int("ACCESS_BURST_MINUTES", default=10)

# Blind index and field encryption keys for BSN (see docs/security.md).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="insecure-development-blind-index-key")

# Error reports mask every POST value (BSN, names, free text); see socialdomain/reporting.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "socialdomain.reporting.PersonalDataExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # PersonalDataFormatter masks anything that passes the BSN 11-test (socialdomain/logformat.py).
    "formatters": {
        "plain": {
            "()": "socialdomain.logformat.PersonalDataFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django.request logs the path only ("Not Found: /dossiers/…"), never the query
        # string; personal data is never in either (docs/security.md). WARNING keeps the noise down.
        "django.request": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO (and CSS it ignores at WARNING).
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Serve static files straight from the source folders where no collectstatic ran (dev, test).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Partner API authentication (django-oauth-toolkit, issue 14) -------------------------
# Client credentials only; every RFC 9700 (OAuth 2.0 Security BCP) recommendation on.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=900),
    # The scopes a partner client may hold; each client gets the ones its ApiClient lists
    # (partners/oauth.py), revoked clients cannot authenticate at the token endpoint.
    "SCOPES": {
        "allocations:read": "Toewijzingen inzien",
        "care:report": "Ontvangst, start en stop van zorg en voortgang melden",
        "declarations:write": "Declareren",
    },
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "partners.oauth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "partners.oauth.PartnerOAuth2Validator",
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
# Named explicitly so that partners.ApiClient's foreign key to the application can be migrated.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
