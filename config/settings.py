"""Redress settings, read from the environment (CONTRACT §3).

Every value has a default that runs with no services: SQLite and a filesystem
broker under `var/`. Nothing else in the project reads `os.environ`.
"""

import secrets
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.security import HOW_TO, refuse_weak_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
TESTING = "pytest" in sys.modules

DEBUG = env.bool("DEBUG", default=False)


def _dev_secret_key() -> str:
    """Generate a secret key once into var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if SECRET_KEY and not DEBUG:
    refuse_weak_secret_key(SECRET_KEY)
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            f"SECRET_KEY is required when DEBUG is off. {HOW_TO}"
        )
    SECRET_KEY = _dev_secret_key()

# With DEBUG off the hosts must be named: no default answers for every name.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]"] if DEBUG or TESTING else [],
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The customer's status and survey links are built by the portal and handed down to the domain.
CUSTOMER_STATUS_URL = "portal.links.status_url"
CUSTOMER_SURVEY_URL = "portal.links.survey_url"
# Regulated handling (CONTRACT §15): the regime of a case whose category and
# team name none (`fca`, `fca_payments`, `asic`, `cfpb` or `none`), and the
# firm's name as letters sign it.
DEFAULT_REGIME = env.str("DEFAULT_REGIME", default="none")
# Retention (README, "Retention and data rights"): how long a closed case of a
# regime without a retention rule (e.g. `none`) is kept before the nightly job
# anonymises it. Six years: the limitation period for contract claims in
# England and Wales (Limitation Act 1980 s 5).
DEFAULT_RETENTION_DAYS = env.int("DEFAULT_RETENTION_DAYS", default=6 * 365)
FIRM_NAME = env.str("FIRM_NAME", default="Redress")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "csp",
    "django_htmx",
    "axes",
    "teams",
    "customers",
    "complaints",
    "sla",
    "followups",
    "notifications",
    "scheduler",
    "api",
    "web",
    "dashboards",
    "portal",
    "ops",
    "webhooks",
    "attachments",
    "anymail",
    "mail",
    "demo",
    "regimes",
    "service_recovery",
    "records",
]

MIDDLEWARE = [
    # Outermost, so every answer (problems included) carries its request id.
    "ops.requestid.RequestIdMiddleware",
    # Next, so it sees every error Django answers under /api/ (api.middleware).
    "api.middleware.ApiEdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.unavailable.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions, auth, messages and htmx, skipped by API calls made
    # with a key (api.lean): DRF authenticates those against the key.
    "api.lean.Sessions",
    # The browser's language (Accept-Language) for everyone; a signed-in
    # staff member's own choice overrides it once auth has run (below).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "api.lean.Authentication",
    "teams.locale.StaffLanguageMiddleware",
    "api.lean.Messages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "api.lean.Htmx",
    "axes.middleware.AxesMiddleware",
]

# Prometheus metrics at /metrics (CONTRACT §17): off unless asked for; with a
# token, only its bearer may scrape. The request counters wrap every request.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, default SQLite under var/.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR}/redress.sqlite3"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Workers and beat must survive a database restart on their own.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
# A streaming replica for the dashboards, exports and returns (config.replica).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the primary through this alias: no second test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Tests keep a per-process cache so counters (rate limits) never leak between runs.
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "redress",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Process memos of rarely changed rows (config.memo) need a cache every worker
# shares to learn of edits; a per-process cache serves a single process (tests).
PROCESS_MEMOS = env.bool("PROCESS_MEMOS", default=bool(REDIS_URL) or TESTING)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins lock a username at one address (AXES_FAILURE_LIMIT), never a
# whole office behind one NAT address; and a username at every address after
# AXES_USERNAME_FAILURE_LIMIT failures across addresses (teams.lockouts).
AXES_HANDLER = "teams.lockouts.RedressAxesHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = 1  # hours
AXES_ENABLED = env.bool("AXES_ENABLED", default=not TESTING)
# Maker–checker: may a lead or manager approve their own above-limit offer?
OFFER_SELF_APPROVAL = env.bool("OFFER_SELF_APPROVAL", default=False)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-gb"
# The languages pages and customer emails come in (docs/i18n: adding one is
# `makemessages -l xx`, translating locale/xx, `compilemessages`).
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Attachments (README, Attachments): stored through STORAGES["attachments"],
# by default on disk under var/attachments/ (never under static/ or a public
# URL); ATTACHMENT_STORAGE names another backend (e.g. django-storages'
# storages.backends.s3.S3Storage) and ATTACHMENT_STORAGE_OPTIONS (JSON) its options.
_attachment_backend = env.str(
    "ATTACHMENT_STORAGE", default="django.core.files.storage.FileSystemStorage"
)
_attachment_options = env.json("ATTACHMENT_STORAGE_OPTIONS", default={})
if _attachment_backend.endswith(".FileSystemStorage"):
    _attachment_options = {
        "location": str(VAR_DIR / "attachments"),
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
        **_attachment_options,
    }
STORAGES["attachments"] = {
    "BACKEND": _attachment_backend,
    "OPTIONS": _attachment_options,
}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=5)
ATTACHMENT_TYPES = env.list(
    "ATTACHMENT_TYPES",
    default=[
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "message/rfc822",
    ],
)
# The optional virus scan (clamd INSTREAM): a Unix socket, or a host and port.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)

# Email: EMAIL_URL, or files under var/mail/ by default so the demo shows them.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Redress <care@localhost>")
# Email in (CONTRACT §12): customers reply to REPLY_TO_ADDRESS plus-tagged with
# the case reference; POST /inbound/email/ needs INBOUND_EMAIL_TOKEN (unset: 403);
# beat polls INBOUND_IMAP_URL (imaps://user:password@host/FOLDER) when it is set.
REPLY_TO_ADDRESS = env.str("REPLY_TO_ADDRESS", default="care@localhost")
INBOUND_EMAIL_TOKEN = env.str("INBOUND_EMAIL_TOKEN", default="")
INBOUND_EMAIL_MAX_BYTES = env.int("INBOUND_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
INBOUND_EMAIL_RATE_LIMIT = env.int("INBOUND_EMAIL_RATE_LIMIT", default=20)
INBOUND_IMAP_URL = env.str("INBOUND_IMAP_URL", default="")
# Emails to customers render from the templates managers edit in the admin.
CUSTOMER_EMAIL_RENDERER = "mail.outbound.customer_email_render"
INBOUND_IMAP_EVERY = env.float("INBOUND_IMAP_EVERY", default=60.0)
# Providers' inbound webhooks (django-anymail) at /inbound/anymail/<esp>/inbound/;
# unset, they take nothing. Signature keys per provider go in ANYMAIL too.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}

CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only when DEBUG is off (tests speak plain HTTP to the test client, so
# they keep it off); each can be turned off for a plain-HTTP trial.
HTTPS_ONLY = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
# /healthz, /readyz and /metrics answer probes and scrapers on plain HTTP inside
# the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool(
    "SECURE_COOKIES", default=HTTPS_ONLY
)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS_ONLY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment to the browsers' lists an operator opts into.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy: e.g. "HTTP_X_FORWARDED_PROTO,https".
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https"
    )

# Content-Security-Policy (django-csp): scripts, styles, fonts and requests come
# from our own origin only; nothing inline (templates load static/ files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport.
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task, so an unacknowledged task is not redelivered early.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("REDRESS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues work must not hang on a broker that is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "process-due-every-minute": {
        "task": "scheduler.tasks.process_due",
        "schedule": 60.0,
    },
    # The dashboards' facts: the changed cases every minute, every case nightly.
    "refresh-dashboard-facts": {
        "task": "dashboards.tasks.refresh_facts",
        "schedule": 60.0,
    },
    "refresh-dashboard-nightly": {
        "task": "dashboards.tasks.refresh_dashboard",
        "schedule": crontab(hour=3, minute=0),
    },
    # Webhook retries that fell due (the first try and short retries are queued
    # directly; this picks up the rest and anything a lost task left behind).
    # Retention: anonymise the cases past their retention, nightly.
    "anonymise-expired-nightly": {
        "task": "records.tasks.anonymise_expired",
        "schedule": crontab(hour=2, minute=30),
    },
    "deliver-due-webhooks": {
        "task": "webhooks.tasks.deliver_due_webhooks",
        "schedule": 30.0,
    },
}
if INBOUND_IMAP_URL:
    CELERY_BEAT_SCHEDULE["poll-imap"] = {
        "task": "mail.tasks.poll_imap",
        "schedule": INBOUND_IMAP_EVERY,
    }

# Webhooks (CONTRACT §14): with DEBUG off, URLs resolving to loopback, private,
# link-local or other non-public addresses are refused unless this is set.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_PAUSE_AFTER_HOURS = env.float("WEBHOOK_PAUSE_AFTER_HOURS", default=12.0)

# Problems and promises (CONTRACT §16): this many cases with the same root
# cause, or the same category (and product), within the window open a problem;
# a promise's owner is reminded this long before it is due.
PROBLEM_THRESHOLD = env.int("PROBLEM_THRESHOLD", default=5)
PROBLEM_WINDOW_DAYS = env.int("PROBLEM_WINDOW_DAYS", default=7)
PROMISE_REMIND_BEFORE_MINUTES = env.int("PROMISE_REMIND_BEFORE_MINUTES", default=120)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.SafeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "client": env.str("API_THROTTLE_RATE", default="6000/min"),
        "anon": env.str("API_ANON_THROTTLE_RATE", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Redress API",
    "DESCRIPTION": "File complaints and follow them to a resolution the customer accepts.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable names for shared choice sets (otherwise drf-spectacular invents
    # hashed names such as Channel17fEnum that break generated clients).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "complaints.models.Stage",
        "PriorityEnum": "complaints.models.Priority",
        "CaseChannelEnum": "complaints.models.Channel",
        "CloseReasonEnum": "complaints.models.CloseReason",
        "OfferKindEnum": "complaints.models.OfferKind",
        "OfferStatusEnum": "complaints.models.OfferStatus",
        "MessageKindEnum": "complaints.models.MessageKind",
        "VisibilityEnum": "complaints.models.Visibility",
        "DeadlineKindEnum": "sla.models.DeadlineKind",
        "FollowUpChannelEnum": "followups.models.FollowUpChannel",
        "FollowUpStatusEnum": "followups.models.FollowUpStatus",
        "OutcomeEnum": "followups.models.Outcome",
        "WebhookEventTypeEnum": "webhooks.models.EventType",
        "WebhookStatusEnum": "webhooks.models.SubscriptionStatus",
        "ProblemStatusEnum": "service_recovery.models.ProblemStatus",
        "ProblemBasisEnum": "service_recovery.models.ProblemBasis",
        "LetterKindEnum": "regimes.models.LetterKind",
        "LetterOutcomeEnum": "regimes.models.Outcome",
        "RepresentativeKindEnum": "customers.models.RepresentativeKind",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1_048_576)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
    },
    "filters": {"request_id": {"()": "ops.requestid.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Business defaults (overridable per SLA policy in the admin).
REDRESS_WARN_AT_PERCENT = 75
REDRESS_FOLLOWUP_DAYS = (1, 7, 30)
# ISO 4217 codes offers may use (those of the offer limits are allowed too);
# the web form offers them in this order, the first preselected.
CURRENCIES = [
    code.strip().upper()
    for code in env.list("CURRENCIES", default=["GBP", "EUR", "USD"])
    if code.strip()
]
