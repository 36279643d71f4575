"""The core settings: paths, the secret, hosts, apps, middleware, templates,
the database, the cache, sign-in and languages.

`env` and the paths defined here are shared by the other settings modules.
"""

import secrets
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.security import HOW_TO, refuse_weak_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
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
    # Pages only: keyed API calls answer JSON (api.lean).
    "api.lean.ContentSecurityPolicy",
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
# Workers and beat must survive a database restart on their own; the check
# of an idle connection reads its socket, not the server (config.postgresql).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The planner's cost of reading a page out of order. PostgreSQL's default (4)
# is a spinning disk's; on SSDs or a database held in memory it makes the
# planner walk a table's rows where an index alone answers (the dashboards'
# figures about open cases: 550 ms against 225 at a million cases stored in
# filing order). Empty: leave the server's setting.
RANDOM_PAGE_COST = env.str("DB_RANDOM_PAGE_COST", default="1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"
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
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "config.postgresql"
    # Tests read the primary through this alias: no second test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "config.postgresql" and RANDOM_PAGE_COST:
        _options = _database.setdefault("OPTIONS", {})
        _cost = f"-c random_page_cost={float(RANDOM_PAGE_COST)}"
        _options["options"] = f"{_options.get('options', '')} {_cost}".strip()
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
