"""The comparison rig of bench/api_create.py: django-helpdesk 2.6.1 and a bare DRF view.

Builds (once; reused while its marker names the same version) a throwaway
venv under var/bench/helpdesk-venv with django-helpdesk 2.6.1 from PyPI,
gunicorn and psycopg2, and a minimal Django project under
var/bench/helpdesk-site serving:

- `POST /helpdesk/api/tickets/` — helpdesk's own ticket-create API (DRF,
  `IsAdminUser`), authenticated like Redress with `Authorization: Token …`
  (DRF's TokenAuthentication: one query per request), Django's default
  middleware, emails to the dummy backend;
- `GET /bare/` — a DRF APIView with no authentication, permission or
  throttle that returns `{"ok": true}`: the ceiling of a DRF request.

Its database is `redress_helpdesk_bench` on the same PostgreSQL server.
"""

import json
import subprocess
import sys
from pathlib import Path

from api_support import wait_up

HELPDESK_VERSION = "2.6.1"
ROOT = Path(__file__).resolve().parent.parent
RIG = ROOT / "var" / "bench"
VENV = RIG / "helpdesk-venv"
SITE = RIG / "helpdesk-site"
DB = "redress_helpdesk_bench"
PORT = 8111
REQUIREMENTS = [
    f"django-helpdesk=={HELPDESK_VERSION}",
    "Django>=5.2,<5.3",
    "djangorestframework",
    "gunicorn",
    "psycopg2-binary",
]

SETTINGS = """
import os
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages",
    "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdsite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["HD_DB"],
    "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432",
    "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
SITE_ID = 1
LOGIN_URL = "/helpdesk/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
]}
"""

URLS = """
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class Bare(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("helpdesk/", include("helpdesk.urls")), path("bare/", Bare.as_view())]
"""

WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
application = get_wsgi_application()
"""

PREPARE = """
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
user, _ = get_user_model().objects.get_or_create(
    username="bench", defaults={"is_staff": True, "is_superuser": True}
)
token, _ = Token.objects.get_or_create(user=user)
queue, _ = Queue.objects.get_or_create(
    slug="bench", defaults={"title": "Bench", "allow_public_submission": True}
)
print(json.dumps({"token": token.key, "queue": queue.pk}))
"""


def python() -> Path:
    return VENV / "bin" / "python"


def install() -> None:
    """Create the throwaway venv with django-helpdesk (skipped when present)."""
    marker = VENV / f"helpdesk-{HELPDESK_VERSION}.ok"
    if marker.exists():
        return
    RIG.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(python()), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True
    )
    marker.touch()


def write_site() -> None:
    package = SITE / "hdsite"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for name, text in (("settings", SETTINGS), ("urls", URLS), ("wsgi", WSGI)):
        (package / f"{name}.py").write_text(text.lstrip())
    (SITE / "prepare.py").write_text(PREPARE.lstrip())


def site_env(secret: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(SECRET_KEY=secret, HD_DB=DB, PYTHONPATH=str(SITE))
    return env


def prepare(secret: str, create_database) -> dict:
    """Install, write the project, migrate; return the bench user's token and queue."""
    install()
    write_site()
    create_database(DB)
    out = subprocess.run(
        [str(python()), str(SITE / "prepare.py")],
        env=site_env(secret),
        cwd=SITE,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def start(secret: str, workers: int) -> subprocess.Popen:
    """gunicorn on PORT with the same flags as Redress's server in the bench."""
    process = subprocess.Popen(
        [
            str(VENV / "bin" / "gunicorn"),
            "hdsite.wsgi",
            "--config",
            "/dev/null",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=SITE,
        env=site_env(secret),
    )
    return wait_up(process, f"http://127.0.0.1:{PORT}/bare/", "the helpdesk gunicorn")
