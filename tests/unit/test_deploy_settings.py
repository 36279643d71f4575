"""Deployment defaults: a real secret, named hosts, HTTPS everywhere (CONTRACT §17).

The settings module reads the environment once, at import, so the production
cases run it in a fresh process with `DEBUG=0`, as a server would.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.security import (
    PLACEHOLDER_SECRET_KEYS,
    refuse_weak_secret_key,
    secret_key_problem,
)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_PLACEHOLDER = "change-me-in-a-dot-env-file"


def real_key() -> str:
    return secrets.token_urlsafe(50)


def production(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SECRET_KEY", "ALLOWED_HOSTS"))
        # Set by the browser tests' conftest; no deployment has it.
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DEBUG="0", SECRET_KEY=real_key(), ALLOWED_HOSTS="example.com")
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({n: getattr(s, n) for n in ("
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', "
    "'ALLOWED_HOSTS')}))"
)


# -- the rule itself ---------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "",
        COMPOSE_PLACEHOLDER,
        "build-only-not-secret",
        "django-insecure-" + "k" * 50,
        "DJANGO-INSECURE-" + "k" * 50,
        "short-but-random-Zx81",
        "a" * 60,
        "abab" * 20,
        "changeme" + "x1y2z3w4" * 6,
    ],
)
def test_a_weak_or_placeholder_secret_key_is_refused(key):
    assert secret_key_problem(key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_weak_secret_key(key)


def test_the_compose_placeholder_is_a_known_placeholder():
    assert COMPOSE_PLACEHOLDER in PLACEHOLDER_SECRET_KEYS


def test_a_long_random_secret_key_is_accepted():
    assert secret_key_problem(real_key()) is None
    refuse_weak_secret_key(real_key())


# -- the settings, as a production process reads them ------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "key", [COMPOSE_PLACEHOLDER, "django-insecure-" + "q" * 50, "tooshort"]
)
def test_production_refuses_to_start_with_a_placeholder_key(key):
    result = run(["manage.py", "check"], production(SECRET_KEY=key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_allowed_hosts():
    env = production()
    del env["ALLOWED_HOSTS"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_a_real_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"security\.W\d+", result.stdout + result.stderr)


@pytest.mark.slow
def test_production_defaults_to_https_only_with_a_year_of_hsts():
    result = run(["-c", SHOW_SETTINGS], production())
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip().splitlines()[-1]
    assert '"SECURE_HSTS_SECONDS": 31536000' in shown
    assert '"SECURE_HSTS_INCLUDE_SUBDOMAINS": true' in shown
    assert '"SECURE_SSL_REDIRECT": true' in shown
    assert '"SESSION_COOKIE_SECURE": true' in shown
    assert '"CSRF_COOKIE_SECURE": true' in shown
    assert '"SECURE_PROXY_SSL_HEADER": null' in shown


@pytest.mark.slow
def test_the_https_settings_can_be_changed_for_a_proxy():
    env = production(
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    result = run(["-c", SHOW_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip().splitlines()[-1]
    assert '"SECURE_HSTS_SECONDS": 600' in shown
    assert '"SECURE_HSTS_INCLUDE_SUBDOMAINS": false' in shown
    assert '"SECURE_SSL_REDIRECT": false' in shown
    assert '"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]' in shown


# -- what ships --------------------------------------------------------------


def test_compose_ships_no_secret_and_requires_one_and_the_hosts():
    import yaml

    compose = (ROOT / "docker-compose.yml").read_text()
    assert COMPOSE_PLACEHOLDER not in compose
    environment = yaml.safe_load(compose)["x-app"]["environment"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", environment["SECRET_KEY"])
    assert re.fullmatch(r"\$\{ALLOWED_HOSTS:\?[^}]+\}", environment["ALLOWED_HOSTS"])


def test_the_image_recipe_builds_with_a_throwaway_random_key():
    dockerfile = (ROOT / "Dockerfile").read_text()
    keys = re.findall(r"SECRET_KEY=(\S+)", dockerfile)
    assert keys
    for key in keys:
        assert key.startswith('"$(python'), key
